"""The case list as CSV / XLSX (a django-import-export resource, written by commerce.exports).

Subjects, names and tags come from customers: a cell such as `=HYPERLINK(...)`
reaches the spreadsheet as text, never as a formula (commerce.exports.neutralise
for CSV, typed string cells for XLSX).
"""

from django.http import HttpResponse
from django.utils import timezone
from import_export import fields, resources

from commerce.exports import export
from crm.models import SupportCase


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class CaseResource(resources.ModelResource):
    number = fields.Field(attribute="pk", column_name="case")
    subject = fields.Field(attribute="subject", column_name="subject")
    status = fields.Field(column_name="status")
    priority = fields.Field(column_name="priority")
    customer_email = fields.Field(attribute="customer_email", column_name="customer email")
    customer_name = fields.Field(attribute="customer_name", column_name="customer name")
    order = fields.Field(column_name="order")
    assignee = fields.Field(column_name="assignee")
    tags = fields.Field(column_name="tags")
    opened = fields.Field(column_name="opened")
    first_response_due = fields.Field(column_name="first response due")
    resolution_due = fields.Field(column_name="resolution due")
    breached = fields.Field(column_name="SLA breached")

    class Meta:
        model = SupportCase
        fields = [
            "number",
            "subject",
            "status",
            "priority",
            "customer_email",
            "customer_name",
            "order",
            "assignee",
            "tags",
            "opened",
            "first_response_due",
            "resolution_due",
            "breached",
        ]
        export_order = fields

    def dehydrate_status(self, case):
        return case.get_status_display()

    def dehydrate_priority(self, case):
        return case.get_priority_display()

    def dehydrate_order(self, case):
        return case.order.number if case.order_id else ""

    def dehydrate_assignee(self, case):
        return case.assignee.email if case.assignee_id else ""

    def dehydrate_tags(self, case):
        return ", ".join(sorted(case.tags.names()))

    def dehydrate_opened(self, case):
        return _when(case.created_at)

    def dehydrate_first_response_due(self, case):
        return _when(case.first_response_due_at)

    def dehydrate_resolution_due(self, case):
        return _when(case.resolution_due_at)

    def dehydrate_breached(self, case):
        return "yes" if case.is_breached() else "no"


def export_response(queryset, file_format: str) -> HttpResponse:
    content, content_type = export(
        CaseResource, queryset.prefetch_related("tags"), file_format, title="Support cases"
    )
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="support-cases-{stamp}.{file_format}"'
    return response

"""The admin dashboard's support panel: open cases by status and how many breached their SLA.

Shown to whoever works cases (Support, the Platform admin, organizers for their own
events' cases: crm.permissions.cases_for); a fixed number of queries.
"""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from crm import permissions
from crm.models import OPEN_STATUSES, CaseStatus


class OpenCasesPanel(Component):
    name = "bilten_open_cases"
    template_name = "crm/cases/dashboard_panel.html"
    order = 45

    def __init__(self, request):
        self.request = request

    @classmethod
    def is_shown_to(cls, user) -> bool:
        return permissions.sees_everything(user) or bool(permissions.organization_keys_for(user))

    def get_context_data(self, parent_context):
        from crm.case_queries import breached_q

        context = super().get_context_data(parent_context)
        open_cases = permissions.cases_for(self.request.user).filter(status__in=OPEN_STATUSES)
        counts = dict(
            open_cases.order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        base = reverse("crm_cases:index")
        context.update(
            {
                "by_status": [
                    {
                        "label": CaseStatus(status).label,
                        "count": counts.get(status, 0),
                        "url": f"{base}?status={status}",
                    }
                    for status in OPEN_STATUSES
                ],
                "total": sum(counts.values()),
                "breached": open_cases.filter(breached_q(timezone.now())).count(),
                "list_url": base,
                "breached_url": f"{base}?breached=on",
            }
        )
        return context


def panels_for(request) -> list:
    return [OpenCasesPanel(request)] if OpenCasesPanel.is_shown_to(request.user) else []

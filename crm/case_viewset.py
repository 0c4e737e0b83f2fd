"""Support → Cases as a Wagtail ModelViewSet: the list and a new case (issue 10, 2).

    /admin/crm/cases/                     the list: open cases by next due time, breaches
                                          marked in words; Wagtail's filters and search
    /admin/crm/cases/results/             the same list's results (Wagtail's live search)
    /admin/crm/cases/new/                 a new case (?customer=<key>&order=<number>)
    /admin/crm/cases/history/<id>/        Wagtail's history of the case (its log entries)

The case screen itself (timeline, reply, note, status...), the export and the attachments
are crm.case_admin's views under the same prefix. Who sees which case is
crm.permissions.cases_for, through CasePermissionPolicy: Support and the Platform admin
every case, an organizer their organizations' events' cases (another case id is a 404).
Cases are never edited through a generic form nor deleted: they change through the case
screen's own actions (crm.services.cases), each audited.
"""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, Table, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.log_actions import log
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from crm import permissions
from crm.case_admin import case_url
from crm.case_queries import breached_q, ordered, search_cases
from crm.models import OPEN_STATUSES, CasePriority, CaseSource, CaseStatus, SupportCase
from crm.services import cases

PER_PAGE = 50


# --- Who may do what ------------------------------------------------------------------


def may_open_any(user) -> bool:
    """Support opens any case; an organizer one about an order of their own events."""
    return permissions.may(user, permissions.OPEN_CASE) or bool(
        permissions.organization_keys_for(user)
    )


def may_export(user) -> bool:
    return permissions.may(user, permissions.EXPORT) or bool(
        permissions.organization_keys_for(user)
    )


def sees_cases(user) -> bool:
    return permissions.may_use_crm(user) and (
        permissions.sees_everything(user) or bool(permissions.organization_keys_for(user))
    )


class CasePermissionPolicy(BasePermissionPolicy):
    """The viewset's views asked through crm.permissions: "view" whoever sees cases (their
    own, cases_for), "add" whoever may open one; "change" and "delete" nobody, as the
    generic edit and delete forms are not how a case changes (the case screen is)."""

    def user_has_permission(self, user, action):
        if action == "view":
            return sees_cases(user)
        if action == "add":
            return sees_cases(user) and may_open_any(user)
        return False

    def user_has_permission_for_instance(self, user, action, instance):
        if action != "view":
            return False
        return permissions.cases_for(user).filter(pk=instance.pk).exists()

    def instances_user_has_permission_for(self, user, action):
        if action != "view":
            return SupportCase.objects.none()
        return permissions.cases_for(user)

    def users_with_permission(self, action):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.none()  # not asked by these screens


register_permission_policy(SupportCase, CasePermissionPolicy(SupportCase))


# --- The list -------------------------------------------------------------------------


class CheckboxFilter(django_filters.Filter):
    """A tick box (?breached=on): ticked filters, unticked does not."""

    field_class = forms.BooleanField


class CaseFilterSet(WagtailFilterSet):
    """The list's filters. With no status chosen the list shows the open cases."""

    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=[("all", gettext_lazy("All")), *CaseStatus.choices],
        empty_label=gettext_lazy("Open (new, open, waiting)"),
        method="filter_status",
    )
    priority = django_filters.ChoiceFilter(
        label=gettext_lazy("Priority"),
        choices=CasePriority.choices,
        empty_label=gettext_lazy("Any"),
    )
    assignee = django_filters.ChoiceFilter(
        label=gettext_lazy("Assignee"),
        choices=[("mine", gettext_lazy("Mine")), ("none", gettext_lazy("Nobody"))],
        empty_label=gettext_lazy("Anyone"),
        method="filter_assignee",
    )
    tag = django_filters.CharFilter(label=gettext_lazy("Tag"), max_length=100, method="filter_tag")
    breached = CheckboxFilter(label=gettext_lazy("SLA breached only"), method="filter_breached")

    class Meta:
        model = SupportCase
        fields = ["status", "priority", "assignee", "tag", "breached"]

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=OPEN_STATUSES)
        return super().filter_queryset(queryset)

    def filter_status(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(status=value)

    def filter_assignee(self, queryset, name, value):
        if value == "mine":
            return queryset.filter(assignee=self.request.user)
        return queryset.filter(assignee__isnull=True)

    def filter_tag(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(tags__name__iexact=value) if value else queryset

    def filter_breached(self, queryset, name, value):
        return queryset.filter(breached_q(timezone.now())) if value else queryset


class CaseColumn(Column):
    """A cell drawn by its own template (crm/cases/cells/<name>.html) from the case."""

    def __init__(self, name, **kwargs):
        super().__init__(name, accessor=lambda case: case, **kwargs)
        self.cell_template_name = f"crm/cases/cells/{name}.html"


class NextDueColumn(CaseColumn):
    """The next due time, and "SLA breached" in words when a due time was missed."""

    def __init__(self, name, *, now, **kwargs):
        super().__init__(name, **kwargs)
        self.now = now

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["breached"] = instance.is_breached(self.now)
        return context


class CaseTable(Table):
    """Each row names its case (data-case) and says whether it is breached (the class
    only repeats the words in the "Next due" cell)."""

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    def get_row_attrs(self, instance):
        attrs = {"data-case": str(instance.pk)}
        attrs.update(super().get_row_attrs(instance))
        if instance.is_breached(self.now):
            attrs["class"] = " ".join(filter(None, [attrs.get("class"), "crm-case--breached"]))
        return attrs


class CaseIndexView(generic.IndexView):
    paginate_by = PER_PAGE
    add_item_label = gettext_lazy("New case")
    is_searchable = True
    search_fields = ["subject", "customer_email"]
    search_backend_name = None
    page_title = gettext_lazy("Support cases")
    template_name = "crm/cases/index.html"

    @cached_property
    def now(self):
        return timezone.now()

    @cached_property
    def table_class(self):
        return CaseTable

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "now": self.now}

    @cached_property
    def columns(self):
        return [
            TitleColumn("pk", label=_("Case"), get_url=case_url, accessor=lambda c: f"#{c.pk}"),
            CaseColumn("subject", label=_("Subject")),
            CaseColumn("customer", label=_("Customer")),
            CaseColumn("status", label=_("Status")),
            CaseColumn("priority", label=_("Priority")),
            CaseColumn("assignee", label=_("Assignee")),
            NextDueColumn("next_due", label=_("Next due"), now=self.now),
        ]

    def get_base_queryset(self):
        return permissions.cases_for(self.request.user).select_related("assignee", "order")

    def filter_queryset(self, queryset):
        if self.filters is not None and not self.filters.is_valid():
            return queryset.filter(status__in=OPEN_STATUSES)  # a broken filter: the default
        return super().filter_queryset(queryset)

    def search_queryset(self, queryset):
        return search_cases(queryset, self.search_query or "")

    def order_queryset(self, queryset):
        # Open cases first by next due time; a tag filter's join is undone by distinct.
        return ordered(queryset.distinct())

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if may_export(self.request.user):
            query = self.request.GET.copy()
            query.pop("p", None)
            export = reverse("crm_cases:export")
            csv_query = query.urlencode()
            query["format"] = "xlsx"
            buttons = [
                *buttons,
                HeaderButton(_("Export CSV"), url=f"{export}?{csv_query}", icon_name="download"),
                HeaderButton(
                    _("Export XLSX"), url=f"{export}?{query.urlencode()}", icon_name="download"
                ),
            ]
        return buttons


# --- A new case -------------------------------------------------------------------------


class NewCaseForm(WagtailAdminModelForm):
    """Who the case is for and what about; an order number ties it to the order's event.
    `for_user` (Wagtail's) decides which orders may be named."""

    order_number = forms.CharField(
        label=gettext_lazy("Order number"), max_length=20, required=False
    )
    body = forms.CharField(
        label=gettext_lazy("Internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What the case is about (not sent to the customer)."),
    )

    class Meta:
        model = SupportCase
        fields = ["customer_email", "customer_name", "subject", "priority"]
        labels = {
            "customer_email": gettext_lazy("Customer email"),
            "customer_name": gettext_lazy("Customer name"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer_email"].required = True
        self.fields["priority"].initial = CasePriority.NORMAL

    def clean_order_number(self):
        number = "".join(self.cleaned_data["order_number"].split()).upper()
        if not number:
            return None
        order = permissions.orders_for(self.for_user).filter(number__iexact=number).first()
        if order is None:
            raise ValidationError(_("No order %(number)s that you may see.") % {"number": number})
        return order

    def clean(self):
        data = super().clean()
        order = data.get("order_number")
        if not permissions.may(
            self.for_user, permissions.OPEN_CASE, order.event_key if order else None
        ):
            raise ValidationError(
                _("Name an order of your own events: a case without one is for Support only.")
            )
        return data


class NewCaseView(generic.CreateView):
    page_title = gettext_lazy("New case")
    submit_button_label = gettext_lazy("Open case")
    submit_button_active_label = gettext_lazy("Opening…")
    success_message = gettext_lazy("Case %(object)s opened.")

    def get_initial(self):
        return {**super().get_initial(), **new_case_initial(self.request)}

    def save_instance(self):
        data = self.form.cleaned_data
        order = data["order_number"]
        case = cases.open_case(
            subject=data["subject"],
            customer_email=data["customer_email"],
            customer_name=data["customer_name"] or (order.buyer_name if order else ""),
            order=order,
            priority=data["priority"],
            source=CaseSource.AGENT,
            body=data["body"],
            actor=self.request.user,
            status=CaseStatus.OPEN,
        )
        log(instance=case, action="wagtail.create", user=self.request.user, content_changed=True)
        return case

    def get_success_message(self, instance):
        return self.success_message % {"object": instance.pk}

    def get_success_url(self):
        return case_url(self.object)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


def new_case_initial(request) -> dict:
    """A new case's form filled from ?customer=<key> and ?order=<number> (the customer's
    and the order's screens link here); a foreign or broken value fills nothing."""
    initial = {}
    key = request.GET.get("customer", "")
    if key:
        try:
            from crm.customer_search import email_from_key

            initial["customer_email"] = email_from_key(key)
        except Exception:  # a bad or foreign key prefills nothing
            pass
    number = request.GET.get("order", "").strip().upper()
    if number:
        order = permissions.orders_for(request.user).filter(number__iexact=number).first()
        if order is not None:
            initial.update(
                order_number=order.number,
                customer_email=initial.get("customer_email") or order.buyer_email,
                customer_name=order.buyer_name,
            )
    return initial


# --- Its history ------------------------------------------------------------------------


class CaseHistoryView(HistoryView):
    """Wagtail's history of one case, for whoever may see it (another case id: 404)."""

    any_permission_required = ["view"]

    def get_base_object_queryset(self):
        if not sees_cases(self.request.user):  # asked before Wagtail's permission check
            raise PermissionDenied
        return permissions.cases_for(self.request.user)

    def get_edit_url(self, instance):
        return case_url(instance)  # the case screen: cases change there, not in a form

    @cached_property
    def header_buttons(self):
        return [HeaderButton(_("Open the case"), url=case_url(self.object), icon_name="tasks")]


# --- The list's export --------------------------------------------------------------------


def listed_cases(request):
    """The cases the list shows for this request's filters and search, in its order."""
    queryset = permissions.cases_for(request.user)
    filters = CaseFilterSet(request.GET, queryset=queryset, request=request)
    queryset = filters.qs if filters.is_valid() else queryset.filter(status__in=OPEN_STATUSES)
    queryset = search_cases(queryset, request.GET.get("q", ""))
    return ordered(queryset.distinct()).select_related("assignee", "order")


@never_cache
def export_cases(request):
    """The list as CSV or XLSX (?format=xlsx), through django-import-export (case_exports)."""
    from crm.case_exports import export_response

    if not (permissions.may_use_crm(request.user) and may_export(request.user)):
        raise PermissionDenied
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return export_response(listed_cases(request), file_format)


# --- The viewset -------------------------------------------------------------------------


class SupportCaseViewSet(ModelViewSet):
    model = SupportCase
    url_prefix = "crm/cases"
    icon = "tasks"
    add_to_admin_menu = False  # Support → Cases (crm.wagtail_hooks), with its own rule
    index_view_class = CaseIndexView
    add_view_class = NewCaseView
    history_view_class = CaseHistoryView
    copy_view_enabled = False  # a copy would be saved past cases.open_case (no SLA, timeline)
    form_fields = ["customer_email", "customer_name", "subject", "priority"]
    filterset_class = CaseFilterSet

    def get_form_class(self, for_update=False):
        return NewCaseForm

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("export/", export_cases, name="export")]


class CasesMenuItem(MenuItem):
    def is_shown(self, request):
        return sees_cases(request.user)


def cases_menu_item():
    return CasesMenuItem(
        gettext_lazy("Cases"),
        reverse_lazy("crm_cases:index"),
        name="cases",
        icon_name="tasks",
        order=200,
    )

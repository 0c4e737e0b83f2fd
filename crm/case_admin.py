"""Support → Cases in the Wagtail admin: the list by next due time, the case screen, new cases.

    /admin/crm/cases/                         the list (filters, search; open cases first)
    /admin/crm/cases/export/?...&format=xlsx  the list as CSV or XLSX (crm.case_exports)
    /admin/crm/cases/new/                     a new case (?customer=<key>&order=<number>)
    /admin/crm/cases/<id>/                    the timeline and the forms to work the case
    /admin/crm/cases/<id>/files/<file id>/    an attachment, served through this check

Who sees which case is crm.permissions.cases_for (Support and the Platform admin
every case, an organizer their organizations' events' cases); another case id is
a 404, and working a case asks may_work_case. Attachments are read from storage
by the view, never linked by a public media address.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, DateTimeField, F, IntegerField, Q, Value, When
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem

from accounts.roles import PLATFORM_ADMIN, SUPPORT
from crm import permissions
from crm.audit import request_ip
from crm.models import (
    OPEN_STATUSES,
    CaseAttachment,
    CaseMessage,
    CasePriority,
    CaseSource,
    CaseStatus,
    MessageKind,
    SupportCase,
)
from crm.public_forms import AttachmentsField
from crm.public_views import serve_attachment
from crm.services import cases

PER_PAGE = 50


# --- Queries ------------------------------------------------------------------------


def breached_q(now) -> Q:
    """SupportCase.is_breached as a filter: a due time passed before its answer (or by now)."""
    first = Q(first_response_due_at__isnull=False) & (
        Q(first_responded_at__isnull=True, first_response_due_at__lt=now)
        | Q(first_responded_at__gt=F("first_response_due_at"))
    )
    resolution = Q(resolution_due_at__isnull=False) & (
        Q(resolved_at__isnull=True, resolution_due_at__lt=now)
        | Q(resolved_at__gt=F("resolution_due_at"))
    )
    return first | resolution


def ordered(queryset):
    """Open cases first, each by its next due time (first response until answered, then
    resolution); closed and resolved ones after, newest first."""
    return queryset.annotate(
        done=Case(
            When(status__in=OPEN_STATUSES, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        next_due=Case(
            When(first_responded_at__isnull=True, then=F("first_response_due_at")),
            default=F("resolution_due_at"),
            output_field=DateTimeField(),
        ),
    ).order_by("done", F("next_due").asc(nulls_last=True), "pk")


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("Open (new, open, waiting)")),
            ("all", gettext_lazy("All")),
            *CaseStatus.choices,
        ],
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"),
        required=False,
        choices=[("", gettext_lazy("Any")), *CasePriority.choices],
    )
    assignee = forms.ChoiceField(
        label=gettext_lazy("Assignee"),
        required=False,
        choices=[
            ("", gettext_lazy("Anyone")),
            ("mine", gettext_lazy("Mine")),
            ("none", gettext_lazy("Nobody")),
        ],
    )
    tag = forms.CharField(label=gettext_lazy("Tag"), required=False, max_length=100)
    breached = forms.BooleanField(label=gettext_lazy("SLA breached only"), required=False)


def filtered_cases(user, params, *, now=None):
    """The cases `user` may see, filtered by the list's form (an invalid value filters nothing)."""
    now = now or timezone.now()
    form = CaseFilterForm(params)
    queryset = permissions.cases_for(user)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status", "")
    if status == "":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif status != "all":
        queryset = queryset.filter(status=status)
    if data.get("priority"):
        queryset = queryset.filter(priority=data["priority"])
    if data.get("assignee") == "mine":
        queryset = queryset.filter(assignee=user)
    elif data.get("assignee") == "none":
        queryset = queryset.filter(assignee__isnull=True)
    if data.get("tag"):
        queryset = queryset.filter(tags__name__iexact=data["tag"].strip())
    if data.get("breached"):
        queryset = queryset.filter(breached_q(now))
    q = (data.get("q") or "").strip()
    if q:
        number = q.lstrip("#")
        match = Q(subject__icontains=q) | Q(customer_email__icontains=q)
        if number.isdigit():
            match |= Q(pk=int(number))
        queryset = queryset.filter(match)
    return form, ordered(queryset.distinct()).select_related("assignee", "order")


# --- Permission helpers ---------------------------------------------------------------


def _require_crm(user) -> None:
    if not permissions.may_use_crm(user):
        raise PermissionDenied


def visible_case(user, case_id) -> SupportCase:
    """The case if `user` may see it, else 404 (another organization's case gives nothing away)."""
    _require_crm(user)
    case = permissions.cases_for(user).filter(pk=case_id).first()
    if case is None:
        raise Http404(_("No such case."))
    return case


def _workable_case(user, case_id) -> SupportCase:
    case = visible_case(user, case_id)
    if not permissions.may_work_case(user, case):
        raise PermissionDenied
    return case


# --- The list -------------------------------------------------------------------------


@never_cache
def index(request):
    _require_crm(request.user)
    now = timezone.now()
    form, queryset = filtered_cases(request.user, request.GET, now=now)
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return TemplateResponse(
        request,
        "crm/cases/index.html",
        {
            "form": form,
            "page": page,
            "rows": [(case, case.is_breached(now)) for case in page.object_list],
            "query": query.urlencode(),
            "may_export": permissions.may(request.user, permissions.EXPORT)
            or bool(permissions.organization_keys_for(request.user)),
            "may_open": _may_open_any(request.user),
        },
    )


def _may_open_any(user) -> bool:
    return permissions.may(user, permissions.OPEN_CASE) or bool(
        permissions.organization_keys_for(user)
    )


@never_cache
def export_cases(request):
    from crm.case_exports import export_response

    _require_crm(request.user)
    if not (
        permissions.may(request.user, permissions.EXPORT)
        or permissions.organization_keys_for(request.user)
    ):
        raise PermissionDenied
    _form, queryset = filtered_cases(request.user, request.GET)
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return export_response(queryset, file_format)


# --- The case screen ------------------------------------------------------------------


def _agents():
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=[SUPPORT, PLATFORM_ADMIN]) | Q(is_superuser=True))
        .distinct()
        .order_by("name", "email")
    )


def _person(user) -> str:
    return user.get_full_name() or user.email


class MessageForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        error_messages={"required": gettext_lazy("Write a message.")},
    )
    attachments = AttachmentsField()


class ChangeCaseForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=CaseStatus.choices)
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), choices=CasePriority.choices)
    assignee = forms.ChoiceField(label=gettext_lazy("Assignee"), required=False)
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Separate tags with commas."),
    )

    def __init__(self, *args, user, case, **kwargs):
        super().__init__(*args, **kwargs)
        people = {agent.pk: agent for agent in _agents()}
        people.setdefault(user.pk, user)
        if case.assignee_id:
            people.setdefault(case.assignee_id, case.assignee)
        self.people = people
        self.fields["assignee"].choices = [("", _("Nobody"))] + [
            (str(pk), _person(person)) for pk, person in people.items()
        ]

    def clean_assignee(self):
        value = self.cleaned_data["assignee"]
        return self.people[int(value)] if value else None

    def clean_tags(self):
        return [tag.strip()[:100] for tag in self.cleaned_data["tags"].split(",") if tag.strip()]


def _change_form(user, case, data=None):
    initial = {
        "status": case.status,
        "priority": case.priority,
        "assignee": str(case.assignee_id or ""),
        "tags": ", ".join(sorted(case.tags.names(), key=str.lower)),
    }
    return ChangeCaseForm(data, user=user, case=case, initial=initial, prefix="change")


@never_cache
def detail(request, case_id, *, reply_form=None, note_form=None, change_form=None, status=200):
    case = visible_case(request.user, case_id)
    may_work = permissions.may_work_case(request.user, case)
    timeline = (
        case.messages.select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    now = timezone.now()
    return TemplateResponse(
        request,
        "crm/cases/detail.html",
        {
            "case": case,
            "timeline": timeline,
            "may_work": may_work,
            "breached": case.is_breached(now),
            "first_response_breached": case.first_response_breached(now),
            "resolution_breached": case.resolution_breached(now),
            "reply_form": reply_form or MessageForm(prefix="reply"),
            "note_form": note_form or MessageForm(prefix="note"),
            "change_form": change_form or _change_form(request.user, case),
            "customer_url": _customer_url(case.customer_email),
        },
        status=status,
    )


def _customer_url(email) -> str:
    """The customer's 360 page (Support → Customers), "" while those screens are not installed."""
    from django.urls import NoReverseMatch

    try:
        from crm.customer_search import customer_key

        return reverse("bilten_customers:detail", args=[customer_key(email)])
    except (ImportError, NoReverseMatch):
        return ""


def _message_action(request, case_id, *, kind):
    case = _workable_case(request.user, case_id)
    form = MessageForm(request.POST, request.FILES, prefix=kind)
    if form.is_valid():
        service = cases.reply if kind == "reply" else cases.add_note
        try:
            service(
                case=case,
                author=request.user,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if kind == "reply":
                messages.success(
                    request, _("Reply sent to %(email)s.") % {"email": case.customer_email}
                )
            else:
                messages.success(request, _("Note added."))
            return redirect("crm_case_detail", case.pk)
    messages.error(request, _("The message was not saved: see the form below."))
    return detail(request, case.pk, **{f"{kind}_form": form}, status=400)


@require_POST
def reply(request, case_id):
    return _message_action(request, case_id, kind="reply")


@require_POST
def note(request, case_id):
    return _message_action(request, case_id, kind="note")


@require_POST
def change(request, case_id):
    case = _workable_case(request.user, case_id)
    form = _change_form(request.user, case, request.POST)
    if not form.is_valid():
        messages.error(request, _("The case was not changed: see the form below."))
        return detail(request, case.pk, change_form=form, status=400)
    data = form.cleaned_data
    cases.change_case(
        case=case,
        actor=request.user,
        status=data["status"],
        priority=data["priority"],
        assignee=data["assignee"],
        tags=data["tags"],
        ip=request_ip(request),
    )
    messages.success(request, _("Case updated."))
    return redirect("crm_case_detail", case.pk)


@require_POST
def send_again(request, case_id, message_id):
    from crm.case_emails import send_again as resend

    case = _workable_case(request.user, case_id)
    message = CaseMessage.objects.filter(
        pk=message_id, case=case, kind=MessageKind.REPLY, emailed_at__isnull=True
    ).first()
    if message is None:
        raise Http404
    if resend(message) == "sent":
        messages.success(request, _("The reply was emailed."))
    else:
        messages.error(request, _("The reply could not be emailed again; the error is shown."))
    return redirect("crm_case_detail", case.pk)


@never_cache
def attachment(request, case_id, attachment_id):
    case = visible_case(request.user, case_id)
    item = CaseAttachment.objects.filter(pk=attachment_id, message__case=case).first()
    if item is None:
        raise Http404
    return serve_attachment(item)


# --- A new case -------------------------------------------------------------------------


class NewCaseForm(forms.Form):
    customer_email = forms.EmailField(label=gettext_lazy("Customer email"), max_length=254)
    customer_name = forms.CharField(
        label=gettext_lazy("Customer name"), max_length=150, required=False
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"), choices=CasePriority.choices, initial=CasePriority.NORMAL
    )
    order_number = forms.CharField(
        label=gettext_lazy("Order number"), max_length=20, required=False
    )
    body = forms.CharField(
        label=gettext_lazy("Internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What the case is about (not sent to the customer)."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_order_number(self):
        number = "".join(self.cleaned_data["order_number"].split()).upper()
        if not number:
            return None
        order = permissions.orders_for(self.user).filter(number__iexact=number).first()
        if order is None:
            raise ValidationError(_("No order %(number)s that you may see.") % {"number": number})
        return order

    def clean(self):
        data = super().clean()
        order = data.get("order_number")
        if not permissions.may(
            self.user, permissions.OPEN_CASE, order.event_key if order else None
        ):
            raise ValidationError(
                _("Name an order of your own events: a case without one is for Support only.")
            )
        return data


@never_cache
def new_case(request):
    _require_crm(request.user)
    if not _may_open_any(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = NewCaseForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            order = data["order_number"]
            case = cases.open_case(
                subject=data["subject"],
                customer_email=data["customer_email"],
                customer_name=data["customer_name"] or (order.buyer_name if order else ""),
                order=order,
                priority=data["priority"],
                source=CaseSource.AGENT,
                body=data["body"],
                actor=request.user,
                status=CaseStatus.OPEN,
            )
            messages.success(request, _("Case %(number)s opened.") % {"number": case.pk})
            return redirect("crm_case_detail", case.pk)
        status = 400
    else:
        form = NewCaseForm(user=request.user, initial=_new_case_initial(request))
        status = 200
    return TemplateResponse(request, "crm/cases/new.html", {"form": form}, status=status)


def _new_case_initial(request) -> dict:
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


# --- Wiring -----------------------------------------------------------------------------

urlpatterns = [
    path("crm/cases/", index, name="crm_case_list"),
    path("crm/cases/export/", export_cases, name="crm_case_export"),
    path("crm/cases/new/", new_case, name="crm_case_new"),
    path("crm/cases/<int:case_id>/", detail, name="crm_case_detail"),
    path("crm/cases/<int:case_id>/reply/", reply, name="crm_case_reply"),
    path("crm/cases/<int:case_id>/note/", note, name="crm_case_note"),
    path("crm/cases/<int:case_id>/change/", change, name="crm_case_change"),
    path(
        "crm/cases/<int:case_id>/messages/<int:message_id>/send-again/",
        send_again,
        name="crm_case_send_again",
    ),
    path(
        "crm/cases/<int:case_id>/files/<int:attachment_id>/",
        attachment,
        name="crm_case_attachment",
    ),
]


class CasesMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.may_use_crm(request.user) and (
            permissions.sees_everything(request.user)
            or bool(permissions.organization_keys_for(request.user))
        )


def cases_menu_item():
    return CasesMenuItem(
        gettext_lazy("Cases"),
        reverse_lazy("crm_case_list"),
        name="cases",
        icon_name="tasks",
        order=200,
    )


def case_url(case) -> str:
    return reverse("crm_case_detail", args=[case.pk])

"""Support → Cases in the Wagtail admin: the case screen and the actions taken on it.

The list, a new case, the export and the history are the ModelViewSet's
(crm.case_viewset), under the same /admin/crm/cases/ prefix.

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
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from accounts.roles import PLATFORM_ADMIN, SUPPORT
from crm import permissions
from crm.audit import request_ip
from crm.models import (
    CaseAttachment,
    CaseMessage,
    CasePriority,
    CaseStatus,
    MessageKind,
    SupportCase,
)
from crm.public_forms import AttachmentsField
from crm.public_views import serve_attachment
from crm.services import cases

PER_PAGE = 50


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


# --- Wiring -----------------------------------------------------------------------------

urlpatterns = [
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


def case_url(case) -> str:
    return reverse("crm_case_detail", args=[case.pk])

"""The customer's side of support: the contact form, help with an order, and their cases.

A customer sees the cases of their account and those opened as a guest with
their email address, and on each only the replies and their own messages —
never an internal note or a system entry. Another customer's case is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from commerce.models import Order
from commerce.order_links import open_link
from core.client_address import client_address
from core.throttles import within_limit
from crm.models import CaseAttachment, CaseSource, CaseStatus, MessageKind
from crm.public_forms import ContactForm, CustomerReplyForm, OrderHelpForm
from crm.services import cases


def _form_status(form) -> int:
    return 429 if form.has_error("__all__", code="rate_limited") else 200


def _files(request) -> list:
    return request.FILES.getlist("attachments")


@require_http_methods(["GET", "POST"])
def contact(request):
    """Name, email, optional order number, subject and message: opens a customer case.

    Counted per client address (a refusal says so, 429) and per email address
    (beyond it nothing is opened, silently): the confirmation reads the same.
    """
    user = request.user if request.user.is_authenticated else None
    if request.method == "GET":
        initial = {"name": user.get_full_name(), "email": user.email} if user else {}
        return render(request, "crm/support/contact.html", {"form": ContactForm(initial=initial)})
    over_limit = not within_limit("support_contact", client_address(request))
    form = ContactForm(request.POST, request.FILES, over_limit=over_limit)
    if not form.is_valid():
        return render(
            request, "crm/support/contact.html", {"form": form}, status=_form_status(form)
        )
    data = form.cleaned_data
    email = data["email"].strip().lower()
    if within_limit("support_contact_email", email):
        cases.open_contact_case(
            name=data["name"],
            email=email,
            subject=data["subject"],
            body=data["message"],
            order_number=data["order_number"],
            user=user,
            language=get_language(),
            attachments=data["attachments"],
        )
    return redirect("support:contact_sent")


@require_GET
def contact_sent(request):
    return render(request, "crm/support/contact_sent.html")


def _order_for_help(request, number, token):
    if token is not None:
        link = open_link(number, token)
        return link.order, link.recipient
    if not request.user.is_authenticated:
        raise Http404
    order = Order.objects.filter(number=number, buyer=request.user).first()
    if order is None:
        raise Http404
    return order, order.buyer_email


@require_http_methods(["GET", "POST"])
def order_help(request, number, token=None):
    """Help with one order: for its signed-in buyer, or whoever holds its signed link."""
    order, email = _order_for_help(request, number, token)
    user = request.user if request.user.is_authenticated else None
    context = {"order": order, "token": token}
    if request.method == "GET":
        initial = {"subject": _("Help with order %(number)s") % {"number": order.number}}
        return render(
            request,
            "crm/support/order_help.html",
            {**context, "form": OrderHelpForm(initial=initial)},
        )
    over_limit = not within_limit("support_contact", client_address(request))
    form = OrderHelpForm(request.POST, request.FILES, over_limit=over_limit)
    if not form.is_valid():
        return render(
            request,
            "crm/support/order_help.html",
            {**context, "form": form},
            status=_form_status(form),
        )
    owner = user if user is not None and order.buyer_id == user.pk else None
    case = cases.open_case(
        subject=form.cleaned_data["subject"],
        customer_email=email,
        customer_name=order.buyer_name if email == order.buyer_email.lower() else "",
        customer=owner,
        order=order,
        source=CaseSource.CUSTOMER,
        body=form.cleaned_data["message"],
        actor=user,
        language=get_language(),
        attachments=form.cleaned_data["attachments"],
    )
    if owner is not None:
        messages.success(request, _("Thank you. We have received your message."))
        return redirect("support:case", case_id=case.pk)
    return render(request, "crm/support/contact_sent.html", {"case": case})


@login_required
@require_GET
def my_cases(request):
    return render(
        request, "crm/support/my_cases.html", {"cases": cases.cases_of_customer(request.user)}
    )


def _own_case(request, case_id):
    case = cases.cases_of_customer(request.user).filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request, case_id):
    case = _own_case(request, case_id)
    form = CustomerReplyForm()
    if request.method == "POST":
        if case.status == CaseStatus.CLOSED:
            messages.error(request, _("This case is closed. Please open a new one."))
            return redirect("support:case", case_id=case.pk)
        form = CustomerReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                cases.customer_message(
                    case=case,
                    body=form.cleaned_data["message"],
                    author=request.user,
                    attachments=form.cleaned_data["attachments"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your message has been sent."))
                return redirect("support:case", case_id=case.pk)
    return render(
        request,
        "crm/support/case_detail.html",
        {"case": case, "timeline": cases.public_messages(case), "form": form},
    )


@login_required
@require_GET
def attachment(request, case_id, attachment_id):
    """A file on the customer's own case, on a message they may see; never a note's."""
    case = _own_case(request, case_id)
    item = CaseAttachment.objects.filter(
        pk=attachment_id,
        message__case=case,
        message__kind__in=[MessageKind.REPLY, MessageKind.CUSTOMER],
    ).first()
    if item is None:
        raise Http404
    return serve_attachment(item)


def serve_attachment(item) -> FileResponse:
    """The file from storage (S3 or local), never by a public address; downloaded, not shown."""
    response = FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

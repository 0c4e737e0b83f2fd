"""Right to erasure in the admin (Platform admin and Support): find the member, confirm, erase."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages

from core.client_address import client_address
from fulfilment.models import PreOrder
from fulfilment.permissions import may_erase
from fulfilment.services.erasure import erase_member_credentials


class ErasureForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Member's email"), max_length=254)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_email(self):
        email = self.cleaned_data["email"]
        member = get_user_model().objects.filter(email__iexact=email).first()
        if member is None:
            raise forms.ValidationError(_("No member has this email address."))
        self.member = member
        return email


def erase(request):
    if not may_erase(request.user):
        raise PermissionDenied
    form = ErasureForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        member = form.member
        if form.cleaned_data["confirm"]:
            ip = client_address(request)
            result = erase_member_credentials(
                member, actor=request.user, ip=ip if ip != "unknown" else None
            )
            messages.success(
                request,
                _(
                    "Erased %(tickets)d ticket credential(s) and %(assignments)d assignment(s); "
                    "%(entries)d log entries masked."
                )
                % {
                    "tickets": result.tickets_erased,
                    "assignments": result.assignments_erased,
                    "entries": result.log_entries_masked,
                },
            )
            return redirect("bilten_fulfilment:dashboard")
        context.update(
            member=member,
            pre_orders=PreOrder.objects.filter(member=member).count(),
            tickets=PreOrder.objects.filter(member=member, assignment__isnull=False).count(),
        )
    return TemplateResponse(request, "fulfilment/dashboard/erase.html", context)

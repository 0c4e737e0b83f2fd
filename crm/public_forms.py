"""The customer's forms: contact, "Get help with this order", and writing back on a case."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import AttemptLimitMixin
from crm.services.cases import MAX_ATTACHMENTS, check_attachments


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to MAX_ATTACHMENTS files, each checked by crm.services.cases (type, content, size)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault(
            "help_text",
            _("Up to %(count)d files of 10 MB each: PDF, PNG, JPEG, GIF, WebP, text or CSV.")
            % {"count": MAX_ATTACHMENTS},
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ".pdf,.png,.jpg,.jpeg,.gif,.webp,.txt,.csv")

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        check_attachments(files)
        return files


def _message_field(label):
    return forms.CharField(
        label=label,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 7}),
        error_messages={"required": _("Write your message.")},
    )


class ContactForm(AttemptLimitMixin, forms.Form):
    """The /support/ form (the view counts each attempt per client address)."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name.")},
    )
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter the email address we should answer to."),
            "invalid": _("Enter a valid email address, like name@example.com."),
        },
    )
    order_number = forms.CharField(
        label=_("Order number (optional)"),
        max_length=20,
        required=False,
        help_text=_("If it is about an order: the number is in your confirmation email."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        error_messages={"required": _("Enter a subject.")},
    )
    message = _message_field(_("Your message"))
    attachments = AttachmentsField()


class OrderHelpForm(AttemptLimitMixin, forms.Form):
    subject = forms.CharField(
        label=_("Subject"), max_length=200, error_messages={"required": _("Enter a subject.")}
    )
    message = _message_field(_("What can we help you with?"))
    attachments = AttachmentsField()


class CustomerReplyForm(forms.Form):
    message = _message_field(_("Your reply"))
    attachments = AttachmentsField()

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User

too_many_attempts = _(
    "Too many attempts from your network. Please wait a few minutes and try again."
)


class AttemptLimitMixin:
    """A form its view refused by rate limit: invalid, with one message, nothing checked.

    The view passes `over_limit` (it counts the attempt); a refused login never
    tests the password, a refused signup never creates the account.
    """

    def __init__(self, *args, over_limit: bool = False, **kwargs):
        self.over_limit = over_limit
        super().__init__(*args, **kwargs)

    def clean(self):
        if self.over_limit:
            raise forms.ValidationError(too_many_attempts, code="rate_limited")
        return super().clean()


class EmailAuthenticationForm(AttemptLimitMixin, AuthenticationForm):
    """Log in with email and password (django-axes counts the failures)."""

    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        "invalid_login": _("That email and password do not match an account."),
        "inactive": _("This account is inactive."),
    }


class SignupForm(AttemptLimitMixin, forms.ModelForm):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )

    class Meta:
        model = User
        fields = ["name", "email", "marketing_consent"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email already exists."))
        return email

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("password")
        if password:
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("password", error)

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "email", "language", "marketing_consent"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("An account with this email already exists."))
        return email

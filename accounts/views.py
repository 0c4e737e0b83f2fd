from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import activate
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import EmailAuthenticationForm, ProfileForm, SignupForm
from core.client_address import client_address
from core.throttles import within_limit


def over_limit(request, scope: str) -> bool:
    """Count a submitted form against RATE_LIMITS[scope] for this client address."""
    return request.method == "POST" and not within_limit(scope, client_address(request))


def refused_status(form) -> int:
    """429 for a form refused by rate limit, else the usual 200."""
    return 429 if form.has_error("__all__", code="rate_limited") else 200


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_form_kwargs(self):
        """Web logins are rate limited per client address, before any password is tested."""
        return {**super().get_form_kwargs(), "over_limit": over_limit(self.request, "web_login")}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = refused_status(form)
        return response


class LogoutView(auth_views.LogoutView):
    next_page = "/"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        """Send the link within the limits per client address and per email, silently.

        Beyond them the visitor sees the same "check your inbox" page but no
        email leaves: a stranger cannot flood someone's inbox or learn anything.
        """
        email = form.cleaned_data["email"].strip().lower()
        if within_limit("password_reset", client_address(self.request)) and within_limit(
            "password_reset_email", email
        ):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignupForm(request.POST or None, over_limit=over_limit(request, "web_signup"))
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to Bilten! Your account is ready."))
        return redirect("accounts:profile")
    return render(request, "accounts/signup.html", {"form": form}, status=refused_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        activate(user.language)
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})

"""Wagtail's user screens, adapted to our user model (one `name`, email login)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet

from accounts.models import User


class BiltenUserCreationForm(UserCreationForm):
    first_name = None
    last_name = None
    name = forms.CharField(required=True, label=_("Name"))

    class Meta(UserCreationForm.Meta):
        model = User
        fields = {"email", "name", "is_superuser", "groups"}


class BiltenUserEditForm(UserEditForm):
    first_name = None
    last_name = None
    name = forms.CharField(required=True, label=_("Name"))

    class Meta(UserEditForm.Meta):
        model = User
        fields = {"email", "name", "is_active", "is_superuser", "groups"}


class BiltenUserViewSet(UserViewSet):
    def get_form_class(self, for_update=False):
        return BiltenUserEditForm if for_update else BiltenUserCreationForm

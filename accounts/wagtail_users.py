"""App config replacing wagtail.users so the admin uses our user forms.

Kept free of model imports: it is loaded while the app registry fills.
"""

from wagtail.users.apps import WagtailUsersAppConfig


class BiltenUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "accounts.admin_users.BiltenUserViewSet"

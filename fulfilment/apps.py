from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfilmentConfig(AppConfig):
    name = "fulfilment"
    verbose_name = _("Pre-order fulfilment")
    default_auto_field = "django.db.models.BigAutoField"

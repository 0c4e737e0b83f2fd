from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfilmentConfig(AppConfig):
    name = "fulfilment"
    verbose_name = _("Pre-order fulfilment")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from event_pages import sales
        from fulfilment.demo.seed import seed_demo_pre_orders

        sales.add_seed_demo_step(seed_demo_pre_orders)  # seed_demo's pre-order event

        from commerce import payment_owners
        from fulfilment import event_api
        from fulfilment.services import capture

        payment_owners.register(capture.owner_of)  # pre-order charges' webhooks
        event_api.connect()  # "pre_order" in the events API

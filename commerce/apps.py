from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import pre_delete


class CommerceConfig(AppConfig):
    name = "commerce"
    verbose_name = "Sales"

    def ready(self):
        from commerce.event_deletion import refuse_deleting_sold_event
        from commerce.signals import claim_guest_purchases_on_login
        from event_pages.models import EventPage

        pre_delete.connect(
            refuse_deleting_sold_event, sender=EventPage, dispatch_uid="refuse_deleting_sold_event"
        )
        user_logged_in.connect(claim_guest_purchases_on_login, dispatch_uid="claim_guest_purchases")

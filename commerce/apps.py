from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import pre_delete


class CommerceConfig(AppConfig):
    name = "commerce"
    verbose_name = "Sales"

    def ready(self):
        from wagtail.signals import page_published

        from commerce import selectors
        from commerce.demo.sales import seed_demo_sales
        from commerce.event_deletion import refuse_deleting_sold_event
        from commerce.services import inventory
        from commerce.signals import claim_guest_purchases_on_login
        from event_pages import sales
        from event_pages.models import EventPage

        sales.connect(
            availability=selectors.availability,
            committed_counts=inventory.committed_counts,
            tier_keys_with_sales=selectors.tier_keys_with_sales,
            seed_demo_sales=seed_demo_sales,
        )
        page_published.connect(
            inventory.sync_inventory_on_publish,
            sender=EventPage,
            dispatch_uid="sync_inventory_on_publish",
        )

        pre_delete.connect(
            refuse_deleting_sold_event, sender=EventPage, dispatch_uid="refuse_deleting_sold_event"
        )
        user_logged_in.connect(claim_guest_purchases_on_login, dispatch_uid="claim_guest_purchases")

        from commerce import payment_owners
        from commerce.services import exchange_charges

        payment_owners.register(exchange_charges.owner_of)  # exchange differences' webhooks

"""Organizers set up an event's pre-orders in the admin: Fulfilment → Pre-order offers.

One offer per event (price, currency, fallback, on/off) with its variants inline; the
variant windows are typed and shown in the event's own time zone, like the event's
dates (event_pages.zoned_fields). An organizer sees and edits only the offers of their
organization's events and can pick only those events; the Fulfilment group and the
Platform admin work on every event's.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.admin.viewsets.model import ModelViewSet

from accounts.roles import FULFILMENT, PLATFORM_ADMIN, roles_of
from core.money import MajorUnitsFormField
from event_pages.admin_viewsets import OrganizationScopedViewSetMixin
from event_pages.models import EventPage
from event_pages.permissions import (
    OrganizationPermissionPolicy,
    events_of,
    organization_keys_for,
)
from event_pages.zoned_fields import use_zone, zone_named
from fulfilment.admin_menu import FULFILMENT_MENU_HOOK
from fulfilment.models import PreOrderOffer

EVERY_EVENT = frozenset({FULFILMENT, PLATFORM_ADMIN})


class OfferPermissionPolicy(OrganizationPermissionPolicy):
    """An offer belongs to the organization of its event."""

    def organization_filter(self, organization_keys, actions) -> Q:
        return Q(event_key__in=events_of(organization_keys).values("translation_key"))

    def allows_everywhere(self, user, actions) -> bool:
        return bool(roles_of(user) & EVERY_EVENT) or super().allows_everywhere(user, actions)


def events_for(user):
    """The events whose offer `user` may set up (their organization's, or every one)."""
    events = EventPage.objects.filter(alias_of__isnull=True).order_by("title")
    if roles_of(user) & EVERY_EVENT or user.has_perm("fulfilment.add_preorderoffer"):
        return events
    return events.filter(pk__in=events_of(organization_keys_for(user)).values("pk"))


class OfferForm(WagtailAdminModelForm):
    price_minor = MajorUnitsFormField(label=gettext_lazy("Price"))

    class Meta:
        model = PreOrderOffer
        fields = ["event", "enabled", "price_minor", "currency", "fallback"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events_for(self.for_user)
        zone = self._event_zone()
        variant_forms = [*self.formsets["variants"].forms, self.formsets["variants"].empty_form]
        if zone is not None:
            hint = _("In the event's time zone (%(zone)s).") % {"zone": zone.key}
            for form in variant_forms:
                use_zone(form, zone, hint)
        else:  # a new offer: the zone is the chosen event's, known when saved
            for form in variant_forms:
                for name in ("starts_at", "ends_at"):
                    form.fields[name].help_text = _("In the event's own time zone.")

    def _event_zone(self):
        event = self.instance.event if self.instance.pk else None
        if event is None and self.data.get("event"):
            event = EventPage.objects.filter(pk=self.data.get("event")).first()
        return zone_named(event.time_zone) if event is not None else None

    def clean_event(self):
        event = self.cleaned_data["event"]
        clash = PreOrderOffer.objects.filter(event_key=event.translation_key)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This event already has a pre-order offer."))
        return event

    def clean(self):
        cleaned = super().clean()
        names = []
        for form in self.formsets["variants"].forms:
            data = getattr(form, "cleaned_data", {})
            if data.get("DELETE") or not data.get("name"):
                continue
            name = data["name"].strip().lower()
            if name in names:
                form.add_error("name", _("Another variant already has this name."))
            names.append(name)
        return cleaned


class OfferViewSet(OrganizationScopedViewSetMixin, ModelViewSet):
    model = PreOrderOffer
    icon = "date"
    menu_label = gettext_lazy("Pre-order offers")
    menu_hook = FULFILMENT_MENU_HOOK
    menu_order = 105
    url_prefix = "fulfilment/offers"
    url_namespace = "bilten_pre_order_offers"
    form_fields = ["event", "enabled", "price_minor", "currency", "fallback"]
    list_display = ["event", "enabled", "currency", "fallback", "created_at"]
    search_fields = ["event__title"]
    search_backend_name = None
    panels = [
        FieldPanel("event"),
        FieldPanel("enabled"),
        FieldRowPanel([FieldPanel("price_minor"), FieldPanel("currency")]),
        FieldPanel("fallback"),
        InlinePanel(
            "variants",
            heading=gettext_lazy("Variants"),
            label=gettext_lazy("Variant"),
            panels=[FieldPanel("name"), FieldPanel("starts_at"), FieldPanel("ends_at")],
        ),
    ]

    def get_form_class(self, for_update=False):
        return self.get_edit_handler().get_form_class()

    def get_edit_handler(self):
        from wagtail.admin.panels import ObjectList

        return ObjectList(self.panels, base_form_class=OfferForm).bind_to_model(self.model)

    def get_queryset(self, request):
        return PreOrderOffer.objects.select_related("event")

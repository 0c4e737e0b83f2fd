"""The events API's "pre_order" field (registered in event_pages.api_extensions).

POST /api/v1/organizer/events/ accepts
    "pre_order": {"price_minor", "currency", "variants": [{"name", "starts", "ends"}],
                  "fallback": "closest" | "none"}
(times without an offset are read in the event's time zone) and
GET /api/v1/events/{id}/ shows
    "pre_order": {"price_minor", "currency", "fallback",
                  "variants": [{"id", "name", "starts", "ends"}]}  (null without an offer).
"""

import zoneinfo

from rest_framework import serializers

from core.money import CURRENCY_CODES
from event_pages import api_extensions
from event_pages.api.serializers import WallClockDateTimeField, _aware_in
from fulfilment.models import Fallback, PreOrderOffer, Variant


class VariantInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    starts = WallClockDateTimeField(required=False, allow_null=True)
    ends = WallClockDateTimeField(required=False, allow_null=True)


class PreOrderInputSerializer(serializers.Serializer):
    price_minor = serializers.IntegerField(min_value=0, max_value=100_000_000)
    currency = serializers.ChoiceField(choices=sorted(CURRENCY_CODES))
    variants = VariantInputSerializer(many=True, required=False)
    fallback = serializers.ChoiceField(choices=Fallback.values, required=False, default="none")

    def validate_variants(self, variants):
        names = [variant["name"].strip().lower() for variant in variants]
        if len(set(names)) != len(names):
            raise serializers.ValidationError("Variant names must be different.")
        return variants


def _input_field():
    return PreOrderInputSerializer(required=False, allow_null=True)


def _clean(value, attrs):
    """Variant windows in the event's time zone; a window must not end before it starts."""
    zone = zoneinfo.ZoneInfo(attrs["timezone"])
    errors = {}
    for index, variant in enumerate(value.get("variants", [])):
        for name in ("starts", "ends"):
            if variant.get(name) is not None:
                try:
                    variant[name] = _aware_in(variant[name], zone, name)
                except serializers.ValidationError as error:
                    errors[str(index)] = error.detail
        if variant.get("starts") and variant.get("ends") and variant["ends"] < variant["starts"]:
            errors[str(index)] = {"ends": ["The window must not end before it starts."]}
    if errors:
        raise serializers.ValidationError({"pre_order": {"variants": errors}})
    return value


def _save(*, event, value, user):
    offer = PreOrderOffer.objects.create(
        event=event,
        price_minor=value["price_minor"],
        currency=value["currency"],
        fallback=value.get("fallback", "none"),
    )
    Variant.objects.bulk_create(
        Variant(
            offer=offer,
            name=variant["name"].strip(),
            starts_at=variant.get("starts"),
            ends_at=variant.get("ends"),
            sort_order=index,
        )
        for index, variant in enumerate(value.get("variants", []))
    )


def represent(event):
    offer = (
        PreOrderOffer.objects.filter(event_key=event.translation_key, enabled=True)
        .prefetch_related("variants")
        .first()
    )
    if offer is None:
        return None
    zone = zoneinfo.ZoneInfo(event.time_zone) if event.time_zone else None

    def iso(value):
        return value.astimezone(zone).isoformat() if value and zone else None

    return {
        "price_minor": offer.price_minor,
        "currency": offer.currency,
        "fallback": offer.fallback,
        "variants": [
            {"id": v.pk, "name": v.name, "starts": iso(v.starts_at), "ends": iso(v.ends_at)}
            for v in offer.variants.all()
        ],
    }


def connect() -> None:
    api_extensions.register(
        "pre_order", represent=represent, input_field=_input_field, clean=_clean, save=_save
    )

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.money import CURRENCY_CODES
from event_pages import api_extensions, sales
from event_pages.models import MAX_COUNT, TIME_ZONES, EventPage, Venue


class VenueSerializer(serializers.ModelSerializer):
    class Meta:
        model = Venue
        fields = [
            "id",
            "name",
            "address",
            "postal_code",
            "city",
            "country",
            "latitude",
            "longitude",
        ]


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TierAvailabilitySerializer(serializers.Serializer):
    """A tier as a buyer sees it: `available` is what can still be held now."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    price_minor = serializers.IntegerField()
    currency = serializers.CharField()
    allocation = serializers.IntegerField(allow_null=True)
    available = serializers.IntegerField()


class EventLocalDateTimeField(serializers.DateTimeField):
    """ISO 8601 with the offset of the event's own time zone ("20:00+01:00" for an
    evening in Berlin), not converted to the server's; `source` is the page's
    local_starts_at / local_ends_at."""

    def enforce_timezone(self, value):
        return value


class WallClockDateTimeField(serializers.DateTimeField):
    """An input time kept as given: with an offset it is exact; without one it is
    read in the event's `timezone` (EventCreateSerializer.validate)."""

    def enforce_timezone(self, value):
        return value


class EventSummarySerializer(serializers.ModelSerializer):
    timezone = serializers.CharField(source="time_zone")
    starts_at = EventLocalDateTimeField(source="local_starts_at", read_only=True)
    ends_at = EventLocalDateTimeField(source="local_ends_at", read_only=True, allow_null=True)
    venue = VenueSerializer(read_only=True)
    organization = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = EventPage
        fields = [
            "id",
            "title",
            "summary",
            "starts_at",
            "ends_at",
            "timezone",
            "venue",
            "organization",
            "url",
            "live",
        ]

    @extend_schema_field(OrganizationRefSerializer(allow_null=True))
    def get_organization(self, event):
        # A list view passes every event's organization, looked up at once.
        organizations = self.context.get("organizations") or {}
        parent = organizations.get(event.pk) or event.get_parent()
        return {"id": parent.pk, "name": parent.title} if parent else None

    def get_url(self, event) -> str:
        return settings.SITE_URL + (event.url or "")


class EventDetailSerializer(EventSummarySerializer):
    tiers = serializers.SerializerMethodField()

    class Meta(EventSummarySerializer.Meta):
        fields = EventSummarySerializer.Meta.fields + ["total_capacity", "tiers"]

    def to_representation(self, event):
        body = super().to_representation(event)
        for extra in api_extensions.fields():  # e.g. "pre_order" (fulfilment)
            body[extra.name] = extra.represent(event)
        return body

    @extend_schema_field(TierAvailabilitySerializer(many=True))
    def get_tiers(self, event):
        current = sales.slot.connected().availability(event)
        return [
            {
                "id": tier.pk,
                "name": tier.name,
                "description": tier.description,
                "price_minor": tier.price_minor,
                "currency": tier.currency,
                "allocation": tier.allocation,
                "available": current.for_tier(tier),
            }
            for tier in event.tiers.all()
            if tier.enabled
        ]


class TierInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    price_minor = serializers.IntegerField(min_value=0, max_value=100_000_000)
    currency = serializers.ChoiceField(choices=sorted(CURRENCY_CODES))
    allocation = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, required=False, allow_null=True
    )
    enabled = serializers.BooleanField(required=False, default=True)


def _aware_in(value: dt.datetime, zone: zoneinfo.ZoneInfo, field: str) -> dt.datetime:
    """`value` as an aware time: a naive one is that wall time in `zone`, refused when
    a daylight-saving change skips or repeats it there."""
    if timezone.is_aware(value):
        return value
    candidates = {value.replace(tzinfo=zone, fold=fold).utcoffset() for fold in (0, 1)}
    aware = value.replace(tzinfo=zone)
    if (
        len(candidates) > 1
        or aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != value
    ):
        raise serializers.ValidationError(
            {
                field: [
                    f"{value.isoformat()} does not exist or is ambiguous in {zone.key} "
                    "(a daylight-saving change); give it with an offset."
                ]
            }
        )
    return aware


class EventCreateSerializer(serializers.Serializer):
    """A draft event: `venue` is the id of a venue snippet (GET it from the admin)."""

    title = serializers.CharField(max_length=255)
    summary = serializers.CharField(max_length=300, required=False, allow_blank=True)
    start = WallClockDateTimeField(
        help_text="ISO 8601; without an offset it is read in `timezone` (20:00 means 20:00 there)."
    )
    end = WallClockDateTimeField(required=False, allow_null=True)
    timezone = serializers.ChoiceField(choices=TIME_ZONES)
    venue = serializers.PrimaryKeyRelatedField(
        queryset=Venue.objects.all(), required=False, allow_null=True
    )
    total_capacity = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, required=False, allow_null=True
    )
    tiers = TierInputSerializer(many=True, required=False)
    organization = serializers.IntegerField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        for extra in api_extensions.fields():  # e.g. "pre_order" (fulfilment)
            if extra.input_field is not None:
                fields[extra.name] = extra.input_field()
        return fields

    def validate(self, attrs):
        from event_pages import rules

        zone = zoneinfo.ZoneInfo(attrs["timezone"])
        for name in ("start", "end"):
            if attrs.get(name) is not None:
                attrs[name] = _aware_in(attrs[name], zone, name)
        for extra in api_extensions.fields():
            if extra.clean is not None and attrs.get(extra.name) is not None:
                attrs[extra.name] = extra.clean(attrs[extra.name], attrs)
        if attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": ["The end must not be before the start."]})
        tiers = [
            rules.TierConfig(
                name=t["name"], allocation=t.get("allocation"), enabled=t.get("enabled", True)
            )
            for t in attrs.get("tiers", [])
        ]
        errors = rules.allocation_errors(total_capacity=attrs.get("total_capacity"), tiers=tiers)
        if errors:
            detail = {}
            if "total_capacity" in errors:
                detail["total_capacity"] = [errors.pop("total_capacity")]
            if errors:
                detail["tiers"] = {str(i): {"allocation": [m]} for i, m in errors.items()}
            raise serializers.ValidationError(detail)
        return attrs

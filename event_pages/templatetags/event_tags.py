"""Display helpers for the public site: money, dates in the event's zone, JSON-LD."""

from django import template
from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.html import format_html, json_script
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext_lazy

from core.money import format_money, to_major

register = template.Library()


@register.filter
def money(minor, currency="EUR"):
    return format_money(int(minor or 0), currency)


@register.simple_tag
def from_price(event):
    """The lowest price among the event's enabled tiers ("from €19.00")."""
    tiers = [t for t in event.tiers.all() if t.enabled]
    if not tiers:
        return ""
    cheapest = min(tiers, key=lambda t: t.price_minor)
    return format_money(cheapest.price_minor, cheapest.currency)


@register.simple_tag(takes_context=True)
def absolute(context, url):
    if not url or url.startswith("http"):
        return url or ""
    return settings.SITE_URL + url


@register.simple_tag
def language_links():
    """(code, name, current) for the language switch; core.language_switch finds the address."""
    current = get_language()
    return [
        {"code": code, "name": name, "current": code == current}
        for code, name in settings.LANGUAGES
    ]


@register.simple_tag
def lang_prefix():
    language = get_language() or settings.LANGUAGE_CODE
    return "" if language == settings.LANGUAGE_CODE else f"/{language}"


def event_json_ld(event, *, tier_rows=(), image_url="") -> dict:
    """schema.org Event for search engines."""
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "startDate": event.local_starts_at.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "url": settings.SITE_URL + event.url if event.url else settings.SITE_URL,
    }
    if event.ends_at:
        data["endDate"] = event.local_ends_at.isoformat()
    if image_url:
        data["image"] = [image_url]
    venue = event.localized_venue
    if venue is not None:
        place = {
            "@type": "Place",
            "name": venue.name,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": venue.address,
                "postalCode": venue.postal_code,
                "addressLocality": venue.city,
                "addressCountry": venue.country,
            },
        }
        if venue.latitude is not None and venue.longitude is not None:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": float(venue.latitude),
                "longitude": float(venue.longitude),
            }
        data["location"] = place
    organization = event.get_parent()
    if organization is not None:
        data["organizer"] = {
            "@type": "Organization",
            "name": organization.title,
            "url": settings.SITE_URL + (organization.url or "/"),
        }
    data["offers"] = [
        {
            "@type": "Offer",
            "name": row["tier"].name,
            "price": str(to_major(row["tier"].price_minor)),
            "priceCurrency": row["tier"].currency,
            "url": data["url"],
            "availability": "https://schema.org/InStock"
            if row["available"] > 0
            else "https://schema.org/SoldOut",
        }
        for row in tier_rows
    ]
    return data


@register.simple_tag(takes_context=True)
def json_ld(context, event, tier_rows=(), image_url=""):
    """<script type="application/ld+json"> with the event's structured data, safely escaped.

    It carries the request's CSP nonce: the policy refuses inline scripts without one.
    """
    payload = event_json_ld(event, tier_rows=tier_rows, image_url=image_url)
    request = context.get("request")
    # str(): django-csp's lazy nonce is falsy until read, and reading it puts it in the header.
    nonce = str(getattr(request, "csp_nonce", "")) if request is not None else ""
    opening = '<script type="application/ld+json"'
    if nonce:
        opening += format_html(' nonce="{}"', nonce)
    script = json_script(payload)
    return mark_safe(script.replace('<script type="application/json"', opening, 1))


@register.simple_tag(takes_context=True)
def localized(context, instance):
    """A snippet (category, venue) in the visitor's language, without a query per card."""
    from event_pages.bulk_selectors import localized as localized_for_request

    request = context.get("request")
    if instance is None or request is None:
        return instance.localized if instance is not None else None
    return localized_for_request(instance, request)


@register.filter
def tzname(moment):
    return moment.tzname() if moment else ""


# The date formats templates use, in each language's own order and punctuation
# ("Mittwoch, 23. Dezember 2026"); Django date-format letters.
LOCALIZED_FORMATS = {
    "l j F Y, H:i": pgettext_lazy("long date and time, Django date format", "l j F Y, H:i"),
    "D j M Y, H:i": pgettext_lazy("short date and time, Django date format", "D j M Y, H:i"),
}


@register.filter
def time_left(moment):
    """Minutes and seconds from now until `moment` ("14:05"), as static/js/countdown.js counts."""
    seconds = max(0, round((moment - timezone.now()).total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"


@register.filter
def local(moment, fmt="D j M Y, H:i"):
    """Format an aware datetime in its own time zone (Django's `date` would convert it to UTC)."""
    if not moment:
        return ""
    return dateformat.format(moment, str(LOCALIZED_FORMATS.get(fmt, fmt)))

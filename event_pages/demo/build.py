"""Build the demo site idempotently: find things by slug, name or email first."""

import datetime as dt
import json
import zoneinfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale
from wagtail_localize.models import Translation, TranslationSource

from accounts import roles
from event_pages.demo import data, images
from event_pages.models import Category, EventIndexPage, EventPage, HomePage, TicketTier, Venue

Image = get_image_model()


def _image(title: str, content: bytes, collection: Collection | None = None):
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    import io

    image = Image(title=title, collection=collection or Collection.get_first_root_node())
    image.file = ImageFile(io.BytesIO(content), name=f"{title.lower().replace(' ', '-')[:60]}.jpg")
    image.save()
    return image


def _home() -> HomePage:
    return HomePage.objects.get(depth=2, locale=Locale.get_default())


def build_snippets() -> tuple[dict, dict]:
    locale = Locale.get_default()
    categories = {
        slug: Category.objects.get_or_create(slug=slug, locale=locale, defaults={"name": name})[0]
        for name, slug in data.CATEGORIES
    }
    venues = {}
    for key, (name, address, postal, city, country, lat, lng) in data.VENUES.items():
        venues[key] = Venue.objects.get_or_create(
            name=name,
            locale=locale,
            defaults={
                "address": address,
                "postal_code": postal,
                "city": city,
                "country": country,
                "latitude": lat,
                "longitude": lng,
            },
        )[0]
    return categories, venues


def build_organizations() -> dict:
    home = _home()
    organizations = {}
    for spec in data.ORGANIZATIONS:
        page = EventIndexPage.objects.child_of(home).filter(slug=spec["slug"]).first()
        if page is None:
            page = EventIndexPage(
                title=spec["title"],
                slug=spec["slug"],
                about=spec["about"],
                contact_email=spec["contact_email"],
                contact_phone=spec["contact_phone"],
                website=spec["website"],
            )
            home.add_child(instance=page)
            page.save_revision().publish()
        roles.grant_organization(page)
        if page.logo_id is None:
            collection = Collection.objects.filter(name=page.title).first()
            page.logo = _image(f"{page.title} logo", images.logo(page.title), collection)
            page.save_revision().publish()
        organizations[spec["slug"]] = page
    return organizations


def _body(spec, collection) -> str:
    blocks = [
        {"type": "heading", "value": {"text": "About the event", "level": "h2"}},
        {"type": "paragraph", "value": data.BODY_INTRO.format(summary=spec["summary"])},
    ]
    if spec.get("lineup"):
        people = [
            {
                "name": name,
                "role": role,
                "photo": _image(f"Portrait {name}", images.portrait(name), collection).pk,
                "bio": f"{name} has played and spoken across Europe and is known for "
                "memorable live shows.",
            }
            for name, role in spec["lineup"]
        ]
        blocks.append({"type": "lineup", "value": {"title": "Line-up", "people": people}})
    if spec.get("schedule"):
        items = [
            {"time": f"{time}:00", "title": title, "description": ""}
            for time, title in spec["schedule"]
        ]
        blocks.append({"type": "schedule", "value": {"title": "Schedule", "items": items}})
    blocks.append(
        {
            "type": "quote",
            "value": {
                "quote": "The kind of night you talk about for weeks.",
                "attribution": "City Guide",
            },
        }
    )
    blocks.append(
        {
            "type": "faq",
            "value": {
                "title": "Questions",
                "items": [{"question": q, "answer": a} for q, a in data.FAQ],
            },
        }
    )
    blocks.append(
        {
            "type": "call_to_action",
            "value": {
                "text": "Get your tickets before they are gone.",
                "button_label": "Get tickets",
                "page": None,
                "url": "",
            },
        }
    )
    return json.dumps(blocks)


def build_events(organizations, categories, venues) -> list[EventPage]:
    now = timezone.now()
    built = []
    for spec in data.EVENTS:
        organization = organizations[spec["org"]]
        event = EventPage.objects.child_of(organization).filter(slug=spec["slug"]).first()
        if event is None:
            event = _create_event(spec, organization, categories, venues, now)
        built.append(event)
    return built


def _create_event(spec, organization, categories, venues, now) -> EventPage:
    tz = zoneinfo.ZoneInfo(spec["tz"])
    day = (now + dt.timedelta(days=spec["days"])).astimezone(tz).date()
    starts = dt.datetime.combine(day, dt.time(spec["hour"]), tzinfo=tz)
    collection = Collection.objects.filter(name=organization.title).first()
    event = EventPage(
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        hero_image=_image(spec["title"], images.hero_image(spec["title"]), collection),
        category=categories[spec["category"]],
        venue=venues[spec["venue"]],
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=spec["hours"]),
        time_zone=spec["tz"],
        total_capacity=spec["capacity"],
        featured=spec["featured"],
        body=_body(spec, collection),
        live=False,
    )
    for order, (name, description, price, currency, allocation, enabled, window) in enumerate(
        spec["tiers"]
    ):
        event.tiers.add(
            TicketTier(
                name=name,
                description=description,
                price_minor=price,
                currency=currency,
                allocation=allocation,
                enabled=enabled,
                sort_order=order,
                sales_end=(starts - dt.timedelta(days=window)) if window else None,
            )
        )
    organization.add_child(instance=event)
    revision = event.save_revision()
    if not spec.get("draft"):
        revision.publish()
    event.refresh_from_db()
    return event


def translate(page, language_code: str, strings: dict) -> bool:
    """Translate and publish `page` with wagtail-localize; False if it already exists."""
    locale = Locale.objects.get(language_code=language_code)
    if page.get_translations().filter(locale=locale).exists():
        return False
    with transaction.atomic():
        source, _created = TranslationSource.get_or_create_from_instance(page)
        translation, _created = Translation.objects.get_or_create(
            source=source, target_locale=locale
        )
        po = translation.export_po()
        for entry in po:
            entry.msgstr = strings.get(entry.msgid, entry.msgid)
        translation.import_po(po)
        source.create_or_update_translation(
            locale, publish=True, copy_parent_pages=True, fallback=True
        )
    return True


def build_translations(organizations, events) -> int:
    count = 0
    count += translate(_home(), "de", data.GERMAN)
    for organization in organizations.values():
        count += translate(organization, "de", data.GERMAN)
    for spec, event in zip(data.EVENTS, events, strict=True):
        if spec.get("translate") and event.live:
            count += translate(event, "de", data.GERMAN)
    return count


def build_users(organizations) -> list[str]:
    User = get_user_model()
    created = []
    for email, name, role, superuser in data.USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=data.PASSWORD,
                name=name,
                is_superuser=superuser,
                is_staff=superuser,
            )
            created.append(email)
        if role and role.startswith("organizer:"):
            roles.make_organizer(user, organizations[role.split(":", 1)[1]])
        elif role:
            user.groups.add(Group.objects.get(name=role))
    return created

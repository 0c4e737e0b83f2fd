"""Build the demo site from event_pages.demo.data, idempotently.

Everything is looked up first (pages by slug under their parent, snippets by
slug or name, images by title, users by email) and only created when missing,
so a second run changes nothing. The English site and the logins are built in
one transaction; each German and French translation is made the way
wagtail-localize's editor makes it (translation source -> PO file with the
language's strings -> publish)
in a transaction of its own, because wagtail-localize publishes on commit.
"""

import datetime as dt
import hashlib
import io
import json
import uuid
import zoneinfo
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page
from wagtail_localize.models import Translation, TranslationSource

from accounts import roles
from event_pages import rules
from event_pages.demo import data, french, images
from event_pages.models import Category, EventIndexPage, EventPage, HomePage, TicketTier, Venue

GERMAN = "de"
FRENCH = "fr"


class DemoSiteError(Exception):
    """The database, or the demo data, is not ready for the demo site."""


@dataclass
class Report:
    """What a run created (all zero on a second run) and any German or French text missing."""

    created: Counter = field(default_factory=Counter)
    missing_german: set[str] = field(default_factory=set)
    missing_french: set[str] = field(default_factory=set)
    events: list[EventPage] = field(default_factory=list)


def seed_demo_site(*, now: dt.datetime | None = None) -> Report:
    """Create whatever part of the demo site is missing; returns what was created."""
    now = now or timezone.now()
    report = Report()
    with transaction.atomic():
        home = HomePage.objects.filter(depth=2, locale=Locale.get_default()).first()
        if home is None:
            raise DemoSiteError("There is no home page yet: run `manage.py migrate` first.")
        roles.ensure_role_groups(django_apps)
        roles.grant_marketing(django_apps, home_page=home)
        categories = build_categories(report)
        pictures = DemoImages(report)
        organizations = build_organizations(home, pictures, report)
        venues = build_venues(organizations, report)
        report.events = build_events(organizations, categories, venues, pictures, now, report)
        build_users(organizations, report)
    translate_demo_site(home, organizations, categories, report.events, report)
    return report


# --- images -------------------------------------------------------------------


@dataclass(frozen=True)
class Picture:
    title: str
    alt: str
    draw: Callable[[], bytes]


def demo_pictures() -> dict[str, Picture]:
    """Every picture the demo uses, by title: logos, event posters, portraits, galleries."""
    pictures = [
        Picture(
            f"{o.title} logo", f"{o.title} logo", partial(images.logo, o.title, palette=o.palette)
        )
        for o in data.ORGANIZATIONS
    ]
    for event in data.EVENTS:
        pictures.append(
            Picture(
                event.title,
                f"Poster for {event.title}",
                partial(images.hero_image, event.title, palette=event.palette),
            )
        )
        for block in event.body:
            if isinstance(block, data.Lineup):
                pictures += [
                    Picture(portrait_title(p.name), p.name, partial(images.portrait, p.name))
                    for p in block.people
                ]
            elif isinstance(block, data.Gallery):
                pictures += [
                    Picture(
                        gallery_title(event, name),
                        name,
                        partial(images.hero_image, name, palette=event.palette),
                    )
                    for name in block.pictures
                ]
    return {picture.title: picture for picture in pictures}


def portrait_title(name: str) -> str:
    return f"Portrait of {name}"


def gallery_title(event: data.Event, name: str) -> str:
    return f"{event.title}: {name}"


class DemoImages:
    """The demo's Wagtail images, found by title, or drawn and stored the first time."""

    def __init__(self, report: Report):
        self.report = report
        self.pictures = demo_pictures()

    def get(self, title: str, *, collection: Collection):
        Image = get_image_model()
        existing = Image.objects.filter(title=title).first()
        if existing is not None:
            return existing
        picture = self.pictures[title]
        content = picture.draw()
        image = Image(
            title=title,
            description=picture.alt[:255],
            collection=collection,
            file=ImageFile(io.BytesIO(content), name=f"{slugify(title)[:80] or 'demo'}.jpg"),
            file_size=len(content),
            file_hash=hashlib.sha1(content).hexdigest(),  # what Wagtail's upload form stores
        )
        image.save()
        self.report.created["images"] += 1
        return image


def organization_collection(title: str) -> Collection:
    """The organization's image collection (the one roles.grant_organization uses)."""
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=title).first()
    return collection or root.add_child(name=title)


# --- snippets -----------------------------------------------------------------


def build_categories(report: Report) -> dict[str, Category]:
    locale = Locale.get_default()
    categories = {}
    for name, slug in data.CATEGORIES:
        category, created = Category.objects.get_or_create(
            slug=slug, locale=locale, defaults={"name": name}
        )
        report.created["categories"] += created
        categories[slug] = category
    return categories


def venue_owners(organizations) -> dict[str, EventIndexPage | None]:
    """A venue belongs to the one organization whose events use it; used by several: shared."""
    users: dict[str, set[str]] = {}
    for spec in data.EVENTS:
        users.setdefault(spec.venue, set()).add(spec.organization)
    return {
        key: organizations[next(iter(slugs))] if len(slugs) == 1 else None
        for key, slugs in users.items()
    }


def build_venues(organizations, report: Report) -> dict[str, Venue]:
    locale = Locale.get_default()
    owners = venue_owners(organizations)
    venues = {}
    for key, spec in data.VENUES.items():
        venue, created = Venue.objects.get_or_create(
            name=spec.name,
            city=spec.city,
            locale=locale,
            defaults={
                "address": spec.address,
                "postal_code": spec.postal_code,
                "country": spec.country,
                "latitude": spec.latitude,
                "longitude": spec.longitude,
            },
        )
        owner = owners.get(key)
        if venue.organization_id != (owner.pk if owner else None):
            venue.organization = owner
            venue.save(update_fields=["organization"])
        report.created["venues"] += created
        venues[key] = venue
    return venues


# --- organizations ------------------------------------------------------------


def build_organizations(home: HomePage, pictures, report: Report) -> dict[str, EventIndexPage]:
    organizations = {}
    for spec in data.ORGANIZATIONS:
        page = EventIndexPage.objects.child_of(home).filter(slug=spec.slug).first()
        if page is None:
            page = EventIndexPage(
                title=spec.title,
                slug=spec.slug,
                about=spec.about,
                contact_email=spec.contact_email,
                contact_phone=spec.contact_phone,
                website=spec.website,
                logo=pictures.get(
                    f"{spec.title} logo", collection=organization_collection(spec.title)
                ),
            )
            home.add_child(instance=page)
            page.save_revision().publish()
            report.created["organizations"] += 1
        roles.grant_organization(page)
        organizations[spec.slug] = page.specific
    return organizations


# --- events -------------------------------------------------------------------


def build_events(organizations, categories, venues, pictures, now, report) -> list[EventPage]:
    events = []
    for spec in data.EVENTS:
        organization = organizations[spec.organization]
        event = EventPage.objects.child_of(organization).filter(slug=spec.slug).first()
        if event is None:
            event = create_event(spec, organization, categories, venues, pictures, now, report)
        events.append(event)
    return events


def event_times(spec: data.Event, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Start and end in the event's own zone, `starts_in_days` from now at the local start time."""
    tz = zoneinfo.ZoneInfo(spec.time_zone)
    day = (now + dt.timedelta(days=spec.starts_in_days)).astimezone(tz).date()
    starts = dt.datetime.combine(day, dt.time.fromisoformat(spec.start_time), tzinfo=tz)
    return starts, starts + dt.timedelta(hours=spec.hours)


def check_event_spec(spec: data.Event) -> None:
    """Demo data obeys the page editor's rules, drafts included (DemoSiteError says why)."""
    configs = [rules.TierConfig(t.name, t.allocation, t.enabled) for t in spec.tiers]
    problems = rules.allocation_errors(total_capacity=spec.capacity, tiers=configs)
    problems |= rules.publish_problems(total_capacity=spec.capacity, tiers=configs)
    if problems:
        reasons = " ".join(str(message) for message in problems.values())
        raise DemoSiteError(
            f"The demo event {spec.title!r} breaks the ticket rules: {reasons} "
            "Fix it in event_pages/demo/data.py."
        )


def create_event(spec, organization, categories, venues, pictures, now, report) -> EventPage:
    check_event_spec(spec)
    starts, ends = event_times(spec, now)
    collection = organization_collection(organization.title)
    event = EventPage(
        title=spec.title,
        slug=spec.slug,
        summary=spec.summary,
        hero_image=pictures.get(spec.title, collection=collection),
        category=categories[spec.category],
        venue=venues[spec.venue],
        starts_at=starts,
        ends_at=ends,
        time_zone=spec.time_zone,
        total_capacity=spec.capacity,
        featured=spec.featured,
        body=json.dumps([stream_block(block, spec, pictures, collection) for block in spec.body]),
        live=False,
    )
    for order, tier in enumerate(spec.tiers):
        sales_start = sales_end = None
        if tier.sales_window:
            opened_days_ago, closes_days_before = tier.sales_window
            sales_start = now - dt.timedelta(days=opened_days_ago)
            sales_end = starts - dt.timedelta(days=closes_days_before)
        event.tiers.add(
            TicketTier(
                name=tier.name,
                description=tier.description,
                price_minor=tier.price_minor,
                currency=tier.currency,
                allocation=tier.allocation,
                enabled=tier.enabled,
                sales_start=sales_start,
                sales_end=sales_end,
                sort_order=order,
            )
        )
    organization.add_child(instance=event)
    revision = event.save_revision()
    if not spec.draft:
        revision.publish()  # page_published -> commerce inventory for this event
    report.created["events"] += 1
    event.refresh_from_db()
    return event


def _item(value) -> dict:
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


def stream_block(block, spec: data.Event, pictures, collection) -> dict:
    """One StreamField block as stored JSON; list items carry ids so they can be translated."""
    match block:
        case data.Heading(text=text):
            kind, value = "heading", {"text": text, "level": "h2"}
        case data.Paragraph():
            kind, value = "paragraph", block.html
        case data.Lineup(title=title, people=people):
            kind = "lineup"
            value = {
                "title": title,
                "people": [
                    _item(
                        {
                            "name": person.name,
                            "role": person.role,
                            "photo": pictures.get(
                                portrait_title(person.name), collection=collection
                            ).pk,
                            "bio": person.bio,
                        }
                    )
                    for person in people
                ],
            }
        case data.Schedule(title=title, slots=slots):
            kind = "schedule"
            value = {
                "title": title,
                "items": [
                    _item({"time": f"{s.time}:00", "title": s.title, "description": s.description})
                    for s in slots
                ],
            }
        case data.FAQ(title=title, questions=questions):
            kind = "faq"
            value = {
                "title": title,
                "items": [
                    _item({"question": q.question, "answer": f"<p>{q.answer}</p>"})
                    for q in questions
                ],
            }
        case data.Quote(quote=quote, attribution=attribution):
            kind, value = "quote", {"quote": quote, "attribution": attribution}
        case data.Gallery(title=title, pictures=names):
            kind = "gallery"
            value = {
                "title": title,
                "images": [
                    _item(pictures.get(gallery_title(spec, name), collection=collection).pk)
                    for name in names
                ],
            }
        case data.CallToAction(text=text, button_label=label, url=url):
            kind, value = (
                "call_to_action",
                {"text": text, "button_label": label, "page": None, "url": url},
            )
        case _:
            raise TypeError(f"unknown demo block {block!r}")
    return {"type": kind, "value": value, "id": str(uuid.uuid4())}


# --- people -------------------------------------------------------------------


def build_users(organizations, report: Report) -> None:
    User = get_user_model()
    password = None  # hashed once: the demo users share one published password
    for spec in data.USERS:
        user = User.objects.filter(email__iexact=spec.email).first()
        if user is None:
            password = password or make_password(data.PASSWORD)
            user = User(
                email=spec.email,
                name=spec.name,
                password=password,
                is_staff=spec.superuser,
                is_superuser=spec.superuser,
            )
            user.save()
            report.created["users"] += 1
        if spec.group:
            user.groups.add(Group.objects.get(name=spec.group))
        if spec.organization:
            roles.make_organizer(user, organizations[spec.organization])


# --- German and French ----------------------------------------------------------


@dataclass(frozen=True)
class DemoLanguage:
    """A language the demo is translated into: its strings, the names it keeps, its events."""

    code: str
    strings: dict[str, str]
    same: set[str]
    translated: Callable[[data.Event], bool]  # which events get this language
    missing: Callable[[Report], set[str]]  # where the report collects text still missing


DEMO_LANGUAGES = (
    DemoLanguage(
        GERMAN, data.GERMAN, data.SAME_IN_GERMAN, lambda e: e.german, lambda r: r.missing_german
    ),
    DemoLanguage(
        FRENCH, french.FRENCH, french.SAME_IN_FRENCH, lambda e: e.french, lambda r: r.missing_french
    ),
)


def translate_demo_site(home, organizations, categories, events, report: Report) -> None:
    """Categories, home page, organizations and the events marked for each demo language."""
    for language in DEMO_LANGUAGES:
        locale, _created = Locale.objects.get_or_create(language_code=language.code)
        for category in categories.values():
            translate(category, locale, language, report)
        translated_home = translate(home, locale, language, report)
        roles.grant_marketing(django_apps, home_page=translated_home)
        for organization in organizations.values():
            # Same title in every language, so the same organizer group and collection.
            roles.grant_organization(translate(organization, locale, language, report))
        for spec, event in zip(data.EVENTS, events, strict=True):
            if language.translated(spec) and not spec.draft:
                translate(event, locale, language, report)


def fill_strings(po, language: DemoLanguage, report: Report) -> None:
    """Fill a PO file with the language's text; names, slugs and numbers stay as they are."""
    for entry in po:
        text = language.strings.get(entry.msgid)
        if text is None:
            keep = (
                entry.msgctxt == "slug"
                or entry.msgid in language.same
                or not any(c.isalpha() for c in entry.msgid)
            )
            if not keep:
                language.missing(report).add(entry.msgid)
            text = entry.msgid
        entry.msgstr = text


def translate(instance, locale: Locale, language: DemoLanguage, report: Report):
    """The translation of a page or snippet, made with wagtail-localize if missing."""
    existing = instance.get_translation_or_none(locale)
    if existing is not None:
        if isinstance(existing, Page) and not existing.live and existing.latest_revision:
            existing.latest_revision.publish()  # an earlier run stopped before its publish
        return existing.specific if isinstance(existing, Page) else existing
    with transaction.atomic():  # wagtail-localize publishes pages when this commits
        source, _created = TranslationSource.get_or_create_from_instance(instance)
        translation, _created = Translation.objects.get_or_create(
            source=source, target_locale=locale
        )
        po = translation.export_po()
        fill_strings(po, language, report)
        translation.import_po(po)
        source.create_or_update_translation(
            locale, publish=True, copy_parent_pages=True, fallback=True
        )
    report.created["translations"] += 1
    translated = instance.get_translation(locale)
    return translated.specific if isinstance(translated, Page) else translated

"""A large, realistic, multilingual event catalogue for trying and timing search.

`build_catalogue(events=10_000)` adds real Wagtail pages (rows in the page tree,
with their tiers, inventory, search index entries and suggestion words) under a
few catalogue organizations, in English, German and French, in cities such as
Köln, Zürich, München and Genève: concerts, conferences, theatre ... with
line-ups, prices, some sold out, some past, some not on sale yet. Pages are
written in bulk (a few thousand rows per statement, not one page save each),
which is what makes 10,000 events take a minute instead of an hour.
"""

import datetime as dt
import random
import uuid
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from commerce.models import EventInventory, TierInventory
from event_pages.models import Category, EventIndexPage, EventPage, HomePage, TicketTier, Venue
from search.cache import bump_generation
from search.indexing import rebuild_terms

BATCH = 1000
ORGANIZATIONS = [
    ("Rheinklang Konzerte", "rheinklang-konzerte"),
    ("Alpenbühne Events", "alpenbuehne-events"),
    ("Lumière Productions", "lumiere-productions"),
    ("Northwind Summits", "northwind-summits"),
    ("Isar Kultur", "isar-kultur"),
]
CITIES = [
    # city, country, time zone, currency, venues
    ("Köln", "DE", "Europe/Berlin", "EUR", ["Palladium", "E-Werk", "Lanxess Arena"]),
    ("Zürich", "CH", "Europe/Zurich", "CHF", ["Kaufleuten", "Hallenstadion", "Volkshaus"]),
    ("München", "DE", "Europe/Berlin", "EUR", ["Muffathalle", "Olympiahalle", "Backstage"]),
    ("Genève", "CH", "Europe/Zurich", "CHF", ["Victoria Hall", "Arena de Genève", "L'Usine"]),
    ("Berlin", "DE", "Europe/Berlin", "EUR", ["Tempodrom", "Columbiahalle", "Säälchen"]),
    ("Hamburg", "DE", "Europe/Berlin", "EUR", ["Elbphilharmonie", "Markthalle"]),
    ("Wien", "AT", "Europe/Vienna", "EUR", ["Konzerthaus", "Arena Wien"]),
    ("Paris", "FR", "Europe/Paris", "EUR", ["La Cigale", "Le Trianon", "Café de la Danse"]),
    ("Lyon", "FR", "Europe/Paris", "EUR", ["Le Transbordeur", "Halle Tony Garnier"]),
    ("Basel", "CH", "Europe/Zurich", "CHF", ["Kaserne", "Volkshaus Basel"]),
    ("Düsseldorf", "DE", "Europe/Berlin", "EUR", ["Tonhalle", "Zakk"]),
    ("Frankfurt am Main", "DE", "Europe/Berlin", "EUR", ["Batschkapp", "Alte Oper"]),
]
CATEGORIES = [
    # slug, en, de, fr
    ("concerts", "Concerts", "Konzerte", "Concerts"),
    ("festivals", "Festivals", "Festivals", "Festivals"),
    ("conferences", "Conferences", "Konferenzen", "Conférences"),
    ("theatre", "Theatre", "Theater", "Théâtre"),
    ("comedy", "Comedy", "Comedy", "Humour"),
    ("workshops", "Workshops", "Workshops", "Ateliers"),
    ("classical", "Classical", "Klassik", "Classique"),
    ("exhibitions", "Exhibitions", "Ausstellungen", "Expositions"),
]
FIRST = [
    "Léa", "Jürgen", "Zoë", "Ólafur", "Chloé", "Søren", "Amélie", "Björn", "Inès", "Mateo",
    "Hélène", "Lukas", "Noémie", "Anaïs", "Malte", "Renée", "Emil", "Joëlle", "Tobias", "Elif",
    "Nadia", "Finn", "Aurélie", "Jonas", "Maëlle", "Paul", "Selin", "Théo", "Greta", "Yusuf",
]  # fmt: skip
LAST = [
    "Dubois", "Fischer", "Müller", "Brandt", "Lefèvre", "Kjær", "Schäfer", "Moreau", "Nyström",
    "Girard", "Weiß", "Rousseau", "Köhler", "Bernard", "Lindqvist", "Durand", "Krüger", "Fontaine",
    "Hoffmann", "Mercier", "Öztürk", "Bauer", "Chevalier", "Vogel", "Laurent", "Zimmermann",
]  # fmt: skip
BANDS = [
    "The Midnight Orchard", "Neon Harbour", "Kollektiv Turmstrasse", "Les Étoiles Filantes",
    "Rhein Brass Ensemble", "Quartett Zürichsee", "Velvet Transit", "Orchestre du Léman",
    "Nordlicht", "Silver Lanterns", "Café Tacvba Tribute", "Die Fantastischen Fünf",
    "Brass Against the Machine", "Blue Monday Club", "Chœur de Genève", "Münchner Kammerorchester",
]  # fmt: skip
GENRES = {
    "en": ["Jazz", "Techno", "Indie", "Soul", "Piano", "Folk", "Hip-Hop", "Swing", "Electro"],
    "de": ["Jazz", "Techno", "Indie", "Soul", "Klavier", "Volksmusik", "Hip-Hop", "Swing"],
    "fr": ["Jazz", "Techno", "Chanson", "Soul", "Piano", "Électro", "Hip-Hop", "Musette"],
}
TOPICS = {
    "en": ["Data Engineering", "Climate Tech", "Product Design", "Open Source", "AI Safety"],
    "de": ["Datenarchitektur", "Klimaschutz", "Produktdesign", "Open Source", "Mobilität"],
    "fr": ["Science des données", "Climat", "Design produit", "Logiciel libre", "Santé numérique"],
}
TITLES = {
    "concerts": {
        "en": ["{artist} Live", "{genre} Night with {artist}", "{artist}: {city} Tour"],
        "de": ["{artist} live", "{genre}nacht mit {artist}", "{artist} – Tournee {city}"],
        "fr": ["{artist} en concert", "Soirée {genre} avec {artist}", "{artist} : tournée"],
    },
    "festivals": {
        "en": ["{city} {genre} Festival", "Summer Sounds {city}", "{genre} Weekender"],
        "de": ["{genre}-Festival {city}", "Sommerklänge {city}", "{city} Open Air"],
        "fr": ["Festival {genre} de {city}", "Les Nuits de {city}", "Fête de la musique {city}"],
    },
    "conferences": {
        "en": ["{topic} Summit {city}", "{topic} Conference", "{topic} Days"],
        "de": ["{topic}-Konferenz {city}", "Fachtag {topic}", "{topic} Forum"],
        "fr": ["Conférence {topic}", "Rencontres {topic} de {city}", "Journées {topic}"],
    },
    "theatre": {
        "en": ["Hamlet in {city}", "The Seagull", "A Midsummer Night's Dream"],
        "de": ["Faust in {city}", "Der zerbrochne Krug", "Die Physiker"],
        "fr": ["Le Misanthrope", "Cyrano de Bergerac à {city}", "En attendant Godot"],
    },
    "comedy": {
        "en": ["{artist}: Stand-up", "Comedy Night {city}"],
        "de": ["{artist}: Kabarett", "Comedy-Abend {city}"],
        "fr": ["{artist} : one-man-show", "Soirée humour à {city}"],
    },
    "workshops": {
        "en": ["{topic} Workshop", "Hands-on {topic}"],
        "de": ["Workshop {topic}", "Praxiskurs {topic}"],
        "fr": ["Atelier {topic}", "Initiation : {topic}"],
    },
    "classical": {
        "en": ["{artist} plays Beethoven", "Brahms and Schumann", "Mozart Requiem"],
        "de": ["{artist} spielt Beethoven", "Brahms & Schumann", "Mozart: Requiem"],
        "fr": ["{artist} joue Debussy", "Ravel et Fauré", "Requiem de Mozart"],
    },
    "exhibitions": {
        "en": ["Modern Masters: {topic}", "Photography in {city}"],
        "de": ["Ausstellung: {topic}", "Fotografie in {city}"],
        "fr": ["Exposition : {topic}", "Photographie à {city}"],
    },
}
SUMMARIES = {
    "en": "An evening in {city} with {artist}. Doors open an hour before the start.",
    "de": "Ein Abend in {city} mit {artist}. Einlass eine Stunde vor Beginn.",
    "fr": "Une soirée à {city} avec {artist}. Ouverture des portes une heure avant.",
}
TIERS = {
    "en": [("Standing", 1.0), ("Seated", 1.6), ("VIP", 3.2)],
    "de": [("Stehplatz", 1.0), ("Sitzplatz", 1.6), ("VIP", 3.2)],
    "fr": [("Debout", 1.0), ("Assis", 1.6), ("VIP", 3.2)],
}


@dataclass
class CatalogueSummary:
    created: Counter = field(default_factory=Counter)

    def __str__(self):
        return ", ".join(f"{count} {name}" for name, count in sorted(self.created.items()))


def _published_copy(page: Page, locale: Locale) -> Page:
    copy = page.get_translation_or_none(locale)
    if copy is None:
        copy = page.copy_for_translation(locale, copy_parents=True)
        copy.save_revision().publish()
    return copy.specific


def _organizations(home: HomePage, locales: dict) -> dict:
    """{language: [organization pages]}, created once and translated into de and fr."""
    result = {code: [] for code in locales}
    for title, slug in ORGANIZATIONS:
        organization = EventIndexPage.objects.filter(slug=slug, locale=locales["en"]).first()
        if organization is None:
            organization = home.add_child(
                instance=EventIndexPage(title=title, slug=slug, contact_email="hi@example.com")
            )
            organization.save_revision().publish()
        result["en"].append(organization)
        for code in ("de", "fr"):
            result[code].append(_published_copy(organization, locales[code]))
    return result


def _venues() -> dict:
    venues = {}
    for city, country, _zone, _currency, names in CITIES:
        for name in names:
            venue = Venue.objects.filter(name=name, city=city).first() or Venue.objects.create(
                name=name, address=f"{name}strasse 1", city=city, country=country
            )
            venues.setdefault(city, []).append(venue)
    return venues


def _categories(locales: dict) -> dict:
    """{(slug, language): category}, the de and fr ones translations of the English."""
    result = {}
    for slug, *names in CATEGORIES:
        source = Category.objects.filter(slug=slug, locale=locales["en"]).first()
        if source is None:
            source = Category.objects.create(name=names[0], slug=slug, locale=locales["en"])
        result[(slug, "en")] = source
        for code, name in zip(("de", "fr"), names[1:], strict=True):
            result[(slug, code)] = Category.objects.filter(
                translation_key=source.translation_key, locale=locales[code]
            ).first() or Category.objects.create(
                name=name, slug=slug, locale=locales[code], translation_key=source.translation_key
            )
    return result


def _artist(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(BANDS)
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _body(rng: random.Random, artists: list[str], text: str) -> list:
    people = [{"name": name, "role": "", "bio": ""} for name in artists]
    return [
        {"type": "paragraph", "value": f"<p>{text}</p>", "id": str(uuid.uuid4())},
        {
            "type": "lineup",
            "value": {"title": "Line-up", "people": people},
            "id": str(uuid.uuid4()),
        },
    ]


class _Tree:
    """Next free tree paths under each parent page (treebeard's materialised paths)."""

    def __init__(self):
        self.next_step = {}

    def path_under(self, parent: Page) -> str:
        if parent.pk not in self.next_step:
            last = parent.get_last_child()
            self.next_step[parent.pk] = (
                Page._str2int(last.path[-Page.steplen :]) + 1 if last is not None else 1
            )
        step = self.next_step[parent.pk]
        self.next_step[parent.pk] = step + 1
        return Page._get_path(parent.path, parent.depth + 1, step)


def _insert_pages(pages: list[EventPage]) -> None:
    """Insert the page rows and the event rows of `pages` (Django cannot bulk_create a
    multi-table model: the parent rows first, then the child rows with their ids)."""
    base_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    rows = Page.objects.bulk_create(
        [Page(**{f.attname: getattr(page, f.attname) for f in base_fields}) for page in pages],
        batch_size=BATCH,
    )
    for page, row in zip(pages, rows, strict=True):
        page.id = page.page_ptr_id = row.pk
    EventPage.objects.all()._batched_insert(
        pages, EventPage._meta.local_concrete_fields, batch_size=BATCH
    )


def build_catalogue(*, events: int, seed: int = 11, log=print) -> CatalogueSummary:
    """Add `events` events (plus German translations of some) in bulk; see the module doc."""
    rng = random.Random(seed)
    summary = CatalogueSummary()
    locales = {
        code: Locale.objects.get_or_create(language_code=code)[0] for code in ("en", "de", "fr")
    }
    home = HomePage.objects.filter(locale=locales["en"]).order_by("depth").first()
    if home is None:
        raise RuntimeError("No home page: run `manage.py migrate` first.")
    for code in ("de", "fr"):
        _published_copy(home, locales[code])
    organizations = _organizations(home, locales)
    venues = _venues()
    categories = _categories(locales)
    content_type = ContentType.objects.get_for_model(EventPage)
    tree = _Tree()
    now = timezone.now()
    city_rows = {row[0]: row for row in CITIES}
    start = time_started = timezone.now()

    for batch_start in range(0, events, BATCH):
        with transaction.atomic():
            pages, tiers, inventories, tier_inventories = [], [], [], []
            children = Counter()
            for n in range(batch_start, min(batch_start + BATCH, events)):
                language = rng.choices(["en", "de", "fr"], weights=[55, 30, 15])[0]
                translate_to_german = language == "en" and rng.random() < 0.2
                city, _country, zone, currency, _names = city_rows[rng.choice(list(city_rows))]
                venue = rng.choice(venues[city])
                slug = rng.choice(CATEGORIES)[0]
                artists = [_artist(rng) for _ in range(rng.randint(1, 4))]
                # Mostly upcoming over half a year; some past (they never show in search).
                days = rng.randint(-30, -1) if rng.random() < 0.05 else rng.randint(0, 180)
                local_start = dt.datetime.combine(
                    timezone.localdate(now) + dt.timedelta(days=days),
                    dt.time(rng.choice([10, 14, 18, 19, 20, 21]), rng.choice([0, 30])),
                    tzinfo=zoneinfo.ZoneInfo(zone),
                )
                starts_at = local_start.astimezone(dt.UTC)
                capacity = rng.choice([50, 120, 300, 800, 2000, 12000])
                base_price = rng.choice([0, 900, 1500, 2500, 3900, 5900, 8900])
                tier_count = rng.randint(1, 3)
                sold_out = rng.random() < 0.06
                not_on_sale_yet = rng.random() < 0.03
                event_key = uuid.uuid4()
                tier_keys = [uuid.uuid4() for _ in range(tier_count)]
                copies = [language] + (["de"] if translate_to_german else [])
                topic_index = rng.randrange(5)
                template_index = rng.randrange(3)
                genre_index = rng.randrange(8)
                for code in copies:
                    templates = TITLES[slug][code]
                    fill = {
                        "artist": artists[0],
                        "city": city,
                        "genre": GENRES[code][genre_index % len(GENRES[code])],
                        "topic": TOPICS[code][topic_index],
                    }
                    title = templates[template_index % len(templates)].format(**fill)
                    organization = organizations[code][n % len(ORGANIZATIONS)]
                    page_slug = f"{slugify(title)[:60]}-{n}"
                    page = EventPage(
                        title=title,
                        draft_title=title,
                        slug=page_slug,
                        content_type=content_type,
                        path=tree.path_under(organization),
                        depth=organization.depth + 1,
                        numchild=0,
                        url_path=f"{organization.url_path}{page_slug}/",
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=now,
                        last_published_at=now,
                        locale=locales[code],
                        translation_key=event_key,
                        summary=SUMMARIES[code].format(**fill)[:300],
                        body=_body(rng, artists, SUMMARIES[code].format(**fill)),
                        category=categories[(slug, code)],
                        venue=venue,
                        starts_at=starts_at,
                        ends_at=starts_at + dt.timedelta(hours=rng.choice([2, 3, 5])),
                        time_zone=zone,
                        total_capacity=capacity,
                    )
                    page.organization = organization
                    pages.append(page)
                    children[organization.pk] += 1
                    for order, ((name, factor), key) in enumerate(
                        zip(TIERS[code], tier_keys, strict=False)
                    ):
                        tiers.append(
                            (
                                page,
                                TicketTier(
                                    name=name,
                                    price_minor=int(base_price * factor),
                                    currency=currency,
                                    sort_order=order,
                                    locale=locales[code],
                                    translation_key=key,
                                    sales_start=now + dt.timedelta(days=3)
                                    if not_on_sale_yet
                                    else None,
                                ),
                            )
                        )
                inventories.append(
                    EventInventory(
                        event_key=event_key, capacity=capacity, sold=capacity if sold_out else 0
                    )
                )
                for i, key in enumerate(tier_keys):
                    tier_inventories.append(
                        TierInventory(
                            tier_key=key,
                            event_key=event_key,
                            sold=capacity if sold_out and i == 0 else 0,
                        )
                    )
                summary.created["events"] += 1
                summary.created["sold out"] += sold_out
                summary.created["past"] += days < 0
                summary.created["German translations"] += translate_to_german
            _insert_pages(pages)
            for page, tier in tiers:
                tier.page_id = page.pk
            TicketTier.objects.bulk_create([tier for _page, tier in tiers], batch_size=BATCH)
            EventInventory.objects.bulk_create(inventories, batch_size=BATCH)
            TierInventory.objects.bulk_create(tier_inventories, batch_size=BATCH)
            for organization_id, count in children.items():
                Page.objects.filter(pk=organization_id).update(numchild=F("numchild") + count)
            get_search_backend().add_bulk(EventPage, pages)
            rebuild_terms(EventPage.objects.filter(pk__in=[page.pk for page in pages]))
            summary.created["pages"] += len(pages)
        log(
            f"  {summary.created['events']} events "
            f"({(timezone.now() - start).total_seconds():.0f} s)"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    bump_generation()
    summary.created["seconds"] = int((timezone.now() - time_started).total_seconds())
    return summary

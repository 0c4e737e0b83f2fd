"""What a visitor sees on the public site."""

import datetime as dt
import json
import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest

from event_pages.blocks import EventBodyBlock
from event_pages.models import EVENTS_PER_PAGE, Venue
from tests.event_pages.content import PLAYER, VIDEO_URL, cache_youtube_embed, every_block
from tests.event_pages.translate import translate
from tests.factories import make_event, make_image

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_the_home_page_shows_featured_and_upcoming_events(client, organization):
    make_event(organization, "Featured Gala", featured=True)
    make_event(organization, "Regular Show")
    body = client.get("/").content.decode()
    assert "Featured Gala" in body
    assert "Regular Show" in body


def test_drafts_are_invisible_to_the_public(client, organization):
    draft = make_event(organization, "Secret Draft", publish=False)
    assert client.get(draft.url or f"/{organization.slug}/{draft.slug}/").status_code == 404
    assert "Secret Draft" not in client.get("/events/").content.decode()
    assert "Secret Draft" not in client.get("/sitemap.xml").content.decode()


def test_past_events_leave_the_upcoming_list(client, organization):
    make_event(organization, "Last Year", starts_in_days=-20)
    assert "Last Year" not in client.get("/events/").content.decode()


def test_the_event_list_is_paginated(client, organization):
    for i in range(EVENTS_PER_PAGE + 2):
        make_event(organization, f"Show {i:02d}", starts_in_days=10 + i)
    first = client.get("/events/").content.decode()
    second = client.get("/events/?page=2").content.decode()
    assert "Show 00" in first and "Show 13" not in first
    assert "Show 13" in second
    assert 'rel="next"' in first


def test_the_event_page_shows_the_time_in_the_events_own_time_zone(client, organization):
    event = make_event(organization, "Tokyo Night", time_zone="Asia/Tokyo")
    event.starts_at = dt.datetime(2031, 3, 1, 11, 0, tzinfo=dt.UTC)  # 20:00 in Tokyo
    event.ends_at = None
    event.save_revision().publish()
    body = client.get(event.url).content.decode()
    assert "20:00" in body
    assert "JST" in body
    data = json_ld(body)
    assert data["startDate"] == "2031-03-01T20:00:00+09:00"


def test_the_event_page_has_structured_data_and_open_graph_tags(client, organization):
    venue = Venue.objects.create(
        name="Pier 7",
        address="Hafenstraße 7",
        postal_code="20457",
        city="Hamburg",
        country="Germany",
        latitude=53.54,
        longitude=9.98,
    )
    event = make_event(
        organization,
        "Harbour Jazz",
        venue=venue,
        summary="Jazz by the water.",
        tiers=[("General", 2500, None), ("VIP", 6000, 10)],
    )
    body = client.get(event.url).content.decode()
    data = json_ld(body)
    assert data["@type"] == "Event"
    assert data["name"] == "Harbour Jazz"
    assert data["location"]["address"]["addressLocality"] == "Hamburg"
    assert data["location"]["geo"]["latitude"] == 53.54
    assert {(o["name"], o["price"], o["priceCurrency"]) for o in data["offers"]} == {
        ("General", "25.00", "EUR"),
        ("VIP", "60.00", "EUR"),
    }
    assert data["organizer"]["name"] == organization.title
    assert '<meta property="og:title" content="Harbour Jazz">' in body
    assert 'property="og:description" content="Jazz by the water."' in body
    assert "Pier 7" in body and "Hafenstraße 7, 20457 Hamburg, Germany" in body
    assert "€25.00" in body and "€60.00" in body


def test_disabled_tiers_are_not_offered(client, organization):
    event = make_event(organization, tiers=[("General", 2500, None), ("Secret", 100, None)])
    event.tiers.filter(name="Secret").update(enabled=False)
    assert "Secret" not in client.get(event.url).content.decode()


def test_the_organization_page_lists_only_its_own_events(client, organization, other_organization):
    make_event(organization, "Ours")
    make_event(other_organization, "Theirs")
    body = client.get(organization.url).content.decode()
    assert "Ours" in body and "Theirs" not in body


def test_the_sitemap_lists_live_events(client, organization):
    event = make_event(organization, "Mapped Event")
    body = client.get("/sitemap.xml").content.decode()
    assert event.slug in body


def test_an_unknown_page_gets_a_calm_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We couldn" in response.content.decode()


def test_pages_load_no_outside_assets(client, organization):
    event = make_event(organization)
    for url in ("/", "/events/", event.url, "/account/login/"):
        body = client.get(url).content.decode()
        sources = re.findall(r'(?:src|href)="(https?://[^"]+)"', body)
        outside = [s for s in sources if "openstreetmap.org" not in s and "testserver" not in s]
        assert outside == [], url


# --- Content blocks, images, video, fonts ------------------------------------------


@pytest.fixture
def youtube_embed(db):
    return cache_youtube_embed()


@pytest.fixture
def photo(db):
    return make_image("Main stage")


class _Outside(HTMLParser):
    """Iframes and scripts a browser would load: everything outside inert <template>s."""

    def __init__(self):
        super().__init__()
        self.template_depth = 0
        self.iframes, self.scripts, self.templates = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self.template_depth += 1
            self.templates.append("")
        elif self.template_depth:
            self.templates[-1] += f"<{tag} {attrs}>"
        elif tag == "iframe":
            self.iframes.append(attrs.get("src"))
        elif tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])

    def handle_endtag(self, tag):
        if tag == "template":
            self.template_depth -= 1


def loaded_on_arrival(html: str) -> _Outside:
    parser = _Outside()
    parser.feed(html)
    return parser


def test_an_event_page_renders_each_of_the_ten_content_blocks(
    client, organization, photo, youtube_embed
):
    body = every_block(photo)
    assert {block["type"] for block in body} == set(EventBodyBlock.base_blocks)
    event = make_event(organization, "Harbour Lights", body=json.dumps(body))

    html = client.get(event.url).content.decode()

    assert "<h2>What to expect</h2>" in html
    assert "Two nights of <b>music</b> by the water." in html
    assert 'alt="A lit stage"' in html and "The main stage</figcaption>" in html
    assert "<h2>Last summer</h2>" in html and html.count('class="gallery"') == 1
    assert "Play video — loads content from YouTube" in html and "Trailer</figcaption>" in html
    assert "<p>The best night of the year.</p>" in html and "— City" in html
    assert "<strong>Mara Lind</strong>" in html and "Headliner" in html
    assert '<time datetime="19:30">19:30</time>' in html and "Doors open" in html
    assert "<summary>Is there parking?</summary>" in html and "Yes, at Pier 5." in html
    assert "Bring your friends." in html and 'href="#tickets">Get yours</a>' in html


def test_a_video_loads_nothing_from_its_provider_until_the_visitor_presses_play(
    client, organization, youtube_embed
):
    body = [{"type": "video", "value": {"video": VIDEO_URL, "caption": ""}}]
    event = make_event(organization, "Harbour Lights", body=json.dumps(body))

    html = client.get(event.url).content.decode()
    page = loaded_on_arrival(html)

    assert page.iframes == []
    assert all(src.startswith("/static/") for src in page.scripts), page.scripts
    assert "/static/js/video.js" in page.scripts
    assert re.search(
        r'<button type="button" class="video-play" data-video-play>.*?'
        r"Play video — loads content from YouTube",
        html,
        re.S,
    )
    # What the play button swaps in, kept inert until then.
    assert [t for t in page.templates if PLAYER in t]


def test_images_are_webp_renditions_with_a_srcset(client, organization, photo):
    body = [{"type": "image", "value": {"image": photo.pk, "caption": "", "alt_text": "Stage"}}]
    event = make_event(organization, "Harbour Lights", hero_image=photo, body=json.dumps(body))

    html = client.get(event.url).content.decode()

    srcsets = re.findall(r'srcset="([^"]+)"', html)
    assert len(srcsets) == 2  # the hero and the image block
    for srcset in srcsets:
        candidates = [c.strip().split() for c in srcset.split(",")]
        assert len(candidates) >= 2
        assert all(url.endswith(".webp") and width.endswith("w") for url, width in candidates)
    first = srcsets[1].split(",")[0].split()[0]
    response = client.get(first)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[8:12] == b"WEBP"


def test_the_poppins_font_files_are_referenced_and_served_by_the_site(
    client, settings, organization
):
    settings.WHITENOISE_USE_FINDERS = True  # serve /static/ as collectstatic would
    settings.WHITENOISE_AUTOREFRESH = True
    html = client.get("/").content.decode()
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    assert re.search(r'<link rel="preload" href="[^"]+poppins[^"]+\.woff2" as="font"', html)

    css = client.get(stylesheet).getvalue().decode()
    fonts = re.findall(r'url\("([^"]*poppins[^"]*\.woff2)"\)', css)

    assert len(fonts) == 4  # regular, medium, semibold, bold
    assert 'font-family: "Poppins"' in css
    for font in fonts:
        response = client.get(urljoin(stylesheet, font))
        assert response.status_code == 200, font
        assert response["Content-Type"] == "font/woff2"
        assert response.getvalue()[:4] == b"wOF2"


# --- One event in two languages ---------------------------------------------------


def test_a_translated_venue_shows_on_the_german_event_page(client, organization, home_page):
    venue = Venue.objects.create(
        name="Harbour Hall",
        address="Hafenstraße 7",
        postal_code="20457",
        city="Hamburg",
        country="Germany",
    )
    event = make_event(organization, "Harbour Jazz", venue=venue)
    translate(home_page, "de")
    german_event = translate(event, "de", {"Harbour Jazz": "Hafenjazz"})
    translate(venue, "de", {"Harbour Hall": "Hafenhalle", "Germany": "Deutschland"})

    german = client.get(german_event.url).content.decode()
    english = client.get(event.url).content.decode()

    assert "Hafenhalle" in german
    assert "Hafenstraße 7, 20457 Hamburg, Deutschland" in german
    assert json_ld(german)["location"]["name"] == "Hafenhalle"
    assert "Harbour Hall" in english and "Hafenhalle" not in english
    assert "Hamburg, Germany" in english


def tier_row(html: str, tier) -> str:
    match = re.search(rf'<li class="tier[^"]*" data-tier="{tier.pk}">(.*?)</li>', html, re.S)
    assert match, f"no row for {tier.name}"
    return match.group(1)


def test_a_hold_through_the_german_page_reduces_what_the_english_page_offers(
    client, organization, home_page
):
    from commerce.selectors import availability
    from commerce.services.holds import LineRequest, place_hold

    event = make_event(
        organization,
        "Summer Night Concert",
        capacity=20,
        tiers=[("VIP", 9000, 10), ("General", 2900, None)],
    )
    translate(home_page, "de")
    german_event = translate(event, "de", {"Summer Night Concert": "Sommernachtskonzert"})
    german_vip = german_event.tiers.get(name="VIP")

    place_hold(event=german_event, lines=[LineRequest(german_vip.pk, 3)], session_key="de")

    vip, general = event.tiers.get(name="VIP"), event.tiers.get(name="General")
    assert availability(event).for_tier(vip) == 7
    assert availability(event).for_tier(general) == 17
    english = client.get(event.url).content.decode()
    assert "Only 7 left" in tier_row(english, vip)
    assert "Only 17 left" in tier_row(english, general)

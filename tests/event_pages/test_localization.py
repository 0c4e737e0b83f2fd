"""A translated event is the same event: one capacity, one inventory, one order book."""

import pytest
from wagtail_localize.fields import get_translatable_fields

from commerce.models import EventInventory, TierInventory
from event_pages.models import EventPage
from tests.event_pages.translate import translate
from tests.factories import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(organization):
    return make_event(
        organization,
        "Summer Night Concert",
        capacity=300,
        tiers=[("Early Bird", 1900, 50), ("General", 2900, None)],
        summary="An open-air evening.",
    )


@pytest.fixture
def german_event(event, home_page):
    translate(home_page, "de")
    return translate(
        event,
        "de",
        {
            "Summer Night Concert": "Sommernachtskonzert",
            "An open-air evening.": "Ein Abend unter freiem Himmel.",
            "Early Bird": "Frühbucher",
            "General": "Normal",
        },
    )


def test_the_german_event_is_a_translation_with_german_text(event, german_event):
    assert german_event.locale.language_code == "de"
    assert german_event.title == "Sommernachtskonzert"
    assert german_event.live
    assert [t.name for t in german_event.tiers.all()] == ["Frühbucher", "Normal"]


def test_a_translated_event_shares_the_inventory_of_its_source(event, german_event):
    assert german_event.translation_key == event.translation_key
    assert EventInventory.objects.count() == 1
    assert EventInventory.objects.get().capacity == 300
    assert TierInventory.objects.count() == 2
    source_keys = {t.translation_key for t in event.tiers.all()}
    assert {t.translation_key for t in german_event.tiers.all()} == source_keys


def test_capacity_and_prices_follow_the_source_not_the_translation(event, german_event):
    german_tiers = {t.translation_key: t for t in german_event.tiers.all()}
    for tier in event.tiers.all():
        assert german_tiers[tier.translation_key].price_minor == tier.price_minor
        assert german_tiers[tier.translation_key].allocation == tier.allocation
    assert german_event.total_capacity == event.total_capacity


def test_the_public_site_switches_language_by_url_prefix(client, event, german_event):
    english = client.get(event.url)
    assert english.status_code == 200
    assert "Summer Night Concert" in english.content.decode()
    german = client.get(german_event.url)
    assert german_event.url.startswith("/de/")
    assert german.status_code == 200
    assert "Sommernachtskonzert" in german.content.decode()
    assert german["Content-Language"] == "de"


def test_the_german_event_list_shows_translations_and_falls_back_to_english(
    client, organization, event, german_event
):
    make_event(organization, "Untranslated Talk")
    body = client.get("/de/events/").content.decode()
    assert "Sommernachtskonzert" in body
    assert "Summer Night Concert" not in body
    assert "Untranslated Talk" in body


def test_both_languages_count_as_one_event_in_listings(event, german_event):
    assert EventPage.objects.live().filter(translation_key=event.translation_key).count() == 2


# --- The interface speaks the visitor's language (locale/*/LC_MESSAGES) -------------


@pytest.fixture
def french_event(event, home_page):
    translate(home_page, "fr")
    return translate(event, "fr", {"Summer Night Concert": "Concert d’une nuit d’été"})


def test_german_pages_show_german_navigation_and_footer(client, event):
    body = client.get("/de/").content.decode()
    assert '<html lang="de">' in body
    for label in ("Zum Inhalt springen", "Veranstaltungen", "Anmelden", "Registrieren"):
        assert label in body, label
    assert "Tickets ohne Warteschlange." in body
    assert ">Log in<" not in body and ">Sign up<" not in body


def test_french_pages_show_french_navigation_and_footer(client, event):
    body = client.get("/fr/events/").content.decode()
    assert '<html lang="fr">' in body
    for label in ("Aller au contenu", "Événements", "Se connecter", "S’inscrire"):
        assert label in body, label
    assert "Événements à venir" in body
    assert ">Events<" not in body


def test_the_german_event_page_labels_its_facts_and_ticket_picker_in_german(client, german_event):
    body = client.get(german_event.url).content.decode()
    assert '<h2 id="tickets-heading">Tickets</h2>' in body
    assert "<dt>Wann</dt>" in body and "<dt>Veranstalter</dt>" in body
    assert "Anzahl Tickets „Frühbucher“" in body
    assert "Tickets sichern" in body
    assert "Wir reservieren Ihre Tickets 15 Minuten lang" in body


def test_the_german_event_page_names_the_configured_hold_length(client, german_event, settings):
    settings.HOLD_MINUTES = 20
    body = client.get(german_event.url).content.decode()
    assert "Wir reservieren Ihre Tickets 20 Minuten lang, während Sie bezahlen." in body


def test_the_french_event_page_has_a_billets_heading_and_french_buttons(client, french_event):
    body = client.get(french_event.url).content.decode()
    assert french_event.url.startswith("/fr/")
    assert '<h2 id="tickets-heading">Billets</h2>' in body
    assert "<dt>Quand</dt>" in body and "<dt>Organisateur</dt>" in body
    assert "Réserver des billets" in body
    assert "Get tickets" not in body


def test_error_messages_are_translated(client, german_event):
    login = client.post("/de/account/login/", {"username": "x@example.com", "password": "nope"})
    assert "Diese E-Mail-Adresse und dieses Passwort passen zu keinem Konto." in (
        login.content.decode()
    )
    french = client.post("/fr/account/login/", {"username": "x@example.com", "password": "no"})
    assert "ne correspondent à aucun compte" in french.content.decode()


@pytest.mark.parametrize("language", ["de", "fr"])
def test_the_catalogs_are_complete_and_their_compiled_copies_match(language):
    """A fresh machine without gettext uses the committed .mo files, so they must be current."""
    from pathlib import Path

    import polib
    from django.conf import settings

    folder = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
        for e in polib.mofile(str(folder / "django.mo"))
    }
    for entry in po.translated_entries():
        assert compiled.get((entry.msgctxt, entry.msgid)) == (entry.msgstr, entry.msgstr_plural), (
            entry.msgid
        )


def test_dates_follow_each_languages_own_format(client, organization, home_page):
    import datetime as dt

    concert = make_event(organization, "Spring Gala")
    concert.starts_at = dt.datetime(2031, 3, 5, 19, 0, tzinfo=dt.UTC)  # 20:00 in Berlin
    concert.ends_at = None
    concert.save_revision().publish()
    translate(home_page, "de")
    translate(home_page, "fr")
    german, french = translate(concert, "de"), translate(concert, "fr")

    assert "Wednesday 5 March 2031, 20:00" in client.get(concert.url).content.decode()
    assert "Mittwoch, 5. März 2031, 20:00" in client.get(german.url).content.decode()
    assert "mercredi 5 mars 2031, 20:00" in client.get(french.url).content.decode()
    assert "Mi, 5. Mär 2031, 20:00" in client.get("/de/events/").content.decode()


def test_publishing_a_translation_never_changes_the_shared_capacity(event, german_event):
    # Capacity, prices and tier limits cannot be overridden per language...
    fields = {field.field_name: field for field in get_translatable_fields(EventPage)}
    assert not fields["total_capacity"].is_overridable(german_event)
    # ...and even a German copy with another number leaves the one inventory alone.
    EventPage.objects.filter(pk=german_event.pk).update(total_capacity=999)
    german = EventPage.objects.get(pk=german_event.pk)
    german.save_revision().publish()
    assert EventInventory.objects.get().capacity == 300

"""The language switch keeps the visitor on the same page, in the language they chose."""

import uuid

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from wagtail.models import Page

from tests.event_pages.translate import translate
from tests.factories import make_event

pytestmark = pytest.mark.django_db

GERMAN_EVENT = {
    "Summer Night Concert": "Sommernachtskonzert",
    "summer-night-concert": "sommernachtskonzert",
}


@pytest.fixture
def event(organization):
    return make_event(organization, "Summer Night Concert")


@pytest.fixture
def german_event(event, home_page, organization):
    translate(home_page, "de")
    translate(organization, "de", {"aurora-live": "aurora-live-de"})
    return translate(event, "de", GERMAN_EVENT)


def switch(client, next_url, language):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


def test_an_english_event_switches_to_its_german_translation_with_its_own_address(
    client, event, german_event
):
    response = switch(client, event.url, "de")

    assert response.status_code == 302
    assert response["Location"] == "/de/aurora-live-de/sommernachtskonzert/"
    assert "Sommernachtskonzert" in client.get(response["Location"]).content.decode()


def test_the_german_event_switches_back_to_the_english_one(client, event, german_event):
    assert switch(client, german_event.url, "en")["Location"] == event.url


def test_an_event_without_a_french_translation_leads_to_the_french_home_page(client, german_event):
    response = switch(client, german_event.url, "fr")

    assert response["Location"] == "/fr/"
    assert client.get("/fr/").status_code == 200


def test_a_german_draft_is_no_destination_the_german_home_page_is(client, event, home_page):
    translate(home_page, "de")
    german = translate(event, "de", GERMAN_EVENT)
    german.unpublish()

    assert switch(client, event.url, "de")["Location"] == "/de/"


def test_an_organization_switches_to_its_translation(client, organization, german_event):
    assert switch(client, organization.url, "de")["Location"] == "/de/aurora-live-de/"


@pytest.mark.parametrize(
    ("next_url", "language", "landing"),
    [
        ("/", "de", "/de/"),
        ("/de/", "fr", "/fr/"),
        ("/fr/", "en", "/"),
        ("/events/", "de", "/de/events/"),
        ("/de/events/?page=2", "fr", "/fr/events/?page=2"),
        ("/fr/events/", "en", "/events/"),
    ],
)
def test_the_home_page_and_the_event_list_exist_in_every_language(
    client, german_event, next_url, language, landing
):
    response = switch(client, next_url, language)

    assert response["Location"] == landing
    assert client.get(landing).status_code == 200


@pytest.mark.parametrize(
    ("next_url", "language", "landing"),
    [
        ("/account/login/", "de", "/de/account/login/"),
        ("/de/account/login/?next=/de/account/profile/", "fr", None),
        ("/fr/account/signup/", "en", "/account/signup/"),
        ("/de/account/orders/", "fr", "/fr/account/orders/"),
        ("/account/profile/", "fr", "/fr/account/profile/"),
    ],
)
def test_account_pages_keep_their_place_and_change_only_the_language(
    client, home_page, next_url, language, landing
):
    response = switch(client, next_url, language)

    expected = landing or "/fr/account/login/?next=/de/account/profile/"
    assert response["Location"] == expected
    assert client.get(expected, follow=True).status_code == 200


def test_checkout_keeps_the_hold_and_changes_the_language(client, home_page):
    hold = uuid.uuid4()

    response = switch(client, f"/de/checkout/{hold}/", "en")

    assert response["Location"] == f"/checkout/{hold}/"


def test_an_address_that_is_no_page_leads_to_the_home_page(client, home_page):
    assert switch(client, "/de/no-such-page/", "fr")["Location"] == "/fr/"


def test_the_choice_is_kept_in_the_language_cookie(client, home_page):
    response = switch(client, "/", "fr")

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_an_unknown_language_is_refused_with_the_rule_and_the_visitor_stays(client, home_page):
    response = switch(client, "/events/", "xx")

    assert response["Location"] == "/events/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Language: choose one of English, Deutsch, Français."
    ]
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_another_site_is_never_a_destination(client, home_page):
    assert switch(client, "https://evil.example/", "de")["Location"] == "/de/"


def test_the_switch_only_answers_a_post(client, home_page):
    assert client.get("/i18n/setlang/?language=de&next=/").status_code == 405


def test_every_page_offers_the_switch_with_the_current_address(client, german_event):
    body = client.get(german_event.url + "?ref=mail").content.decode()

    assert 'action="/i18n/setlang/"' in body
    assert f'name="next" value="{german_event.url}?ref=mail"' in body
    assert '<option value="de" lang="de" selected>Deutsch</option>' in body
    assert Page.objects.filter(locale__language_code="de").count() == 3

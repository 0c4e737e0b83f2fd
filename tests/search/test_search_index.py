"""The index follows publishing: publish, edit, unpublish, languages, update_index."""

import io

import pytest
from django.core.management import call_command

from search.models import SuggestionTerm
from search.services import suggest
from tests.event_pages.translate import translate
from tests.search.conftest import lineup, run, titles

pytestmark = pytest.mark.django_db


def test_a_published_event_is_found_at_once_and_a_draft_is_not(event_maker):
    draft = event_maker("Harbour Festival", publish=False)
    assert run(q="harbour").count == 0
    draft.save_revision().publish()
    assert titles(run(q="harbour")) == ["Harbour Festival"]


def test_an_unpublished_event_disappears_from_search_and_suggestions(event_maker):
    event = event_maker("Lantern Parade")
    assert titles(run(q="lantern")) == ["Lantern Parade"]
    assert [s["label"] for s in suggest("lantern", language="en")] == ["Lantern Parade"]
    event.unpublish()
    assert run(q="lantern").count == 0
    assert suggest("lantern", language="en") == []


def test_publishing_an_edit_updates_the_words_found_but_a_saved_draft_does_not(event_maker):
    event = event_maker("Winter Market")
    event.title = "Spring Market"
    event.save_revision()  # a draft: the live version still says Winter
    assert titles(run(q="winter")) == ["Winter Market"]
    event.get_latest_revision().publish()
    assert run(q="winter").count == 0
    assert titles(run(q="spring")) == ["Spring Market"]
    assert [s["label"] for s in suggest("spring", language="en")] == ["Spring Market"]


def test_lineup_names_are_indexed_and_suggested(event_maker):
    event_maker("Club Night", body=lineup("Ólafur Arnalds", "Nils Frahm"))
    assert titles(run(q="arnalds")) == ["Club Night"]
    assert titles(run(q="olafur")) == ["Club Night"]
    assert {"type": "artist", "label": "Ólafur Arnalds"} in [
        {"type": s["type"], "label": s["label"]} for s in suggest("olaf", language="en")
    ]


@pytest.fixture
def german(home_page, organization):
    translate(home_page, "de")
    translate(organization, "de", {"aurora-live": "aurora-live-de"})


def test_each_language_finds_its_own_version_of_an_event_once(event_maker, german):
    event = event_maker("Summer Night Concert")
    event_maker("Only In English")
    translate(
        event,
        "de",
        {"Summer Night Concert": "Sommernachtskonzert", "summer-night-concert": "sommernacht"},
    )
    assert titles(run(q="sommernachtskonzert", language="de")) == ["Sommernachtskonzert"]
    assert run(q="sommernachtskonzert", language="en").count == 0
    assert titles(run(q="summer", language="en")) == ["Summer Night Concert"]
    assert run(q="summer", language="de").count == 0  # the German version stands for it
    # An event without a German version is shown in its own language, once.
    assert sorted(titles(run(language="de"))) == ["Only In English", "Sommernachtskonzert"]
    assert sorted(titles(run(language="en"))) == ["Only In English", "Summer Night Concert"]


def test_update_index_and_rebuild_search_terms_rebuild_everything(event_maker):
    event_maker("Rebuilt Evening", body=lineup("Anna Calvi"))
    SuggestionTerm.objects.all().delete()
    call_command("update_index", verbosity=0)
    call_command("rebuild_search_terms", verbosity=0)
    assert titles(run(q="calvi")) == ["Rebuilt Evening"]
    assert {s["type"] for s in suggest("calvi", language="en")} == {"artist"}


def test_seed_catalogue_adds_real_indexed_pages_in_the_tree(home_page, client):
    from wagtail.models import Page

    from event_pages.models import EventPage

    call_command("seed_catalogue", events=60, seed=3, stdout=io.StringIO())
    live = EventPage.objects.live()
    assert live.count() >= 60
    assert {page.locale.language_code for page in live.select_related("locale")} == {
        "en",
        "de",
        "fr",
    }
    assert all(not problems for problems in Page.find_problems())  # a valid page tree
    found = run(sort="date")
    assert found.count > 0
    event = found.results[0]
    assert client.get(event.url).status_code == 200
    assert {s["type"] for s in suggest(event.title[:6], language="en")} & {"event", "artist"}


def test_renaming_a_venues_city_or_a_category_updates_its_events(event_maker, places, categories):
    event_maker("Riverside Gig", venue=places["berlin"], category=categories["music"])
    venue = places["berlin"]
    venue.city = "Potsdam"
    venue.save()
    assert titles(run(q="potsdam")) == ["Riverside Gig"]
    assert run(q="berlin").count == 0
    assert [s["label"] for s in suggest("potsd", language="en")] == ["Potsdam"]
    category = categories["music"]
    category.name = "Livemusik"
    category.save()
    assert titles(run(q="livemusik")) == ["Riverside Gig"]

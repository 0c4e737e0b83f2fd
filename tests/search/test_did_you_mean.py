""" "Did you mean": a close title, city or artist when a search finds little."""

import pytest

from tests.search.conftest import lineup, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(event_maker, places):
    event_maker("Philharmonie Gala", venue=places["koeln"], starts_in_days=1)
    event_maker("Techno Marathon", venue=places["zuerich"], body=lineup("Charlotte de Witte"))


def test_a_misspelt_title_city_or_artist_word_gets_a_correction(catalogue):
    assert run(q="philharmonei").suggestion == "Philharmonie"
    assert run(q="Zurch").suggestion == "Zürich"
    assert run(q="charlote de wite").suggestion == "Charlotte de Witte"


def test_only_the_unknown_words_of_a_query_are_corrected(catalogue):
    assert run(q="techno zurch").suggestion == "techno Zürich"
    assert run(q="Gala Kolnn").suggestion == "Gala Köln"


def test_a_search_that_finds_enough_gets_none(catalogue, event_maker):
    for n in range(3):
        event_maker(f"Techno Night {n}")
    result = run(q="techno")
    assert result.count == 4
    assert result.suggestion is None


def test_nonsense_or_an_exact_word_gets_none(catalogue):
    assert run(q="qqqxxyyzz").suggestion is None
    assert run(q="gala").suggestion is None  # found, nothing closer to offer
    assert run(q="zz").suggestion is None

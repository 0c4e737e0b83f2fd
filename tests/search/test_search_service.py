"""The search service: text, filters, facets and order, as the API and the page use it."""

import pytest

from search.services import SearchParams, search_events, suggest

pytestmark = pytest.mark.django_db


def run(language="en", **query):
    params, errors = SearchParams.from_query({k: str(v) for k, v in query.items()})
    assert errors == {}
    return search_events(params, language=language)


def titles(result):
    return [event.title for event in result.results]


def test_smoke(event_maker, places, categories):
    event_maker("Jazz Night", venue=places["koeln"], category=categories["music"])
    event_maker("Python Summit", venue=places["zuerich"], category=categories["talks"])
    assert titles(run(q="jazz")) == ["Jazz Night"]
    assert titles(run(q="Zurich")) == ["Python Summit"]
    result = run()
    assert result.count == 2
    print(result.facets)
    print(suggest("kö", language="en"))
    print(run(q="jaz").suggestion)

"""Event search as services: what the search page, the API and the discovery blocks call.

    params, errors = SearchParams.from_query(request.GET)
    result = search_events(params, language="de", per_page=12)
    suggest("köl", language="de")  # [{"type": "city", "label": "Köln", "url": ...}]

See docs/search.md for how it works and the OpenSearch switch.
"""

from search.engine import SearchResult, search_events, visible_events
from search.params import SearchParams
from search.suggestions import did_you_mean, suggest

__all__ = [
    "SearchParams",
    "SearchResult",
    "did_you_mean",
    "search_events",
    "suggest",
    "visible_events",
]

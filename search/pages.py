"""The search page at /events/ (and /de/events/, /fr/events/): the view-side glue.

event_pages renders the page (HomePage's `events` route) and asks its slot for the
context; this module answers it: parse the query string, run the search, and turn
the result into what the template shows — filter links with counts that keep the
other filters, the active filters with a link to remove each, "did you mean",
pagination links. The address carries the whole state, so a search can be shared
and the back button returns to it.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core.money import format_money
from event_pages.models import EVENTS_PER_PAGE
from search.engine import PRICE_STEPS
from search.services import SearchParams, search_events

# The order of the query string's parameters (the API's names).
PARAMETERS = (
    "q",
    "date",
    "date_from",
    "date_to",
    "city",
    "category",
    "price_max",
    "available",
    "sort",
)
FILTERS = ("date", "date_from", "date_to", "city", "category", "price_max", "available")
# Price ceilings offered in the filter (minor units); a shared link may carry any other.
PRICE_CURRENCY = "EUR"
# Pages listed around the current one in the pagination.
PAGE_WINDOW = 2
# Options of a long filter shown before "n more".
FACET_SHOWN = 8
# Chosen by links, kept in the form as hidden fields (the others are the form's own fields).
LINK_FILTERS = ("date", "city", "category")
# Errors shown beside a field of the page; the others are listed above the results.
FIELD_ERRORS = ("q", "date_from", "date_to", "price_max")


def date_labels() -> dict[str, str]:
    return {
        "today": _("Today"),
        "weekend": _("This weekend"),
        "week": _("This week"),
        "month": _("This month"),
    }


def sort_labels() -> dict[str, str]:
    return {"date": _("Soonest first"), "relevance": _("Best match"), "price": _("Lowest price")}


@dataclass
class Option:
    label: str
    url: str
    count: int | None = None
    selected: bool = False
    value: str = ""


@dataclass
class Facet:
    name: str
    legend: str
    options: list[Option] = field(default_factory=list)
    more: list[Option] = field(default_factory=list)  # behind "n more"

    def fold(self, shown: int) -> "Facet":
        """Show the first `shown` options (and a chosen one); the rest go behind "more"."""
        if len(self.options) > shown:
            first, rest = self.options[:shown], self.options[shown:]
            chosen = [option for option in rest if option.selected]
            self.options = first + chosen
            self.more = [option for option in rest if not option.selected]
        return self


@dataclass
class ActiveFilter:
    name: str
    label: str
    remove_url: str


def query_values(params: SearchParams) -> dict[str, str]:
    """The search as query-string values, in the API's names (empty ones left out)."""
    values = {
        "q": params.q,
        "date": params.date,
        "date_from": params.date_from.isoformat() if params.date_from else "",
        "date_to": params.date_to.isoformat() if params.date_to else "",
        "city": params.city,
        "category": params.category,
        "price_max": "" if params.price_max is None else str(params.price_max),
        "available": "1" if params.available else "",
        "sort": params.sort,
    }
    return {name: values[name] for name in PARAMETERS if values[name]}


class Links:
    """Addresses of this page for the current search with some values changed."""

    def __init__(self, path: str, params: SearchParams):
        self.path = path
        self.values = query_values(params)

    def with_(self, page: int | None = None, **changes) -> str:
        values = dict(self.values)
        for name, value in changes.items():
            if value in (None, "", False):
                values.pop(name, None)
            else:
                values[name] = str(value)
        ordered = [(name, values[name]) for name in PARAMETERS if name in values]
        if page and page > 1:
            ordered.append(("page", str(page)))
        return f"{self.path}?{urlencode(ordered)}" if ordered else self.path


def price_label(minor: int) -> str:
    if minor == 0:
        return _("Free")
    return _("Up to %(price)s") % {"price": format_money(minor, PRICE_CURRENCY)}


def _date_facet(params, counts, links) -> Facet:
    facet = Facet("date", _("When"))
    custom = bool(params.date_from or params.date_to)
    facet.options.append(
        Option(
            _("Any time"),
            links.with_(date=None, date_from=None, date_to=None),
            selected=not params.date and not custom,
        )
    )
    for value, label in date_labels().items():
        selected = params.date == value
        facet.options.append(
            Option(
                label,
                links.with_(date=None if selected else value, date_from=None, date_to=None),
                count=counts.get(value, 0),
                selected=selected,
                value=value,
            )
        )
    return facet


def _value_facet(name, legend, rows, current, links) -> Facet:
    facet = Facet(name, legend)
    seen = False
    for row in rows:
        value = str(row["value"])
        selected = value.casefold() == current.casefold()
        seen = seen or selected
        facet.options.append(
            Option(
                str(row.get("label") or value),
                links.with_(**{name: None if selected else value}),
                count=row.get("count", 0),
                selected=selected,
                value=value,
            )
        )
    if current and not seen:
        # A shared link's value that matches nothing now: shown, so it can be removed.
        facet.options.insert(0, Option(current, links.with_(**{name: None}), 0, True, current))
    return facet


def _active_filters(params, links, facets) -> list[ActiveFilter]:
    labels = {facet.name: {o.value: o.label for o in facet.options if o.value} for facet in facets}
    active = []
    if params.q:
        active.append(ActiveFilter("q", f"“{params.q}”", links.with_(q=None)))
    if params.date:
        active.append(ActiveFilter("date", date_labels()[params.date], links.with_(date=None)))
    if params.date_from:
        label = _("From %(date)s") % {"date": date_format(params.date_from)}
        active.append(ActiveFilter("date_from", label, links.with_(date_from=None)))
    if params.date_to:
        label = _("Until %(date)s") % {"date": date_format(params.date_to)}
        active.append(ActiveFilter("date_to", label, links.with_(date_to=None)))
    for name in ("city", "category"):
        value = getattr(params, name)
        if value:
            label = labels.get(name, {}).get(value, value)
            active.append(ActiveFilter(name, label, links.with_(**{name: None})))
    if params.price_max is not None:
        active.append(
            ActiveFilter("price_max", price_label(params.price_max), links.with_(price_max=None))
        )
    if params.available:
        active.append(
            ActiveFilter("available", _("Tickets available"), links.with_(available=None))
        )
    return active


def _pages(result, links) -> dict:
    number, last = result.page, max(result.pages, 1)
    numbers = sorted(
        {1, last} | set(range(max(1, number - PAGE_WINDOW), min(last, number + PAGE_WINDOW) + 1))
    )
    items, previous = [], 0
    for n in numbers:
        if n - previous > 1:
            items.append({"gap": True})
        items.append({"number": n, "url": links.with_(page=n), "current": n == number})
        previous = n
    return {
        "items": items if last > 1 else [],
        "previous_url": links.with_(page=number - 1) if number > 1 else "",
        "next_url": links.with_(page=number + 1) if number < last else "",
    }


def price_options(params: SearchParams, counts: dict | None = None) -> list[Option]:
    """The price ceilings, each with how many events it would show (the price facet)."""
    counts = counts or {}
    steps = list(PRICE_STEPS)
    if params.price_max is not None and params.price_max not in steps:
        steps = sorted([*steps, params.price_max])
    return [
        Option(
            f"{price_label(step)} ({counts[step]})" if step in counts else price_label(step),
            "",
            selected=step == params.price_max,
            value=str(step),
        )
        for step in steps
    ]


def _unreadable(errors: dict[str, str]) -> list[str]:
    """The refused values that have no field of their own on the page, each named."""
    names = {
        "date": _("When"),
        "city": _("City"),
        "category": _("Category"),
        "available": _("Only events with tickets on sale"),
        "sort": _("Sort by"),
        "page": _("Page"),
    }
    return [
        _("%(field)s: %(message)s") % {"field": names.get(name, name), "message": message}
        for name, message in errors.items()
        if name not in FIELD_ERRORS
    ]


def search_page_context(*, path: str, query, language: str | None = None) -> dict:
    """Everything the list template shows for one search (`query`: the request's GET)."""
    params, errors = SearchParams.from_query(query)
    result = search_events(params, language=language or get_language(), per_page=EVENTS_PER_PAGE)
    links = Links(path, params)
    facets_in = result.facets or {}
    facets = [
        _date_facet(params, {r["value"]: r["count"] for r in facets_in.get("date", [])}, links),
        _value_facet("city", _("City"), facets_in.get("city", []), params.city, links).fold(
            FACET_SHOWN
        ),
        _value_facet(
            "category", _("Category"), facets_in.get("category", []), params.category, links
        ).fold(FACET_SHOWN),
    ]
    active = _active_filters(params, links, facets)
    filtered = any(getattr(params, name) not in ("", None, False) for name in FILTERS)
    suggestion = None
    if result.suggestion:
        suggestion = {"text": result.suggestion, "url": links.with_(q=result.suggestion)}
    if params.q:
        title = _("Events matching “%(query)s”") % {"query": params.q}
    else:
        title = _("Upcoming events")
    return {
        "list_title": title,
        "search": {
            "params": params,
            "errors": errors,
            "result": result,
            "events": list(result.results),
            "count_text": ngettext("%(count)d event", "%(count)d events", result.count)
            % {"count": result.count},
            "facets": facets,
            "active": active,
            "active_filter_count": sum(1 for a in active if a.name != "q"),
            "filtered": filtered,
            "clear_url": links.with_(**dict.fromkeys(FILTERS)),
            "reset_url": path,
            "suggestion": suggestion,
            "pagination": _pages(result, links),
            "sort_options": [
                Option(label, "", selected=value == params.effective_sort, value=value)
                for value, label in sort_labels().items()
                if value != "relevance" or params.q
            ],
            "price_options": price_options(
                params, {row["value"]: row["count"] for row in facets_in.get("price", [])}
            ),
            "available_count": next((row["count"] for row in facets_in.get("available", [])), None),
            "hidden": [
                (name, getattr(params, name)) for name in LINK_FILTERS if getattr(params, name)
            ],
            "unreadable": _unreadable(errors),
            "date_from_value": params.date_from.isoformat() if params.date_from else "",
            "date_to_value": params.date_to.isoformat() if params.date_to else "",
            # The filter panel starts open when a field in it needs correcting.
            "open_filters": any(name in errors for name in ("date_from", "date_to", "price_max")),
            "weekend_url": f"{path}?{urlencode({'date': 'weekend'})}",
        },
    }


def search_page(*, request) -> dict:
    """The slot's answer (event_pages.sales.slot.search_page): the context for the page."""
    return search_page_context(path=request.path, query=request.GET)

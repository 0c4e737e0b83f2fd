"""What a visitor asks the event search: parsed from a query string, refused field by field."""

import datetime as dt
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

from search.text import MAX_QUERY_LENGTH, clean_query

DATE_CHOICES = ("today", "weekend", "week", "month")
SORT_CHOICES = ("date", "relevance", "price")
MAX_FILTER_LENGTH = 100
MAX_PAGE = 1000
MAX_PRICE = 100_000_000  # minor units, the largest price a tier may have


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    date: str = ""  # today | weekend | week | month
    date_from: dt.date | None = None  # in the event's time zone
    date_to: dt.date | None = None
    city: str = ""
    category: str = ""  # category slug
    price_max: int | None = None  # minor units
    available: bool = False  # only events with tickets on sale now
    sort: str = ""  # date | relevance | price; empty: relevance with a query, date without
    page: int = 1

    @property
    def effective_sort(self) -> str:
        if self.sort == "relevance" and not self.q:
            return "date"
        return self.sort or ("relevance" if self.q else "date")

    def cache_key_parts(self) -> dict:
        parts = asdict(self)
        parts["q"] = " ".join(self.q.casefold().split())
        parts["city"] = self.city.casefold()
        parts["sort"] = self.effective_sort
        for name in ("date_from", "date_to"):
            parts[name] = parts[name].isoformat() if parts[name] else ""
        parts.pop("page")
        return parts

    @classmethod
    def from_query(cls, query) -> tuple["SearchParams", dict[str, str]]:
        """Parse a QueryDict (or a dict); invalid values are dropped and named in the errors."""
        errors: dict[str, str] = {}
        values: dict = {}

        def text(name: str, limit: int) -> str:
            raw = query.get(name) or ""
            if not isinstance(raw, str):
                raw = str(raw)
            value = clean_query(raw)
            if len(value) > limit:
                errors[name] = _("Use at most %(limit)d characters.") % {"limit": limit}
                return ""
            return value

        values["q"] = text("q", MAX_QUERY_LENGTH)
        values["city"] = text("city", MAX_FILTER_LENGTH)
        values["category"] = text("category", MAX_FILTER_LENGTH)

        date = text("date", MAX_FILTER_LENGTH).lower()
        if date and date not in DATE_CHOICES:
            errors["date"] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(DATE_CHOICES)}
            date = ""
        values["date"] = date

        for name in ("date_from", "date_to"):
            raw = text(name, MAX_FILTER_LENGTH)
            values[name] = None
            if raw:
                try:
                    values[name] = dt.date.fromisoformat(raw)
                except ValueError:
                    errors[name] = _("Give a date as YYYY-MM-DD.")
        if values["date_from"] and values["date_to"] and values["date_to"] < values["date_from"]:
            errors["date_to"] = _("The end date must not be before the start date.")
            values["date_to"] = None

        raw_price = text("price_max", MAX_FILTER_LENGTH)
        values["price_max"] = None
        if raw_price:
            if raw_price.isascii() and raw_price.isdigit() and int(raw_price) <= MAX_PRICE:
                values["price_max"] = int(raw_price)
            else:
                errors["price_max"] = _("Give a whole number of cents between 0 and %(max)d.") % {
                    "max": MAX_PRICE
                }

        raw_available = text("available", MAX_FILTER_LENGTH).lower()
        if raw_available in ("", "0", "false"):
            values["available"] = False
        elif raw_available in ("1", "true"):
            values["available"] = True
        else:
            errors["available"] = _("Use 1 for events with tickets on sale, or leave it out.")
            values["available"] = False

        sort = text("sort", MAX_FILTER_LENGTH).lower()
        if sort and sort not in SORT_CHOICES:
            errors["sort"] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(SORT_CHOICES)}
            sort = ""
        values["sort"] = sort

        raw_page = text("page", MAX_FILTER_LENGTH)
        values["page"] = 1
        if raw_page:
            if raw_page.isascii() and raw_page.isdigit() and 1 <= int(raw_page) <= MAX_PAGE:
                values["page"] = int(raw_page)
            else:
                errors["page"] = _("Give a page number between 1 and %(max)d.") % {"max": MAX_PAGE}
        return cls(**values), errors

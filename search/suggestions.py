"""Autocomplete and "did you mean", over the titles, cities and artists of visible events.

The words live in SuggestionTerm (kept in step by search.indexing), folded (lower
case, no accents) so "kol" finds "Köln". "Did you mean" corrects each unknown
word of a query to the closest word of those names (SuggestionWord, one row per
word and language): PostgreSQL's trigram similarity (pg_trgm, added by search's
migration); on SQLite, Python's difflib.
"""

import difflib

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, FloatField, Func, IntegerField, Min, Value, When
from django.utils.http import urlencode

from event_pages.models import EventPage
from search import cache
from search.engine import locales_for, visible_events
from search.models import SuggestionTerm, SuggestionWord, TermKind
from search.text import clean_query, fold, search_terms

MAX_SUGGEST_LENGTH = 100
SIMILARITY_THRESHOLD = 0.3
MAX_WORDS = 6  # of a query, corrected one by one
KIND_ORDER = {TermKind.CITY: 0, TermKind.ARTIST: 1, TermKind.EVENT: 2}


def events_url(language: str) -> str:
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    return f"{prefix}/events/"


def suggest(q: str, *, language: str, limit: int = 8) -> list[dict]:
    """Up to `limit` events, cities and artists whose name contains what was typed."""
    typed = " ".join(fold(clean_query(q or "")[:MAX_SUGGEST_LENGTH]).split())
    if len(typed) < 2 or limit < 1:
        return []
    key = cache.key_for("suggest", language, typed, limit)
    answer = cache.get(key)
    if answer is None:
        answer = _suggest(typed, language=language, limit=limit)
        cache.put(key, answer)
    return answer


def _suggest(typed: str, *, language: str, limit: int) -> list[dict]:
    rank = Case(
        When(folded__startswith=typed, then=Value(0)),
        When(folded__contains=" " + typed, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    kind_rank = Case(
        *[When(kind=kind, then=Value(order)) for kind, order in KIND_ORDER.items()],
        output_field=IntegerField(),
    )
    rows = list(
        SuggestionTerm.objects.filter(
            folded__contains=typed, page__in=visible_events(language).values("pk")
        )
        .values("kind", "label")
        .annotate(page_id=Min("page_id"), rank=Min(rank), kind_rank=Min(kind_rank))
        .order_by("rank", "kind_rank", "label")[:limit]
    )
    pages = {
        page.pk: page
        for page in EventPage.objects.filter(
            pk__in=[row["page_id"] for row in rows if row["kind"] == TermKind.EVENT]
        ).only("pk", "url_path", "locale_id", "path", "depth")
    }
    listing = events_url(language)
    answer = []
    for row in rows:
        if row["kind"] == TermKind.EVENT:
            page = pages.get(row["page_id"])
            url = page.url if page is not None else None
        elif row["kind"] == TermKind.CITY:
            url = f"{listing}?{urlencode({'city': row['label']})}"
        else:
            url = f"{listing}?{urlencode({'q': row['label']})}"
        if url:
            answer.append({"type": str(row["kind"]), "label": row["label"], "url": url})
    return answer


def did_you_mean(q: str, *, language: str) -> str | None:
    """The query with each unknown word replaced by the closest word of the titles, cities
    and artists published in `language` ("jaz berln" -> "jazz Berlin"), or None when
    nothing is close or nothing would change."""
    typed_words = search_terms(q).split()[:MAX_WORDS]
    folded_words = [fold(word) for word in typed_words]
    if len("".join(folded_words)) < 3:
        return None
    locale_ids = set(locales_for(language))
    words = SuggestionWord.objects.filter(locale_id__in=locale_ids)
    corrected, changed = [], False
    for written, word in zip(typed_words, folded_words, strict=True):
        replacement = None if len(word) < 3 else _closest_word(words, word)
        if replacement is None:
            corrected.append(written)
        else:
            corrected.append(replacement)
            changed = True
    return " ".join(corrected) if changed else None


def _closest_word(words, word: str) -> str | None:
    """The written form of the known word closest to `word`; None when `word` is known
    itself or nothing is close enough."""
    if words.filter(folded=word).exists():
        return None
    if connection.vendor == "postgresql":
        similarity = Func(
            F("folded"), Value(word), function="similarity", output_field=FloatField()
        )
        return (
            words.annotate(similarity=similarity)
            .filter(similarity__gte=SIMILARITY_THRESHOLD)
            .order_by("-similarity", "folded")
            .values_list("written", flat=True)
            .first()
        )
    known = dict(words.values_list("folded", "written")[:50000])
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return known[close[0]] if close else None

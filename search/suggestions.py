"""Autocomplete and "did you mean", over the titles, cities and artists of visible events.

The words live in SuggestionTerm (kept in step by search.indexing), folded (lower
case, no accents) so "kol" finds "Köln". "Did you mean" uses PostgreSQL's
trigram similarity (pg_trgm, added by search's migration); on SQLite the same
idea runs in Python (difflib) over the few words a small site has.
"""

import difflib

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, FloatField, Func, IntegerField, Min, Value, When
from django.db.models.functions import Greatest
from django.utils.http import urlencode

from event_pages.models import EventPage
from search import cache
from search.engine import visible_events
from search.models import SuggestionTerm, TermKind
from search.text import clean_query, fold, search_terms

MAX_SUGGEST_LENGTH = 100
SIMILARITY_THRESHOLD = 0.3
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
    """The title, city or artist closest to `q`, when one is close enough and not `q` itself."""
    typed = fold(search_terms(q))[:MAX_SUGGEST_LENGTH]
    if len(typed) < 3:
        return None
    terms = SuggestionTerm.objects.filter(page__in=visible_events(language).values("pk"))
    if connection.vendor == "postgresql":
        return _closest_by_trigrams(terms, typed)
    return _closest_by_difflib(terms, typed)


def _closest_by_trigrams(terms, typed: str) -> str | None:
    typed_value = Value(typed)
    similarity = Greatest(
        Func(F("folded"), typed_value, function="similarity", output_field=FloatField()),
        # A close word inside a longer name counts a little less than the whole name.
        Func(typed_value, F("folded"), function="word_similarity", output_field=FloatField())
        * Value(0.9),
        output_field=FloatField(),
    )
    best = (
        terms.exclude(folded=typed)
        .annotate(similarity=similarity)
        .filter(similarity__gte=SIMILARITY_THRESHOLD)
        .order_by("-similarity", "label")
        .values_list("label", flat=True)
        .first()
    )
    return best


def _closest_by_difflib(terms, typed: str) -> str | None:
    """Whole names first, then single words of longer names (as they are written)."""
    labels: dict[str, str] = {}
    words: dict[str, str] = {}
    for label, folded in terms.values_list("label", "folded").distinct()[:20000]:
        labels.setdefault(folded, label)
        written, folded_words = label.split(), folded.split()
        if len(written) == len(folded_words):
            for word, folded_word in zip(written, folded_words, strict=True):
                if len(folded_word) >= 3:
                    words.setdefault(folded_word, word.strip(",.;:!?()\"'"))
    for candidates in (labels, words):
        candidates.pop(typed, None)
        close = difflib.get_close_matches(typed, list(candidates), n=1, cutoff=0.6)
        if close:
            return candidates[close[0]]
    return None

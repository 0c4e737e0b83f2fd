"""Autocomplete and "did you mean", over the titles, cities and artists of visible events.

The words live in SuggestionTerm (kept in step by search.indexing), folded (lower
case, no accents) so "kol" finds "Köln". "Did you mean" corrects each unknown
word of a query to the closest word of those names: PostgreSQL's trigram
similarity (pg_trgm, added by search's migration) finds the names near each word,
difflib picks the word; on SQLite difflib looks at every word a small site has.
"""

import difflib

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, FloatField, Func, IntegerField, Min, Value, When
from django.utils.http import urlencode

from event_pages.models import EventPage
from search import cache
from search.engine import visible_events
from search.models import SuggestionTerm, TermKind
from search.text import clean_query, fold, search_terms

MAX_SUGGEST_LENGTH = 100
SIMILARITY_THRESHOLD = 0.3
MAX_WORDS = 6  # of a query, corrected one by one
NEAR_NAMES = 20  # names looked at per typed word
PUNCTUATION = ",.;:!?()\"'«»“”–-"
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
    """The query with each unknown word replaced by the closest word of a visible event's
    title, city or artist ("jaz berln" -> "jazz Berlin"), or None when nothing is close
    or nothing would change."""
    typed_words = search_terms(q).split()[:MAX_WORDS]
    folded_words = [fold(word) for word in typed_words]
    if len("".join(folded_words)) < 3:
        return None
    terms = SuggestionTerm.objects.filter(page__in=visible_events(language).values("pk"))
    if connection.vendor == "postgresql":
        vocabulary = _vocabulary_near(terms, folded_words)
    else:
        vocabulary = _vocabulary(terms.values_list("label", "folded").distinct()[:20000])
    corrected, changed = [], False
    for written, word in zip(typed_words, folded_words, strict=True):
        if len(word) < 3 or word in vocabulary:
            corrected.append(written)
            continue
        close = difflib.get_close_matches(word, list(vocabulary), n=1, cutoff=0.6)
        if close:
            corrected.append(vocabulary[close[0]])
            changed = True
        else:
            corrected.append(written)
    return " ".join(corrected) if changed else None


def _vocabulary(rows) -> dict[str, str]:
    """{folded word: the word as written} from (label, folded label) rows."""
    words: dict[str, str] = {}
    for label, folded in rows:
        written, folded_words = label.split(), folded.split()
        if len(written) != len(folded_words):
            continue
        for word, folded_word in zip(written, folded_words, strict=True):
            word = word.strip(PUNCTUATION)
            folded_word = folded_word.strip(PUNCTUATION)
            if len(folded_word) >= 3:
                words.setdefault(folded_word, word)
    return words


def _vocabulary_near(terms, words: list[str]) -> dict[str, str]:
    """The words of the names closest to each typed word, by trigram similarity (pg_trgm):
    a typed word that is in a name comes back itself."""
    rows = []
    for word in {w for w in words if len(w) >= 3}:
        similarity = Func(
            Value(word), F("folded"), function="word_similarity", output_field=FloatField()
        )
        rows += list(
            terms.annotate(similarity=similarity)
            .filter(similarity__gte=SIMILARITY_THRESHOLD)
            .order_by("-similarity", "label")
            .values_list("label", "folded")[:NEAR_NAMES]
        )
    return _vocabulary(rows)

"""Keeping search in step with publishing.

Wagtail's own index (EventPage.search_fields) is updated by Wagtail when a page
is saved, published or unpublished; `manage.py update_index` rebuilds it. This
module keeps the autocomplete words (SuggestionTerm) of each event in step,
and bumps the cache generation whenever an event, venue or category changes,
so no cached answer outlives the change. A venue or category saved (a city
renamed) indexes its events again. `manage.py rebuild_search_terms`
rebuilds the words of every live event.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.search.backends import get_search_backends
from wagtail.signals import page_published, page_unpublished

from event_pages.models import Category, EventPage, Venue
from search.cache import bump_generation
from search.models import SuggestionTerm, SuggestionWord, TermKind
from search.text import fold

BATCH = 2000
PUNCTUATION = ",.;:!?()\"'«»“”–-"


def terms_for(event: EventPage) -> list[SuggestionTerm]:
    """The words `event` is suggested for: its title, its city and its artists."""
    words = [(TermKind.EVENT, event.title)]
    if event.venue_id and event.venue is not None:
        words.append((TermKind.CITY, event.venue.city))
    words += [(TermKind.ARTIST, name) for name in event.lineup_names()]
    seen, terms = set(), []
    for kind, label in words:
        label = " ".join((label or "").split())[:255]
        if label and (kind, label) not in seen:
            seen.add((kind, label))
            terms.append(
                SuggestionTerm(
                    page_id=event.pk,
                    locale_id=event.locale_id,
                    kind=kind,
                    label=label,
                    folded=fold(label)[:255],
                )
            )
    return terms


def words_of(terms: list[SuggestionTerm]) -> list[SuggestionWord]:
    """The words (3+ letters) of these names, as written and folded, once each."""
    words = {}
    for term in terms:
        written, folded = term.label.split(), term.folded.split()
        if len(written) != len(folded):
            continue
        for word, folded_word in zip(written, folded, strict=True):
            word, folded_word = word.strip(PUNCTUATION), folded_word.strip(PUNCTUATION)
            if 3 <= len(folded_word) <= 100 and (term.locale_id, folded_word) not in words:
                words[(term.locale_id, folded_word)] = SuggestionWord(
                    locale_id=term.locale_id, folded=folded_word, written=word[:100]
                )
    return list(words.values())


def _save(terms: list[SuggestionTerm]) -> int:
    SuggestionWord.objects.bulk_create(words_of(terms), ignore_conflicts=True)
    return len(SuggestionTerm.objects.bulk_create(terms))


def index_terms(event: EventPage) -> None:
    """Replace `event`'s words: its published ones when live, none otherwise."""
    with transaction.atomic():
        SuggestionTerm.objects.filter(page_id=event.pk).delete()
        if event.live:
            _save(terms_for(event))


def rebuild_terms(events=None) -> int:
    """Rebuild the words of every live event (or of `events`); returns how many rows."""
    queryset = events if events is not None else EventPage.objects.live()
    queryset = queryset.select_related("venue").order_by("pk")
    created = 0
    with transaction.atomic():
        if events is None:
            SuggestionTerm.objects.all().delete()
            SuggestionWord.objects.all().delete()
        else:
            SuggestionTerm.objects.filter(page__in=queryset.values("pk")).delete()
        batch = []
        for event in queryset.iterator(chunk_size=BATCH):
            batch.extend(terms_for(event))
            if len(batch) >= BATCH:
                created += _save(batch)
                batch = []
        created += _save(batch)
    bump_generation()
    return created


def _published(sender, instance, **kwargs):
    index_terms(instance.specific if type(instance) is not EventPage else instance)
    bump_generation()


def _unpublished(sender, instance, **kwargs):
    SuggestionTerm.objects.filter(page_id=instance.pk).delete()
    bump_generation()


def reindex_events(events) -> None:
    """Index `events` again (their venue's city or category changed) with their words."""
    events = list(events.select_related("venue", "category"))
    if events:
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(EventPage, events)
        rebuild_terms(EventPage.objects.filter(pk__in=[e.pk for e in events], live=True))


def _venue_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex_events(EventPage.objects.filter(venue=instance))
    bump_generation()


def _category_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex_events(EventPage.objects.filter(category=instance))
    bump_generation()


def connect() -> None:
    """Called once by SearchConfig.ready."""
    page_published.connect(_published, sender=EventPage, dispatch_uid="search_published")
    page_unpublished.connect(_unpublished, sender=EventPage, dispatch_uid="search_unpublished")
    post_save.connect(bump_generation, sender=EventPage, dispatch_uid="search_saved_event")
    post_save.connect(_venue_saved, sender=Venue, dispatch_uid="search_saved_venue")
    post_save.connect(_category_saved, sender=Category, dispatch_uid="search_saved_category")
    for model in (EventPage, Venue, Category):
        post_delete.connect(bump_generation, sender=model, dispatch_uid=f"search_deleted_{model}")

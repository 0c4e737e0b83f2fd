"""Words for autocomplete and "did you mean": event titles, cities and artists of live events.

One row per event and word, kept in step with publishing (search.indexing); the
full-text index itself is Wagtail's (EventPage.search_fields).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TermKind(models.TextChoices):
    EVENT = "event", _("event")
    CITY = "city", _("city")
    ARTIST = "artist", _("artist")


class SuggestionTerm(models.Model):
    page = models.ForeignKey("event_pages.EventPage", on_delete=models.CASCADE, related_name="+")
    locale = models.ForeignKey("wagtailcore.Locale", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=TermKind.choices)
    label = models.CharField(max_length=255)
    folded = models.CharField(max_length=255, help_text="lower case, without accents")

    class Meta:
        verbose_name = _("search suggestion")
        indexes = [models.Index(fields=["locale", "folded"], name="search_term_locale_folded")]

    def __str__(self):
        return f"{self.kind}: {self.label}"


class SuggestionWord(models.Model):
    """One word of the titles, cities and artists ever published in a language: what
    "did you mean" corrects a query's words to (small: words repeat across events)."""

    locale = models.ForeignKey("wagtailcore.Locale", on_delete=models.CASCADE, related_name="+")
    folded = models.CharField(max_length=100, help_text="lower case, without accents")
    written = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("search word")
        constraints = [
            models.UniqueConstraint(fields=["locale", "folded"], name="search_word_unique")
        ]

    def __str__(self):
        return self.written

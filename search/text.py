"""Text helpers for querying: accent folding (shared with the index) and safe query text."""

import re

from event_pages.models import fold_text, spelling_variants

# What a visitor's query may be, after cleaning (characters).
MAX_QUERY_LENGTH = 200

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_NOT_WORD = re.compile(r"[^\w]+")

fold = fold_text  # "Zürich" -> "zurich", "Café" -> "cafe"
__all__ = ["MAX_QUERY_LENGTH", "clean_query", "fold", "search_terms", "spelling_variants"]


def clean_query(text: str) -> str:
    """What a visitor typed, without control characters (NUL bytes) and extra spaces."""
    return " ".join(_CONTROL.sub(" ", text).split())


def search_terms(text: str) -> str:
    """Words only, for the full-text engine: quotes, operators and SQL-like text become spaces."""
    return " ".join(_NOT_WORD.sub(" ", text).replace("_", " ").split())

"""Money as integer minor units plus an ISO 4217 code (never floats).

Every currency we sell in has two decimal places, so the editor types 25.00
and we store 2500.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _

CURRENCIES = [
    ("EUR", "EUR — Euro"),
    ("USD", "USD — US dollar"),
    ("GBP", "GBP — Pound sterling"),
    ("CHF", "CHF — Swiss franc"),
    ("SEK", "SEK — Swedish krona"),
    ("DKK", "DKK — Danish krone"),
    ("NOK", "NOK — Norwegian krone"),
    ("PLN", "PLN — Polish złoty"),
    ("CZK", "CZK — Czech koruna"),
]
CURRENCY_CODES = {code for code, _label in CURRENCIES}
MINOR_PER_MAJOR = 100
MAX_PRICE_MINOR = 100_000_000  # 1,000,000.00 — a typo guard, not a business rule


def to_minor(value: Decimal | str) -> int:
    """'25.00' -> 2500; raises ValueError for anything that is not an amount."""
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return int((amount * MINOR_PER_MAJOR).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def to_major(minor: int) -> Decimal:
    return (Decimal(minor) / MINOR_PER_MAJOR).quantize(Decimal("0.01"))


# Babel (CLDR) knows each language's symbol, its place and its separators; French
# typography wants a narrow no-break space before the symbol, where CLDR has a wide one.
PATTERNS = {"fr": "#,##0.00\u202f¤"}
# CLDR's currency spacing, which Babel leaves out: a symbol of letters ("CHF") is kept
# apart from the digits by a no-break space ("CHF 25.00", never "CHF25.00").
_LETTER_THEN_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)")


def format_money(minor: int, currency: str, language: str | None = None) -> str:
    """An amount as the language writes it: 2500 EUR is '€25.00' in English,
    '25,00 €' in German (no-break space) and '25,00 €' in French (narrow no-break space).

    `language` defaults to the active one (the page's, or the email's override).
    """
    language = (language or get_language() or "en").split("-")[0]
    text = format_currency(
        to_major(minor),
        currency,
        format=PATTERNS.get(language),
        locale=to_locale(language),
        currency_digits=False,
    )
    return _LETTER_THEN_DIGIT.sub("\u00a0", text)


class MajorUnitsFormField(forms.DecimalField):
    """Form field showing 25.00 and cleaning to 2500 minor units."""

    def __init__(self, **kwargs):
        kwargs.pop("max_value", None)
        kwargs.pop("min_value", None)
        super().__init__(max_digits=12, decimal_places=2, min_value=Decimal("0"), **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return to_major(value)
        return value

    def clean(self, value):
        amount = super().clean(value)
        if amount is None:
            return None
        minor = to_minor(amount)
        if minor > MAX_PRICE_MINOR:
            raise ValidationError(_("Enter a price up to 1,000,000.00."), code="max_value")
        return minor


class MoneyMinorField(models.PositiveIntegerField):
    """An amount in minor units; editors see and type major units (25.00)."""

    def formfield(self, **kwargs):
        kwargs["form_class"] = MajorUnitsFormField
        return super().formfield(**kwargs)

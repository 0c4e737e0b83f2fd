"""Prices and event times read as each language writes them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from core.money import format_money
from event_pages.templatetags.event_tags import local, money, tzname

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "€29.00"),
        ("de", f"29,00{NBSP}€"),
        ("fr", f"29,00{NARROW_NBSP}€"),
    ],
)
def test_a_euro_price_reads_as_the_language_writes_it(language, expected):
    assert format_money(2900, "EUR", language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "€1,234.50"),
        ("de", f"1.234,50{NBSP}€"),
        ("fr", f"1{NARROW_NBSP}234,50{NARROW_NBSP}€"),
    ],
)
def test_thousands_are_grouped_the_language_s_way(language, expected):
    assert format_money(123450, "EUR", language) == expected


def test_a_currency_without_a_sign_keeps_its_code_apart_from_the_digits():
    assert format_money(2500, "CHF", "en") == f"CHF{NBSP}25.00"
    assert format_money(2500, "CHF", "de") == f"25,00{NBSP}CHF"


def test_the_price_follows_the_active_language_as_pages_and_emails_set_it():
    with translation.override("de"):
        assert money(2900, "EUR") == f"29,00{NBSP}€"
    with translation.override("fr"):
        assert money(2900, "EUR") == f"29,00{NARROW_NBSP}€"
    with translation.override("en"):
        assert money(2900, "EUR") == "€29.00"


# 20:30 in Berlin on a winter evening; the same moment is 19:30 UTC.
EVENING = datetime(2026, 12, 23, 20, 30, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("language", "long_form", "short_form"),
    [
        ("en", "Wednesday 23 December 2026, 20:30", "Wed 23 Dec 2026, 20:30"),
        ("de", "Mittwoch, 23. Dezember 2026, 20:30", "Mi, 23. Dez 2026, 20:30"),
        ("fr", "mercredi 23 décembre 2026, 20:30", "mer 23 déc. 2026, 20:30"),
    ],
)
def test_event_dates_read_in_the_language_s_order_with_24_hour_times(
    language, long_form, short_form
):
    with translation.override(language):
        assert local(EVENING, "l j F Y, H:i") == long_form
        assert local(EVENING, "D j M Y, H:i") == short_form


def test_an_event_time_stays_in_the_event_s_zone_and_names_it():
    with translation.override("de"):
        assert local(EVENING, "H:i") == "20:30"
    assert tzname(EVENING) == "CET"
    summer = datetime(2026, 7, 1, 20, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert tzname(summer) == "CEST"

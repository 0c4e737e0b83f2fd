"""Shared fixtures. Factories live in tests/factories.py."""

import os
import shutil

import pytest
from django.conf import settings
from django.core.cache import cache

# pytest-django's live_server runs beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"

requires_postgres = pytest.mark.skipif(
    not settings.IS_POSTGRES,
    reason="needs PostgreSQL (row locks, real parallel transactions): set DATABASE_URL",
)


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home_page(db):
    from event_pages.models import HomePage

    return HomePage.objects.get(depth=2, locale__language_code="en")


@pytest.fixture
def organization(home_page):
    from tests.factories import make_organization

    return make_organization(home_page, "Aurora Live")


@pytest.fixture
def other_organization(home_page):
    from tests.factories import make_organization

    return make_organization(home_page, "Northwind Conferences")


# --- Browser tests (pytest-playwright on Debian's chromium) ---------------------


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM) or os.environ.get("BROWSER_TESTS") == "required":
        return
    skip = pytest.mark.skip(reason=f"browser tests need {CHROMIUM} (apt-get install -y chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium") or CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }

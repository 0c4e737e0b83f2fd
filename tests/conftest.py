"""Shared fixtures. Factories live in tests/factories.py."""

import importlib
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
requires_sql_core = pytest.mark.skipif(
    not (settings.IS_POSTGRES and settings.COMMERCE_SQL_CORE),
    reason="needs the PostgreSQL functions in use (DATABASE_URL set, COMMERCE_SQL_CORE on)",
)


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request under /de/ or /fr/ leaves its language active in the thread; the
    database reset after a transactional test would then name permissions in it."""
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


PERMISSION_MIGRATIONS = [
    (
        "wagtail.admin.migrations.0001_create_admin_access_permissions",
        "create_admin_access_permissions",
    ),
    (
        "wagtail_localize.migrations.0006_create_submit_translation_permission",
        "create_submit_translation_permission",
    ),
]
# The background schedules the commerce migrations create (gone after a flush).
SCHEDULE_MIGRATIONS = [
    ("commerce.migrations.0004_expire_holds_schedule", "create_schedule"),
    ("commerce.migrations.0012_follow_up_refunds", "create_schedule"),
    ("commerce.migrations.0013_email_sweep_schedule", "create_schedule"),
    ("commerce.migrations.0014_one_implementation", "tasks_in_one_module"),
    ("commerce.migrations.0019_exchange_charges", "create_schedule"),
    ("fulfilment.migrations.0003_weekly_pre_order_capture", "create_schedule"),
]


def ensure_site_baseline():
    """What the data migrations create, rebuilt after a transactional test flushed it."""
    from django.apps import apps
    from wagtail.models import Collection, Locale, Page, Site

    from accounts.roles import ensure_role_groups, grant_marketing
    from event_pages.models import HomePage

    home = HomePage.objects.filter(depth=2, locale__language_code="en").first()
    if home is not None:
        return home
    english = Locale.objects.get_or_create(language_code="en")[0]
    for code in ("de", "fr"):
        Locale.objects.get_or_create(language_code=code)
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=english)
    )
    home = root.add_child(instance=HomePage(title="Bilten", slug="home", locale=english))
    Site.objects.update_or_create(
        hostname="localhost", defaults={"root_page": home, "is_default_site": True, "port": 80}
    )
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")
    for module, function in PERMISSION_MIGRATIONS + SCHEDULE_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)
    ensure_role_groups(apps)
    grant_marketing(apps, home_page=home)
    return home


@pytest.fixture
def home_page(db):
    return ensure_site_baseline()


@pytest.fixture
def organization(home_page):
    from tests.factories import make_organization

    return make_organization(home_page, "Aurora Live")


@pytest.fixture
def organizer(organization):
    """An organizer of `organization` (org@example.com)."""
    from accounts.roles import make_organizer
    from tests.factories import make_user

    user = make_user("org@example.com")
    make_organizer(user, organization)
    return user


@pytest.fixture
def editor(client, organizer):
    """The test client, signed in as the organizer."""
    client.force_login(organizer)
    return client


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

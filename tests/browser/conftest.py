"""Browser fixtures: a screenshot on failure and a collector of console errors."""

import re
from pathlib import Path

import pytest

from tests.browser.console import collect_errors

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "browser-artifacts"


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and "page" in item.funcargs:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]", "_", item.nodeid)[-120:]
        try:
            item.funcargs["page"].screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception:  # the page may be gone; the failure itself still reports
            pass


@pytest.fixture
def console_errors(page):
    """Errors the browser console reports while the test runs."""
    return collect_errors(page)


@pytest.fixture
def login_admin(page, live_server):
    def login(email, password):
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("input[name=username]", email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")

    return login

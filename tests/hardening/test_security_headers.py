"""Content-Security-Policy, Permissions-Policy and a clean `check --deploy`."""

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import make_event

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


def test_public_pages_send_a_nonce_based_policy_that_allows_no_inline_code(client, organization):
    event = make_event(organization, "Policy Night")
    response = client.get(event.url)
    policy = directives(response["Content-Security-Policy"])
    nonce = re.search(r"'nonce-([^']+)'", " ".join(policy["script-src"])).group(1)
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "https://js.stripe.com" in policy["script-src"]
    html = response.content.decode()
    # The JSON-LD is the one inline script, and it carries this response's nonce.
    assert f'<script type="application/ld+json" nonce="{nonce}">' in html
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert all(f'nonce="{nonce}"' in tag for tag in inline_scripts)


@pytest.mark.parametrize("url", ["/", "/events/", "/account/login/", "/account/signup/"])
def test_public_pages_have_no_inline_style_or_event_handler_attributes(client, home_page, url):
    response = client.get(url, follow=True)
    html = response.content.decode()
    assert "Content-Security-Policy" in response.headers
    assert not re.search(r"\sstyle=\"", html)
    assert not re.search(r"\son[a-z]+=\"", html)


def test_public_templates_have_no_inline_styles():
    """The policy refuses style="" on public pages: none in a template they render."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if "style=" in path.read_text()
        and "/email/" not in str(path)  # emails are read in a mail client, not served
        and "/admin/" not in str(path)  # the admin has its own, looser policy
    ]
    assert offenders == []


def test_the_admin_gets_its_own_policy_allowing_its_inline_scripts(client, home_page):
    response = client.get("/admin/login/")
    policy = directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert not any(value.startswith("'nonce-") for value in policy["script-src"])
    assert policy["frame-ancestors"] == ["'self'"]


def test_every_response_sends_a_permissions_policy(client, home_page):
    header = client.get("/").headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in header
    assert 'payment=(self "https://js.stripe.com")' in header


def test_the_policy_can_be_report_only_while_trying_a_change():
    env = {**os.environ, "CSP_REPORT_ONLY": "1", "CSP_REPORT_URI": "/csp-reports/"}
    code = (
        "from django.conf import settings;"
        "print(hasattr(settings, 'CONTENT_SECURITY_POLICY'),"
        " settings.CONTENT_SECURITY_POLICY_REPORT_ONLY['DIRECTIVES']['report-uri'])"
    )
    out = _manage(["shell", "-c", code], env)
    assert out.stdout.strip().splitlines()[-1] == "False ['/csp-reports/']"


def _manage(args, env):
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # pytest-playwright's, never a server's
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bilten.settings.production",
        # A key as `manage.py check --deploy` wants one: long and random.
        "DJANGO_SECRET_KEY": "k3P9-zq7Vx2mLr8tWb5NcY4hJf6Ds1Ga0uQe+oTi!Ek/pRy#Hn",
        "TICKET_SECRET_KEY": "y",
        "FULFILMENT_ENCRYPTION_KEYS": "k1:" + base64.b64encode(bytes(range(32))).decode(),
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/bilten",
        "ALLOWED_HOSTS": "example.com",
    }
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout

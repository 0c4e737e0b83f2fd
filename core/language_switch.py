"""The language switch: the page the visitor is on, in the language they chose.

A Wagtail page leads to its live translation (found by its translation key),
or to the chosen language's home page when it has none; the home page's own
routes (/events/) exist in every language. Any other view (checkout, orders,
account pages, log-in) keeps its route and changes only the language prefix
of i18n_patterns. Django's own set_language cannot do this: it resolves the
address in the language of the switch request, not of the page, so
/de/… became /de/de/… (a 404).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Locale, Site

WAGTAIL_SERVE = "wagtail_serve"


def home_url(language: str) -> str:
    """The home page in `language` ("/", "/de/"): every language has one, by fallback if need be."""
    with translation.override(language):
        return reverse(WAGTAIL_SERVE, args=[""])


def _page_url_in_language(request: HttpRequest, *, wagtail_path: str, language: str):
    """The translated page's address (with the same sub-route), or None when it has none."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    root = site.root_page.localized.specific
    components = [component for component in wagtail_path.split("/") if component]
    try:
        page = root.route(request, components).page
    except Http404:
        return None
    # What the page's own routes consumed (/events/ on the home page, for one).
    rest = components[page.depth - root.depth :]
    sub_route = "/".join(rest) + "/" if rest else ""
    if page.translation_key == root.translation_key:
        return home_url(language) + sub_route
    locale = Locale.objects.filter(language_code=language).first()
    translated = page.get_translation_or_none(locale) if locale else None
    if translated is None or not translated.live:
        return None
    return (translated.get_url(request) or "") + sub_route


def url_in_language(request: HttpRequest, *, url: str, language: str) -> str:
    """`url` (a path on this site) as the same page in `language`, else that language's home."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    current = translation.get_language_from_path(parts.path) or settings.LANGUAGE_CODE
    with translation.override(current):
        try:
            match = resolve(parts.path)
        except Resolver404:
            return home_url(language)
        if match.view_name == WAGTAIL_SERVE:
            translated = _page_url_in_language(
                request, wagtail_path=match.args[0] if match.args else "", language=language
            )
            return translated + query if translated else home_url(language)
    with translation.override(language):
        try:
            return reverse(match.view_name, args=match.args, kwargs=match.kwargs) + query
        except NoReverseMatch:
            return home_url(language)


def _safe_next(request: HttpRequest) -> str:
    url = request.POST.get("next", "")
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/"


@require_POST
def switch_language(request: HttpRequest) -> HttpResponseRedirect:
    """POST language + next: the same page in that language; the choice is kept in a cookie."""
    url = _safe_next(request)
    language = request.POST.get("language", "")
    languages = dict(settings.LANGUAGES)
    if language not in languages:
        messages.error(
            request,
            _("Language: choose one of %(languages)s.")
            % {"languages": ", ".join(languages.values())},
        )
        return HttpResponseRedirect(url)
    response = HttpResponseRedirect(url_in_language(request, url=url, language=language))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response

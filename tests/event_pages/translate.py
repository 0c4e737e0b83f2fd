"""Translate pages and snippets the way wagtail-localize's editor does, with given strings."""

from django.test import TestCase
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource


def translate(page, language_code: str, strings: dict[str, str] | None = None):
    """Create (or update) and publish a translation of `page` (or a snippet such as a Venue).

    Parent pages are copied as needed; strings not in `strings` stay as they are.
    """
    strings = strings or {}
    locale = Locale.objects.get(language_code=language_code)
    source, _created = TranslationSource.get_or_create_from_instance(page)
    translation, _created = Translation.objects.get_or_create(source=source, target_locale=locale)
    po = translation.export_po()
    for entry in po:
        entry.msgstr = strings.get(entry.msgid, entry.msgid)
    translation.import_po(po)
    # wagtail-localize publishes on commit; run those callbacks inside the test transaction.
    with TestCase.captureOnCommitCallbacks(execute=True):
        source.create_or_update_translation(
            locale, publish=True, copy_parent_pages=True, fallback=True
        )
    translated = page.get_translation(locale)
    return getattr(translated, "specific", translated)

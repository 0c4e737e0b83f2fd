"""Page permissions follow a page into the languages wagtail-localize copies it to."""

from django.apps import apps as django_apps
from wagtail.models import Page
from wagtail.signals import copy_for_translation_done

from accounts.roles import grant_on_translation


def grant_on_copied_translation(sender, source_obj, target_obj, **kwargs) -> None:
    """A page copied for translation (or as a parent of one) gets its source's permissions."""
    if isinstance(source_obj, Page) and isinstance(target_obj, Page):
        grant_on_translation(django_apps, source=source_obj, translation=target_obj)


def connect() -> None:
    copy_for_translation_done.connect(
        grant_on_copied_translation, dispatch_uid="accounts.grant_on_copied_translation"
    )

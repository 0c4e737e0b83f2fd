"""wagtail-localize's "Translate" and "Sync translated pages", for those who may edit the original.

wagtail-localize asks only for the `submit_translation` permission: whoever holds
it could translate (and sync, and publish the translations of) any page or
snippet by its id. Organizers hold it for their own events, so these views also
ask Wagtail's permissions on the original: edit rights on a page, `change` on a
snippet under its model's permission policy (a venue: its organization's
members). Another organization's event is a 403, as its editor would be.
"""

from django.core.exceptions import PermissionDenied
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail_localize.models import TranslationSource
from wagtail_localize.views import submit_translations


def may_translate(user, instance) -> bool:
    """May `user` submit `instance` (a page or a snippet) for translation, or sync it?"""
    if isinstance(instance, Page):
        return instance.permissions_for_user(user).can_edit()
    policy = policy_registry.get_by_type(type(instance))
    return policy.user_has_permission_for_instance(user, "change", instance)


class OriginalEditorsOnly:
    """get_object() refuses a user who may not edit the original (a page, snippet or source)."""

    def get_object(self):
        obj = super().get_object()
        original = obj.get_source_instance() if isinstance(obj, TranslationSource) else obj
        if not may_translate(self.request.user, original):
            raise PermissionDenied
        return obj


class SubmitPageTranslationView(OriginalEditorsOnly, submit_translations.SubmitPageTranslationView):
    pass


class SubmitSnippetTranslationView(
    OriginalEditorsOnly, submit_translations.SubmitSnippetTranslationView
):
    pass

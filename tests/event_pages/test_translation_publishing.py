"""Publishing translations through wagtail-localize follows the publishing rules (spec 003 AC A4).

wagtail-localize publishes a translation when its transaction commits, so these
tests let transactions commit as in production (transaction=True).
"""

import pytest
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation, TranslationSource

from event_pages.models import EventPage
from tests.event_pages.translate import translate
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db(transaction=True)

NOT_PUBLISHED = (
    "Nothing was published. “Draft Gala”: Set the total capacity (X) before publishing. "
    "A translation takes its capacity and ticket tiers from the original event: "
    "fix the original and publish it, then sync its translations."
)


@pytest.fixture
def marketing(client, home_page):
    """A platform admin doing the marketing editor's job (the German tree is theirs too)."""
    translate(home_page, "de")
    client.force_login(make_user("admin@example.com", is_superuser=True, is_staff=True))
    client.raise_request_exception = False  # answer as production does, never a traceback
    return client


def german_draft(event):
    """The German draft wagtail-localize's "Translate" makes of a draft page."""
    german = Locale.objects.get(language_code="de")
    source, _created = TranslationSource.get_or_create_from_instance(event)
    translation = Translation.objects.create(source=source, target_locale=german)
    translation.save_target(publish=False)
    return event.get_translation(german).specific


def messages_on(response) -> list[str]:
    """The admin messages the page shows (and checks that it shows them)."""
    shown = [str(message).strip() for message in response.context["messages"]]
    for message in shown:
        assert escape(message) in response.content.decode()
    return shown


def snapshot(page):
    page = Page.objects.get(pk=page.pk)
    return page.live, page.latest_revision_id, page.draft_title


@pytest.fixture
def unready(organization, marketing):
    return make_event(organization, "Draft Gala", capacity=None, publish=False)


def test_publishing_a_german_translation_of_an_unready_event_says_why_and_saves_nothing(
    marketing, unready
):
    german = german_draft(unready)
    before = snapshot(german)

    response = marketing.post(
        reverse("wagtailadmin_pages:edit", args=[german.pk]), {"action": "publish"}, follow=True
    )

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("wagtailadmin_pages:edit", args=[german.pk]), 302)]
    assert messages_on(response) == [NOT_PUBLISHED]
    assert snapshot(german) == before


def test_syncing_and_publishing_translations_of_an_unready_event_says_why_and_changes_nothing(
    marketing, unready
):
    german = german_draft(unready)
    source = TranslationSource.objects.get(object_id=unready.translation_key)
    EventPage.objects.filter(pk=unready.pk).update(title="Draft Gala 2031")
    before = snapshot(german), source.content_json, source.last_updated_at
    url = reverse("wagtail_localize:update_translations", args=[source.pk])

    response = marketing.post(url, {"publish_translations": "on"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(url, 302)]
    assert messages_on(response) == [
        NOT_PUBLISHED + " Untick “Publish immediately” to update the drafts only."
    ]
    source.refresh_from_db()
    assert (snapshot(german), source.content_json, source.last_updated_at) == before


def test_syncing_without_publishing_still_updates_the_german_draft(marketing, unready):
    german = german_draft(unready)
    source = TranslationSource.objects.get(object_id=unready.translation_key)
    EventPage.objects.filter(pk=unready.pk).update(title="Draft Gala 2031")

    response = marketing.post(
        reverse("wagtail_localize:update_translations", args=[source.pk]), follow=True
    )

    assert messages_on(response) == ["Successfully updated translations for 'Draft Gala 2031'"]
    assert "Draft Gala 2031" in source.translations.get().export_po().__unicode__()
    assert not Page.objects.get(pk=german.pk).live


def test_the_german_translation_of_a_ready_event_is_published_from_the_editor(
    marketing, organization
):
    german = german_draft(make_event(organization, "Ready Concert", publish=False))

    marketing.post(reverse("wagtailadmin_pages:edit", args=[german.pk]), {"action": "publish"})

    assert Page.objects.get(pk=german.pk).live


def test_syncing_and_publishing_translations_of_a_ready_event_publishes_them(
    marketing, organization
):
    german = german_draft(make_event(organization, "Ready Concert", publish=False))
    source = TranslationSource.objects.get(object_id=german.translation_key)

    response = marketing.post(
        reverse("wagtail_localize:update_translations", args=[source.pk]),
        {"publish_translations": "on"},
        follow=True,
    )

    assert messages_on(response) == ["Successfully updated translations for 'Ready Concert'"]
    assert Page.objects.get(pk=german.pk).live

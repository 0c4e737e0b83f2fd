"""Who may translate what, and an untranslated copy is never public (issue 8, "Translations").

wagtail-localize's "Translate" is submitted as an editor submits it; transactions
commit as in production (wagtail-localize acts on commit).
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from wagtail.models import GroupPagePermission, Locale, Page

from accounts import roles
from event_pages.models import HomePage
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _english_again_before_the_flush():
    """Requests under /fr/ leave French active in this thread; the flush after a transactional
    test recreates permissions with names in the active language, which the next test's
    baseline (conftest) would then not find."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def marketing(client, home_page):
    user = make_user("marketing@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.MARKETING))
    client.force_login(user)
    client.raise_request_exception = False
    return client


@pytest.fixture
def organizer(client, organization):
    user = make_user("organizer@example.com")
    roles.make_organizer(user, organization)
    client.force_login(user)
    client.raise_request_exception = False
    return client


@pytest.fixture
def event(organization):
    return make_event(organization, "Night Concert")


def submit_translation(client, page, language="fr"):
    locale = Locale.objects.get(language_code=language)
    return client.post(
        reverse("wagtail_localize:submit_page_translation", args=[page.pk]),
        {"locales": [locale.pk]},
    )


def refused(response) -> bool:
    """Wagtail's answer to a permission refusal: back to the dashboard, saying so."""
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def french(page):
    return page.get_translation_or_none(Locale.objects.get(language_code="fr"))


def test_marketing_translates_an_event_into_french_and_may_edit_every_french_page(
    marketing, event, organization
):
    response = submit_translation(marketing, event)

    french_event = french(event)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[french_event.pk])
    for page in (french_event, french(organization), french(event.get_parent().get_parent())):
        assert marketing.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200


def test_marketing_may_translate_into_every_enabled_language(marketing, event):
    for language in ("de", "fr"):
        assert submit_translation(marketing, event, language).status_code == 302
        translated = event.get_translation(Locale.objects.get(language_code=language))
        edit = marketing.get(reverse("wagtailadmin_pages:edit", args=[translated.pk]))
        assert edit.status_code == 200


def test_an_untranslated_french_copy_is_a_draft_and_not_public_until_published(
    marketing, event, client
):
    submit_translation(marketing, event)
    french_event = french(event).specific

    assert not french_event.live
    assert french_event.url.startswith("/fr/")
    assert marketing.get(french_event.url).status_code == 404

    marketing.post(
        reverse("wagtailadmin_pages:edit", args=[french_event.pk]), {"action": "publish"}
    )

    assert Page.objects.get(pk=french_event.pk).live
    assert marketing.get(french_event.url).status_code == 200


def test_the_organizer_translates_their_own_event_and_edits_the_french_copy(organizer, event):
    response = submit_translation(organizer, event)

    french_event = french(event)
    assert response.status_code == 302
    assert not french_event.live
    edit = organizer.get(reverse("wagtailadmin_pages:edit", args=[french_event.pk]))
    assert edit.status_code == 200


def test_the_organizer_may_not_translate_another_organizations_event(organizer, other_organization):
    theirs = make_event(other_organization, "Their Summit")

    assert refused(submit_translation(organizer, theirs))
    form = organizer.get(
        reverse("wagtail_localize:submit_page_translation", args=[theirs.pk]), follow=True
    )
    assert "Sorry, you do not have permission to access this area." in form.content.decode()
    assert french(theirs) is None


def test_the_organizer_may_not_sync_another_organizations_translations(
    organizer, marketing_user_translates, other_organization
):
    from wagtail_localize.models import TranslationSource

    theirs = marketing_user_translates(make_event(other_organization, "Their Summit"))
    source = TranslationSource.objects.get(object_id=theirs.translation_key)

    url = reverse("wagtail_localize:update_translations", args=[source.pk])
    assert refused(organizer.get(url))
    assert refused(organizer.post(url, {"publish_translations": "on"}))
    assert not french(theirs).live


@pytest.fixture
def marketing_user_translates(home_page):
    from django.test import Client

    user = make_user("marketing@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.MARKETING))
    client = Client()
    client.force_login(user)

    def translate(page):
        assert submit_translation(client, page).status_code == 302
        return page

    return translate


def test_the_organizers_french_tree_stays_theirs_alone(organizer, event, other_organization):
    submit_translation(organizer, event)
    french_organization = french(event.get_parent())
    groups = set(
        GroupPagePermission.objects.filter(page=french_organization).values_list(
            "group__name", flat=True
        )
    )

    assert groups == {roles.organization_group_name(event.get_parent())}


def test_translated_pages_made_before_get_their_sources_permissions(marketing, event):
    submit_translation(marketing, event)
    french_home = HomePage.objects.get(locale__language_code="fr")
    GroupPagePermission.objects.exclude(page__locale__language_code="en").delete()

    roles.grant_translated_trees(apps)

    granted = GroupPagePermission.objects.filter(page=french_home, group__name=roles.MARKETING)
    codenames = set(granted.values_list("permission__codename", flat=True))
    assert codenames == set(roles.MARKETING_PAGE_PERMISSIONS)
    french_organization = french(event.get_parent())
    assert GroupPagePermission.objects.filter(
        page=french_organization, group__name=roles.organization_group_name(event.get_parent())
    ).exists()

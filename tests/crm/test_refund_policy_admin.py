"""Support → Refund policies: organizers keep their own organization's policy, Support and
the Platform admin every one, Marketing none; every save is audited with before/after."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.permissions import policy_registry

from accounts import roles
from accounts.roles import make_organizer
from crm import audit
from crm.models import RefundPolicy, RefundPolicyKind
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def member_of(group_name, email):
    user = make_user(email)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def admin_url(view, *args):
    return reverse(f"bilten_refund_policies:{view}", args=args)


@pytest.fixture
def policies(organization, other_organization):
    own = RefundPolicy.objects.create(organization=organization, days_before=14)
    other = RefundPolicy.objects.create(
        organization=other_organization, kind=RefundPolicyKind.NO_REFUNDS
    )
    return own, other


def changes(policy):
    return ModelLogEntry.objects.filter(
        action=audit.REFUND_POLICY_CHANGED,
        content_type__model="refundpolicy",
        object_id=str(policy.pk),
    )


def form_data(organization, kind=RefundPolicyKind.UNTIL_DAYS_BEFORE, days=7):
    return {"organization": organization.pk, "kind": kind, "days_before": days}


def test_an_organizer_sees_and_edits_only_their_own_organizations_policy(
    editor, organizer, policies
):
    own, other = policies
    listing = editor.get(admin_url("index"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Aurora Live" in html and "Northwind Conferences" not in html

    assert editor.get(admin_url("edit", own.pk)).status_code == 200
    for view in ("edit", "history", "inspect"):
        assert editor.get(admin_url(view, other.pk)).status_code == 404, view
    response = editor.post(admin_url("edit", other.pk), form_data(other.organization, days=1))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.kind == RefundPolicyKind.NO_REFUNDS

    saved = editor.post(admin_url("edit", own.pk), form_data(own.organization, days=3))
    assert saved.status_code == 302
    own.refresh_from_db()
    assert own.days_before == 3
    entry = changes(own).get()
    assert entry.user == organizer
    assert entry.data["before"]["days_before"] == 14 and entry.data["after"]["days_before"] == 3
    assert editor.get(admin_url("history", own.pk)).status_code == 200


def test_an_organizer_may_choose_only_their_own_organizations(
    editor, organization, other_organization
):
    form = editor.get(admin_url("add")).context["form"]
    assert list(form.fields["organization"].queryset) == [organization]

    refused = editor.post(admin_url("add"), form_data(other_organization))
    assert "organization" in refused.context["form"].errors
    assert not RefundPolicy.objects.exists()

    created = editor.post(admin_url("add"), form_data(organization, days=10))
    assert created.status_code == 302
    policy = RefundPolicy.objects.get()
    assert (policy.organization, policy.days_before) == (organization, 10)
    entry = changes(policy).get()
    assert entry.data["before"] == {} and entry.data["after"]["organization"] == "Aurora Live"


def test_an_organizer_may_not_delete_a_policy(editor, policies):
    own, _other = policies
    editor.post(admin_url("delete", own.pk))
    assert RefundPolicy.objects.filter(pk=own.pk).exists()


@pytest.mark.parametrize("role", [roles.SUPPORT, roles.PLATFORM_ADMIN])
def test_support_and_the_platform_admin_work_on_every_policy(client, policies, role):
    own, other = policies
    client.force_login(member_of(role, "staff@example.com"))
    html = client.get(admin_url("index")).content.decode()
    assert "Aurora Live" in html and "Northwind Conferences" in html
    saved = client.post(
        admin_url("edit", other.pk),
        form_data(other.organization, RefundPolicyKind.UNTIL_DAYS_BEFORE, 2),
    )
    assert saved.status_code == 302
    other.refresh_from_db()
    assert (other.kind, other.days_before) == (RefundPolicyKind.UNTIL_DAYS_BEFORE, 2)
    entry = changes(other).get()
    assert entry.data["before"]["kind"] == "none" and entry.data["after"]["kind"] == "until"
    assert entry.user.email == "staff@example.com"


def test_marketing_sees_no_policy_and_no_menu_item(client, policies):
    own, _other = policies
    client.force_login(member_of(roles.MARKETING, "marketing@example.com"))
    for address in (admin_url("index"), admin_url("edit", own.pk), admin_url("add")):
        response = client.get(address)
        assert response.status_code in (302, 403, 404), address
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home")
    assert "Refund policies" not in client.get(reverse("wagtailadmin_home")).content.decode()
    policy = policy_registry.get_by_type(RefundPolicy)
    assert not policy.instances_user_has_any_permission_for(
        client.get(reverse("wagtailadmin_home")).wsgi_request.user, ["view"]
    ).exists()


def test_the_support_menu_offers_refund_policies(client, editor, home_page):
    assert "Refund policies" in editor.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(member_of(roles.SUPPORT, "agent@example.com"))
    assert "Refund policies" in client.get(reverse("wagtailadmin_home")).content.decode()


def test_more_than_a_year_is_refused_beside_the_field(editor, organization):
    response = editor.post(admin_url("add"), form_data(organization, days=400))
    assert response.context["form"].errors["days_before"] == ["Enter at most 365 days."]


def test_a_second_policy_for_an_organization_is_refused(client, policies, organization):
    client.force_login(member_of(roles.SUPPORT, "agent@example.com"))
    response = client.post(admin_url("add"), form_data(organization))
    assert response.context["form"].errors["organization"]
    assert RefundPolicy.objects.filter(organization=organization).count() == 1


def test_a_member_of_two_organizations_sees_both(client, policies, other_organization):
    own, other = policies
    both = make_user("both@example.com")
    make_organizer(both, own.organization)
    make_organizer(both, other_organization)
    client.force_login(both)
    html = client.get(admin_url("index")).content.decode()
    assert "Aurora Live" in html and "Northwind Conferences" in html


def test_the_site_history_shows_an_organizer_only_their_own_policys_changes(
    client, organizer, policies
):
    own, other = policies
    client.force_login(member_of(roles.SUPPORT, "agent@example.com"))
    for policy in (own, other):
        client.post(admin_url("edit", policy.pk), form_data(policy.organization, days=5))
    support_view = client.get("/admin/reports/site-history/").content.decode()
    assert support_view.count("Refund policy changed") == 2

    client.force_login(organizer)
    mine = client.get("/admin/reports/site-history/").content.decode()
    assert mine.count("Refund policy changed") == 1
    assert "Aurora Live" in mine and "Northwind Conferences" not in mine

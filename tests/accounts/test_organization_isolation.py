"""Organizations never see each other: every admin URL and API endpoint of
organization-owned objects, walked as every role.

The objects all belong to Northwind Conferences. Each row names the roles that
may see (or use) the URL; every other role must be refused — a redirect to the
login or the dashboard, a 400/401/403/404 — or get a page that does not show the
object.
"""

import pytest
from django.contrib.auth.models import Group
from wagtail.log_actions import log

from accounts import roles
from commerce.models import PaymentFollowUp, PromoCode
from commerce.services.demo_payments import confirm_demo_payment
from event_pages.models import EventPage, Venue
from tests.commerce.payments import checkout, hold_for
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db

ROLES = [
    "organizer",  # Aurora Live: another organization
    "owner",  # Northwind Conferences: the objects' organization
    "support",
    "fulfilment",
    "marketing",
    "attendee",
    "anonymous",
    "admin",  # Platform admin (superuser)
]
REFUSED = {302, 400, 401, 403, 404}


@pytest.fixture
def world(organization, other_organization):
    users = {
        "organizer": make_user("organizer@example.com"),
        "owner": make_user("organizer2@example.com"),
        "support": make_user("support@example.com"),
        "fulfilment": make_user("fulfilment@example.com"),
        "marketing": make_user("marketing@example.com"),
        "attendee": make_user("attendee@example.com"),
        "anonymous": None,
        "admin": make_user("admin@example.com", is_superuser=True),
    }
    roles.make_organizer(users["organizer"], organization)
    roles.make_organizer(users["owner"], other_organization)
    for role, group in [
        ("support", roles.SUPPORT),
        ("fulfilment", roles.FULFILMENT),
        ("marketing", roles.MARKETING),
    ]:
        users[role].groups.add(Group.objects.get(name=group))

    venue = Venue.objects.create(
        name="Northwind Forum", address="Quay 1", city="Rotterdam", country="NL",
        organization=other_organization,
    )  # fmt: skip
    event = make_event(other_organization, "North Summit", venue=venue)
    payment = checkout(hold_for(event, 1, session_key="north-buyer"))
    confirm_demo_payment(payment=payment, card_number="4242424242424242")
    order = payment.order
    late = checkout(hold_for(event, 1, session_key="north-late"))
    follow_up = PaymentFollowUp.objects.create(payment=late, reason="Paid after the hold ended")
    promo = PromoCode.objects.create(
        organization=other_organization, code="NORTH50", percent_off=50
    )
    log(instance=promo, action="wagtail.create", user=users["owner"])
    draft = make_event(other_organization, "North Draft", publish=False)
    return {
        "users": users,
        "org": other_organization,
        "venue": venue,
        "event": event,
        "draft": draft,
        "order": order,
        "follow_up": follow_up,
        "promo": promo,
    }


OWNER_ONLY = {"owner", "admin"}
SALES = {"owner", "support", "admin"}
SUPPORT = {"support", "admin"}
VENUE_VIEWERS = {"owner", "marketing", "admin"}
NOBODY: set[str] = set()
PROMO = "/admin/snippets/commerce/promocode"
ORDERS = "/admin/sales/orders"
FOLLOW_UPS = "/admin/sales/follow-ups"
VENUES = "/admin/snippets/event_pages/venue"
BULK_DELETE_PROMO = "/admin/bulk/commerce/promocode/delete/"
CHOOSE = "/admin/snippets/choose"

# (name, method, url template, who may see it, text that shows the object)
WALK = [
    ("promo list", "get", f"{PROMO}/", OWNER_ONLY, "NORTH50"),
    ("promo edit", "get", f"{PROMO}/edit/{{promo}}/", OWNER_ONLY, "NORTH50"),
    ("promo delete", "get", f"{PROMO}/delete/{{promo}}/", OWNER_ONLY, "NORTH50"),
    ("promo copy", "get", f"{PROMO}/copy/{{promo}}/", OWNER_ONLY, "NORTH50"),
    ("promo history", "get", f"{PROMO}/history/{{promo}}/", OWNER_ONLY, "NORTH50"),
    ("promo usage", "get", f"{PROMO}/usage/{{promo}}/", OWNER_ONLY, "NORTH50"),
    ("promo bulk delete", "get", f"{BULK_DELETE_PROMO}?id={{promo}}", OWNER_ONLY, "NORTH50"),
    ("promo bulk delete all", "get", f"{BULK_DELETE_PROMO}?id=all", OWNER_ONLY, "NORTH50"),
    ("promo chooser", "get", f"{CHOOSE}/commerce/promocode/", OWNER_ONLY, "NORTH50"),
    (
        "promo chosen by id",
        "get",
        f"{CHOOSE}/commerce/promocode/chosen-multiple/?id={{promo}}",
        OWNER_ONLY,
        "NORTH50",
    ),
    ("orders list", "get", f"{ORDERS}/", SALES, "{order_number}"),
    ("orders search", "get", f"{ORDERS}/?q=bea", SALES, "{order_number}"),
    ("orders export", "get", f"{ORDERS}/?export=csv", SALES, "{order_number}"),
    ("order inspect", "get", f"{ORDERS}/inspect/{{order}}/", SALES, "{order_number}"),
    ("order history", "get", f"{ORDERS}/history/{{order}}/", SALES, "{order_number}"),
    ("order edit", "get", f"{ORDERS}/edit/{{order}}/", NOBODY, None),
    ("order delete", "get", f"{ORDERS}/delete/{{order}}/", NOBODY, None),
    ("follow-ups", "get", f"{FOLLOW_UPS}/", SUPPORT, "Paid after the hold ended"),
    ("follow-up inspect", "get", f"{FOLLOW_UPS}/inspect/{{follow_up}}/", SUPPORT, "Paid after"),
    ("follow-up refund", "get", f"{FOLLOW_UPS}/{{follow_up}}/refund/", SUPPORT, "Yes, refund"),
    ("event sales", "get", "/admin/sales/events/{event}/", SALES, "North Summit"),
    ("check-in list", "get", "/admin/sales/events/{event}/check-in/", SALES, "{order_number}"),
    ("venue list", "get", f"{VENUES}/", VENUE_VIEWERS, "Northwind Forum"),
    ("venue edit", "get", f"{VENUES}/edit/{{venue}}/", OWNER_ONLY, "Northwind Forum"),
    ("venue delete", "get", f"{VENUES}/delete/{{venue}}/", {"admin"}, "Northwind Forum"),
    ("venue chooser", "get", f"{CHOOSE}/event_pages/venue/", VENUE_VIEWERS, "Northwind Forum"),
    ("site history", "get", "/admin/reports/site-history/", OWNER_ONLY, "NORTH50"),
    ("delete sold event", "get", "/admin/pages/{event}/delete/", NOBODY, None),
    ("api create event", "post", "/api/v1/organizer/events/", OWNER_ONLY, None),
    ("api publish event", "post", "/api/v1/organizer/events/{draft}/publish/", OWNER_ONLY, None),
    ("api orders", "get", "/api/v1/orders/", NOBODY, "{order_number}"),
    ("api order", "get", "/api/v1/orders/{order_number}/", NOBODY, None),
]  # fmt: skip


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def api_payload(world):
    return {
        "title": "Northern Lights",
        "start": "2030-05-01T19:00:00Z",
        "timezone": "Europe/Amsterdam",
        "organization": world["org"].pk,
    }


@pytest.mark.parametrize(
    ("name", "method", "url", "allowed", "marker"), WALK, ids=[row[0] for row in WALK]
)
def test_each_role_sees_only_its_own_organizations_objects(
    client, world, name, method, url, allowed, marker
):
    ids = {
        "promo": world["promo"].pk,
        "order": world["order"].pk,
        "order_number": world["order"].number,
        "follow_up": world["follow_up"].pk,
        "event": world["event"].pk,
        "draft": world["draft"].pk,
        "venue": world["venue"].pk,
    }
    url = url.format(**ids)
    marker = marker.format(**ids) if marker else None
    wrong = []
    for role in ROLES:
        client.logout()
        if world["users"][role] is not None:
            client.force_login(world["users"][role])
        if method == "post":
            response = client.post(url, api_payload(world), content_type="application/json")
        else:
            response = client.get(url)
        text = body(response)
        shown = response.status_code in (200, 201) and (marker is None or marker in text)
        if role in allowed and not shown:
            wrong.append(f"{role}: expected to see it, got {response.status_code}")
        if role not in allowed and shown:
            wrong.append(f"{role}: expected a refusal, got {response.status_code}")
        if role not in allowed and response.status_code not in REFUSED | {200}:
            wrong.append(f"{role}: unexpected status {response.status_code}")
    assert not wrong, f"{name} {url}: " + "; ".join(wrong)


def test_an_organizer_cannot_delete_another_organizations_promo_code_through_the_bulk_action(
    client, world
):
    client.force_login(world["users"]["organizer"])
    url = f"/admin/bulk/commerce/promocode/delete/?id={world['promo'].pk}"
    response = client.post(url)
    assert response.status_code == 404
    assert PromoCode.objects.filter(pk=world["promo"].pk).exists()


def test_the_owner_deletes_their_promo_code_through_the_bulk_action(client, world):
    client.force_login(world["users"]["owner"])
    url = f"/admin/bulk/commerce/promocode/delete/?id={world['promo'].pk}"
    assert client.post(url).status_code == 302
    assert not PromoCode.objects.filter(pk=world["promo"].pk).exists()


def test_an_organizer_cannot_edit_a_venue_another_organizations_live_event_uses(client, world):
    client.force_login(world["users"]["organizer"])
    venue = world["venue"]
    response = client.post(
        f"/admin/snippets/event_pages/venue/edit/{venue.pk}/",
        {"name": "Hijacked", "address": "x", "city": "x", "country": "x", "organization": ""},
    )
    assert response.status_code == 404
    venue.refresh_from_db()
    assert venue.name == "Northwind Forum"


def test_an_organizer_adds_venues_only_to_their_own_organization(client, world, organization):
    client.force_login(world["users"]["organizer"])
    form = client.get("/admin/snippets/event_pages/venue/add/").context["form"]
    assert list(form.fields["organization"].queryset) == [organization]
    assert form.fields["organization"].required  # only the Platform admin shares a venue


def test_marketing_cannot_create_events_in_any_organization_through_the_api(client, world):
    client.force_login(world["users"]["marketing"])
    response = client.post(
        "/api/v1/organizer/events/", api_payload(world), content_type="application/json"
    )
    assert response.status_code in (400, 403)
    assert not EventPage.objects.filter(title="Northern Lights").exists()


def test_an_event_with_sales_cannot_be_deleted_even_by_the_platform_admin(client, world):
    client.force_login(world["users"]["admin"])
    event = world["event"]
    response = client.post(f"/admin/pages/{event.pk}/delete/")
    assert response.status_code == 302
    assert EventPage.objects.filter(pk=event.pk).exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("cannot be deleted" in m for m in messages)


def test_an_event_with_sales_cannot_be_bulk_deleted(client, world):
    client.force_login(world["users"]["admin"])
    event = world["event"]
    response = client.post(
        f"/admin/bulk/wagtailcore/page/delete/?id={event.pk}&next=/admin/pages/{world['org'].pk}/"
    )
    assert response.status_code == 302
    assert EventPage.objects.filter(pk=event.pk).exists()


def test_deleting_an_event_with_sales_is_refused_in_the_model(world):
    from django.db import transaction

    from commerce.event_deletion import EventHasSales

    with pytest.raises(EventHasSales), transaction.atomic():
        world["event"].delete()
    assert EventPage.objects.filter(pk=world["event"].pk).exists()


def test_organizations_for_is_one_query_whatever_the_number_of_organizations(
    world, django_assert_num_queries
):
    from event_pages.permissions import organizations_for

    with django_assert_num_queries(1):
        organizations = list(organizations_for(world["users"]["owner"]))
    assert organizations == [world["org"]]
    with django_assert_num_queries(1):
        assert list(organizations_for(world["users"]["marketing"])) == []


def test_a_grant_on_a_translated_organization_is_membership_of_the_organization(
    world, client, home_page
):
    from wagtail.models import Locale

    from event_pages.permissions import organizations_for

    german = Locale.objects.get(language_code="de")
    home_page.copy_for_translation(german)
    german_copy = world["org"].copy_for_translation(german)
    user = make_user("übersetzt@example.com")
    roles.make_organizer(user, german_copy)
    keys = {org.translation_key for org in organizations_for(user)}
    assert keys == {world["org"].translation_key}
    client.force_login(user)
    assert "NORTH50" in client.get("/admin/snippets/commerce/promocode/").content.decode()


def test_an_organization_that_owns_venues_is_not_deleted_and_the_admin_says_why(client, home_page):
    from event_pages.models import EventIndexPage, Venue
    from tests.factories import make_organization

    admin = make_user("root@example.com", is_superuser=True, is_staff=True)
    organization = make_organization(home_page, "Gone Soon")
    Venue.objects.create(
        name="Hall", address="Hauptstr. 1", city="Berlin", country="DE", organization=organization
    )
    client.force_login(admin)
    response = client.post(f"/admin/pages/{organization.pk}/delete/")
    assert response.status_code == 302
    assert EventIndexPage.objects.filter(pk=organization.pk).exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("still owns venues" in m for m in messages)

"""The member's pre-orders: the portal page, the event page's box and the API (spec 5.1)."""

import pytest
from rest_framework.test import APIClient

from fulfilment.models import PreOrder, PreOrderStatus
from tests.factories import PASSWORD, make_event, make_user
from tests.fulfilment.preorder_data import fulfil, make_offer, make_ticket, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(organization):
    return make_offer(make_event(organization))


def paid(pre_order, status=PreOrderStatus.CONFIRMED):
    pre_order.status = status
    pre_order.save(update_fields=["status"])
    return pre_order


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_event_page_offers_a_pre_order_with_a_variant_dropdown(client, offer):
    member = make_user("box@example.com")
    client.force_login(member)
    html = client.get(offer.event.url).content.decode()
    assert 'id="pre-order-heading"' in html
    assert "30,00" in html or "30.00" in html
    assert '<select name="variant"' in html and "Entry 22:00" in html


def test_visitors_get_a_login_link_instead_of_the_form(client, offer):
    html = client.get(offer.event.url).content.decode()
    assert "Log in to pre-order" in html
    assert 'name="card_number"' not in html


def test_an_event_without_an_offer_shows_no_pre_order_box(client, organization):
    event = make_event(organization, title="Plain Night")
    assert 'id="pre-order-heading"' not in client.get(event.url).content.decode()


def test_placing_on_the_site_names_the_field_that_is_wrong(client, offer):
    client.force_login(make_user("form@example.com"))
    url = f"/account/pre-orders/new/{offer.event.pk}/"
    response = client.post(url, {"variant": "", "card_number": "1234"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required." in body  # the variant
    response = client.post(url, {"variant": offer.variants.first().pk, "card_number": "1234"})
    assert "Enter a valid 16-digit card number." in response.content.decode()
    response = client.post(
        url, {"variant": offer.variants.first().pk, "card_number": "4242 4242 4242 4242"}
    )
    assert response.status_code == 302 and response.url == "/account/pre-orders/"
    assert PreOrder.objects.get().variant == offer.variants.first()


def test_the_portal_names_each_status_and_shows_credentials_to_the_owner(client, offer):
    member = make_user("owner@example.com")
    pre_order = paid(place(offer, member))
    fulfil(pre_order, make_ticket(offer, pre_order.variant, password="Pa55-owner"))
    other = make_offer(make_event(offer.event.get_parent(), title="Second Night"))
    paid(place(other, member), PreOrderStatus.WAITING_FOR_STOCK)
    client.force_login(member)
    body = client.get("/account/pre-orders/").content.decode()
    assert "Fulfilled" in body and "Pa55-owner" in body and "ticket1@promoter.example" in body
    assert "Waiting for ticket" in body and "has not sent us a ticket" in body


def test_a_failed_pre_order_shows_how_to_fix_the_card(client, offer):
    pre_order = paid(place(offer), PreOrderStatus.FAILED)
    client.force_login(pre_order.member)
    body = client.get("/account/pre-orders/").content.decode()
    assert "Failed" in body and f"/account/pre-orders/{pre_order.pk}/card/" in body


def test_the_portal_needs_a_login(client):
    response = client.get("/account/pre-orders/")
    assert response.status_code == 302 and "/account/login/" in response.url


def test_a_member_never_sees_another_members_pre_order_or_credentials(client, offer):
    owner = make_user("owner@example.com")
    pre_order = paid(place(offer, owner))
    fulfil(pre_order, make_ticket(offer, pre_order.variant, password="Only-Mine-1"))
    intruder = make_user("intruder@example.com")
    client.force_login(intruder)
    assert "Only-Mine-1" not in client.get("/account/pre-orders/").content.decode()
    assert client.get(f"/account/pre-orders/{pre_order.pk}/card/").status_code == 404
    assert (
        client.post(
            f"/account/pre-orders/{pre_order.pk}/card/", {"card_number": "4242424242424242"}
        ).status_code
        == 404
    )
    body = api_for(intruder).get("/api/v1/me/pre-orders/").json()
    assert body == {"results": []}


def test_the_member_api_places_once_and_answers_409_the_second_time(offer):
    api = api_for(make_user("api@example.com"))
    variant = offer.variants.last()
    url = f"/api/v1/events/{offer.event.pk}/pre-orders/"
    response = api.post(url, {"variant_id": variant.pk, "card_number": "4242 4242 4242 4242"})
    assert response.status_code == 201
    body = response.json()
    assert body == {"id": body["id"], "status": "processing", "variant_id": variant.pk}
    again = api.post(url, {"variant_id": variant.pk, "card_number": "4242 4242 4242 4242"})
    assert again.status_code == 409
    assert again.json()["error"] == "already_pre_ordered"


def test_the_member_api_explains_bad_input(offer):
    api = api_for(make_user("bad@example.com"))
    url = f"/api/v1/events/{offer.event.pk}/pre-orders/"
    response = api.post(url, {"variant_id": None, "card_number": "4242424242424242"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == "variant_required"
    assert response.json()["field"] == "variant_id"
    response = api.post(url, {"variant_id": offer.variants.first().pk})
    assert response.status_code == 400 and "card_number" in response.json()["detail"]
    assert APIClient().post(url, {}, format="json").status_code in (401, 403)


def test_the_member_api_lists_statuses_and_credentials_of_fulfilled_ones(offer):
    member = make_user("list@example.com")
    pre_order = paid(place(offer, member))
    fulfil(pre_order, make_ticket(offer, pre_order.variant, password="Api-Pass-9"))
    other = make_offer(make_event(offer.event.get_parent(), title="Third Night"))
    place(other, member)
    results = api_for(member).get("/api/v1/me/pre-orders/").json()["results"]
    by_status = {row["status"]: row for row in results}
    assert set(by_status) == {"fulfilled", "processing"}
    assert by_status["fulfilled"]["credentials"] == {
        "email": "ticket1@promoter.example",
        "password": "Api-Pass-9",
    }
    assert "credentials" not in by_status["processing"]


def test_the_organizer_api_creates_an_offer_and_the_event_api_shows_it(client, organizer):
    api = APIClient()
    token = api.post(
        "/api/v1/auth/token/", {"email": organizer.email, "password": PASSWORD}
    ).json()["access"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.post(
        "/api/v1/organizer/events/",
        {
            "title": "Pre-order Night",
            "start": "2031-05-02T20:00:00",
            "timezone": "Europe/Berlin",
            "pre_order": {
                "price_minor": 4500,
                "currency": "EUR",
                "variants": [
                    {
                        "name": "Entry 21:00",
                        "starts": "2031-05-02T21:00",
                        "ends": "2031-05-02T21:30",
                    }
                ],
                "fallback": "closest",
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pre_order = response.json()["pre_order"]
    variant = pre_order["variants"][0]
    assert (pre_order["price_minor"], pre_order["currency"]) == (4500, "EUR")
    assert pre_order["fallback"] == "closest"
    assert (variant["name"], variant["starts"]) == ("Entry 21:00", "2031-05-02T21:00:00+02:00")
    from fulfilment.models import PreOrderOffer

    offer = PreOrderOffer.objects.get(event_id=response.json()["id"])
    assert offer.variants.get().pk == variant["id"]


def test_the_event_api_shows_a_published_events_pre_order(offer):
    shown = APIClient().get(f"/api/v1/events/{offer.event.pk}/").json()["pre_order"]
    assert (shown["price_minor"], shown["currency"]) == (3000, "EUR")
    assert [v["id"] for v in shown["variants"]] == [v.pk for v in offer.variants.all()]
    assert set(shown["variants"][0]) == {"id", "name", "starts", "ends"}


def test_the_organizer_api_refuses_a_window_that_ends_before_it_starts(organizer):
    api = api_for(organizer)
    response = api.post(
        "/api/v1/organizer/events/",
        {
            "title": "Backwards Night",
            "start": "2031-05-02T20:00:00",
            "timezone": "Europe/Berlin",
            "pre_order": {
                "price_minor": 100,
                "currency": "EUR",
                "variants": [
                    {"name": "A", "starts": "2031-05-02T22:00", "ends": "2031-05-02T21:00"}
                ],
            },
        },
        format="json",
    )
    assert response.status_code == 400
    assert "pre_order" in response.json()["detail"]


def test_staff_capture_now_is_for_the_fulfilment_group_and_the_events_organizer(
    offer, organizer, other_organization
):
    from accounts.roles import make_organizer

    place(offer)
    url = f"/api/v1/admin/events/{offer.event.pk}/capture/"
    stranger = make_user("other-org@example.com")
    make_organizer(stranger, other_organization)
    assert api_for(stranger).post(url).status_code == 403
    assert api_for(make_user("member@elsewhere.example")).post(url).status_code == 403
    response = api_for(organizer).post(url)
    assert response.status_code == 200
    assert response.json()["captured"] == 1
    assert PreOrder.objects.get().confirmed_at is not None

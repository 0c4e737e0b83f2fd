"""The customer's side of support: /support/, help with an order, /account/support/."""

import pytest
from django.core import mail

from commerce.order_links import link_token
from crm.models import CaseSource, CaseStatus, MessageKind, SupportCase
from crm.services import cases
from tests.crm.case_data import PNG, paid_order, upload
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db

CONTACT = {
    "name": "Gus Guest",
    "email": "Gus@Example.com",
    "order_number": "",
    "subject": "Parking?",
    "message": "Is there parking at the venue?",
}


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=20)


@pytest.fixture
def agent(home_page):
    from django.contrib.auth.models import Group

    from accounts.roles import SUPPORT

    user = make_user("agent@example.com", name="Ada Agent")
    user.groups.add(Group.objects.get(name=SUPPORT))
    return user


# --- The contact form --------------------------------------------------------------------


def test_the_contact_form_opens_a_customer_case_and_confirms_neutrally(client):
    page = client.get("/support/")
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    response = client.post("/support/", CONTACT)
    assert response.status_code == 302
    assert response["Location"] == "/support/sent/"
    case = SupportCase.objects.get()
    assert (case.source, case.status, case.customer_email, case.language) == (
        CaseSource.CUSTOMER,
        CaseStatus.NEW,
        "gus@example.com",
        "en",
    )
    assert case.messages.get().body == "Is there parking at the venue?"
    assert "we will answer by email" in client.get(response["Location"]).content.decode()


def test_the_form_is_translated_and_a_german_case_answers_in_german(client):
    page = client.get("/de/support/").content.decode()
    assert "Support kontaktieren" in page
    client.post("/de/support/", CONTACT)
    assert SupportCase.objects.get().language == "de"
    assert "Vielen Dank" in client.get("/de/support/sent/").content.decode()
    assert "Contacter le support" in client.get("/fr/support/").content.decode()


def test_the_form_names_the_field_and_the_rule(client):
    response = client.post("/support/", {**CONTACT, "email": "not-an-email", "message": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address, like name@example.com." in body
    assert "Write your message." in body
    assert not SupportCase.objects.exists()


def test_an_order_number_links_the_order_only_when_it_is_the_sender_s(client, event):
    order = paid_order(event, email="gus@example.com")
    client.post("/support/", {**CONTACT, "order_number": order.number.lower()})
    assert SupportCase.objects.get().order == order
    SupportCase.objects.all().delete()
    client.post("/support/", {**CONTACT, "email": "eve@example.com", "order_number": order.number})
    case = SupportCase.objects.get()
    assert case.order is None and case.event_key is None  # another person's order: not linked


def test_the_contact_form_is_rate_limited_per_address_and_per_email(client, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "support_contact": "3/hour",
        "support_contact_email": "2/hour",
    }
    for _ in range(2):
        assert client.post("/support/", CONTACT).status_code == 302
    # The third from the same email: the same confirmation, nothing opened.
    assert client.post("/support/", CONTACT).status_code == 302
    assert SupportCase.objects.count() == 2
    refused = client.post("/support/", {**CONTACT, "email": "other@example.com"})
    assert refused.status_code == 429
    assert SupportCase.objects.count() == 2


def test_an_attachment_is_checked(client):
    response = client.post(
        "/support/", {**CONTACT, "attachments": [upload("photo.png", b"not really a png")]}
    )
    assert "“photo.png” does not contain what its name says" in response.content.decode()
    assert not SupportCase.objects.exists()
    client.post("/support/", {**CONTACT, "attachments": [upload("photo.png", PNG)]})
    assert SupportCase.objects.get().messages.get().attachments.count() == 1


# --- Help with an order ----------------------------------------------------------------


def test_the_signed_in_buyer_gets_help_with_their_order(client, event):
    buyer = make_user("buyer@example.com", name="Bea Buyer")
    order = paid_order(event, buyer=buyer)
    client.force_login(buyer)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert f'href="/support/order/{order.number}/"' in page
    assert "Get help with this order" in page
    response = client.post(
        f"/support/order/{order.number}/", {"subject": "Seats", "message": "Can we sit together?"}
    )
    case = SupportCase.objects.get()
    assert response["Location"] == f"/account/support/{case.pk}/"
    assert (case.order, case.customer, case.event_key) == (order, buyer, event.translation_key)


def test_a_guest_gets_help_only_through_the_signed_order_link(client, event):
    order = paid_order(event, email="guest@example.com")
    token = link_token(order, "guest@example.com")
    page = client.get(f"/orders/{order.number}/{token}/").content.decode()
    assert f"/support/order/{order.number}/{token}/" in page
    response = client.post(
        f"/support/order/{order.number}/{token}/", {"subject": "Refund", "message": "Please"}
    )
    assert response.status_code == 200
    case = SupportCase.objects.get()
    assert case.order == order and case.customer_email == "guest@example.com"
    assert f"Your case number is {case.pk}." in response.content.decode()

    assert client.get(f"/support/order/{order.number}/wrong-token/").status_code == 404
    assert client.get(f"/support/order/{order.number}/").status_code == 404  # not signed in
    stranger = make_user("stranger@example.com")
    client.force_login(stranger)
    assert client.get(f"/support/order/{order.number}/").status_code == 404


# --- The customer's cases ------------------------------------------------------------


def test_my_cases_lists_account_and_guest_cases_with_the_same_email(client):
    customer = make_user("gus@example.com")
    client.post("/support/", CONTACT)  # as a guest
    other = cases.open_case(
        subject="Not yours",
        customer_email="else@example.com",
        source=CaseSource.CUSTOMER,
        body="x",
    )
    client.force_login(customer)
    page = client.get("/account/support/").content.decode()
    assert "Parking?" in page and "Not yours" not in page
    assert client.get(f"/account/support/{other.pk}/").status_code == 404
    assert client.get("/account/").status_code in (200, 302, 404)


def test_the_customer_sees_replies_never_notes_and_writes_back(
    client, agent, django_capture_on_commit_callbacks
):
    customer = make_user("gus@example.com")
    client.post("/support/", CONTACT)
    case = SupportCase.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        cases.add_note(case=case, author=agent, body="Secret: customer is a journalist")
        cases.reply(case=case, author=agent, body="Yes, parking is free.")
    cases.change_case(case=case, actor=agent, tags=["parking"])

    client.force_login(customer)
    page = client.get(f"/account/support/{case.pk}/").content.decode()
    assert "Yes, parking is free." in page and "Is there parking at the venue?" in page
    assert "journalist" not in page
    assert "Status changed" not in page and "Tags changed" not in page

    response = client.post(f"/account/support/{case.pk}/", {"message": "Thanks! And bikes?"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    last = case.messages.filter(kind=MessageKind.CUSTOMER).last()
    assert (last.body, last.author) == ("Thanks! And bikes?", customer)
    assert len(mail.outbox) == 1  # only the reply was emailed


def test_a_customer_downloads_files_of_public_messages_only(client, agent):
    customer = make_user("gus@example.com")
    client.post("/support/", CONTACT)
    case = SupportCase.objects.get()
    note = cases.add_note(
        case=case, author=agent, body="internal", attachments=[upload("x.png", PNG)]
    )
    reply = cases.reply(case=case, author=agent, body="see", attachments=[upload("y.png", PNG)])
    client.force_login(customer)
    hidden = note.attachments.get()
    shown = reply.attachments.get()
    assert client.get(f"/account/support/{case.pk}/files/{hidden.pk}/").status_code == 404
    response = client.get(f"/account/support/{case.pk}/files/{shown.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    stranger = make_user("stranger@example.com")
    client.force_login(stranger)
    assert client.get(f"/account/support/{case.pk}/files/{shown.pk}/").status_code == 404


def test_the_account_pages_link_to_support_cases(client):
    customer = make_user("gus@example.com")
    client.force_login(customer)
    assert 'href="/account/support/"' in client.get("/account/profile/").content.decode()
    assert client.get("/account/support/").status_code == 200
    client.logout()
    assert client.get("/account/support/").status_code == 302  # to the login


def test_the_contact_form_needs_its_csrf_token():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/support/", CONTACT).status_code == 403
    assert not SupportCase.objects.exists()

"""Ticket passwords in the admin: Support reveals one (audited), nobody else; right to
erasure; key rotation; organizations never see each other's pre-orders or tickets."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import ModelLogEntry

from accounts import roles
from fulfilment import crypto
from fulfilment.models import Assignment, AssignmentLog, PreOrder, TicketCredential
from fulfilment.services.reveal import password_of
from tests.factories import make_event, make_user
from tests.fulfilment.dashboard_data import fulfil, make_offer, make_pre_order, make_ticket

pytestmark = pytest.mark.django_db


def in_role(email, role):
    user = make_user(email)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def assigned(organization):
    offer = make_offer(make_event(organization, "Harbour Night"), variants=("Main",))
    member = make_user("jane@example.com")
    ticket = make_ticket(offer, variant=offer.variants.get(), password="hunter-2-secret")
    pre_order = make_pre_order(offer, member=member, variant=offer.variants.get())
    fulfil(pre_order, ticket)
    AssignmentLog.objects.create(
        action="assigned",
        event_key=offer.event_key,
        pre_order_id=pre_order.pk,
        ticket_id=ticket.pk,
        actor_label="system",
        data={"member": "jane@example.com", "login": ticket.login_email},
    )
    AssignmentLog.objects.create(
        action="card_replaced", actor=member, actor_label="j***@example.com"
    )
    return ticket


def reveal_url(ticket):
    return f"/admin/fulfilment/tickets/{ticket.pk}/reveal/"


def test_support_reveals_a_password_after_confirming_and_it_is_audited(client, assigned):
    support = in_role("support@example.com", roles.SUPPORT)
    client.force_login(support)

    confirm = client.get(reveal_url(assigned))
    assert confirm.status_code == 200
    assert "hunter-2-secret" not in confirm.content.decode()
    assert not AssignmentLog.objects.filter(action="ticket_password_revealed").exists()

    shown = client.post(reveal_url(assigned), REMOTE_ADDR="198.51.100.7")
    assert shown.status_code == 200
    assert "hunter-2-secret" in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    entry = AssignmentLog.objects.get(action="ticket_password_revealed")
    assert (entry.actor, entry.ticket_id) == (support, assigned.pk)
    assert entry.ip_address == "198.51.100.7"
    assert "hunter" not in str(entry.data)
    wagtail_entry = ModelLogEntry.objects.get(
        action="bilten.ticket_password_revealed", user=support, object_id=str(assigned.pk)
    )
    assert wagtail_entry.data["ip"] == "198.51.100.7"  # in the site history too


@pytest.mark.parametrize("role", [roles.FULFILMENT, roles.PLATFORM_ADMIN, "organizer", "member"])
def test_nobody_else_reveals_a_password(client, assigned, organizer, role):
    user = {
        "organizer": organizer,
        "member": assigned.assignment.pre_order.member,
    }.get(role) or in_role(f"{role.lower().replace(' ', '')}@example.com", role)
    client.force_login(user)
    assert client.get(reveal_url(assigned)).status_code in (302, 403)
    response = client.post(reveal_url(assigned))
    assert response.status_code in (302, 403)
    assert "hunter-2-secret" not in response.content.decode()
    assert not AssignmentLog.objects.filter(action="ticket_password_revealed").exists()


def test_ticket_lists_and_exports_never_hold_the_password(client, assigned):
    client.force_login(in_role("support@example.com", roles.SUPPORT))
    for url in [
        "/admin/fulfilment/tickets/",
        "/admin/fulfilment/tickets/?export=csv",
        f"/admin/fulfilment/tickets/inspect/{assigned.pk}/",
        "/admin/fulfilment/log/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        assert b"hunter-2-secret" not in body, url
        assert assigned.password_encrypted.encode() not in body, url


def test_erasure_removes_the_members_tickets_and_masks_their_email(client, assigned):
    admin = in_role("platform@example.com", roles.PLATFORM_ADMIN)
    client.force_login(admin)
    confirm = client.post("/admin/fulfilment/erase/", {"email": "jane@example.com"})
    assert "has 1 pre-order(s) and 1 ticket to erase" in confirm.content.decode()
    assert TicketCredential.objects.filter(pk=assigned.pk).exists()

    done = client.post("/admin/fulfilment/erase/", {"email": "jane@example.com", "confirm": "1"})
    assert done.status_code == 302
    assert not TicketCredential.objects.filter(pk=assigned.pk).exists()
    assert not Assignment.objects.exists()
    assert PreOrder.objects.filter(member__email="jane@example.com").exists()
    log_text = str(list(AssignmentLog.objects.values_list("actor_label", "data")))
    assert "jane@example.com" not in log_text and "j***@example.com" not in log_text
    assert assigned.login_email not in log_text
    audit = AssignmentLog.objects.get(action="member_credentials_erased")
    assert audit.actor == admin and audit.data["tickets_erased"] == 1
    assert ModelLogEntry.objects.filter(action="bilten.credentials_erased", user=admin).exists()


def test_erasure_is_refused_to_fulfilment_staff_and_organizers(client, assigned, organizer):
    for user in [in_role("fulfilment@example.com", roles.FULFILMENT), organizer]:
        client.force_login(user)
        response = client.post(
            "/admin/fulfilment/erase/", {"email": "jane@example.com", "confirm": "1"}
        )
        assert response.status_code in (302, 403)
    assert TicketCredential.objects.filter(pk=assigned.pk).exists()


def test_an_unknown_email_is_named_as_the_problem(client):
    client.force_login(in_role("support@example.com", roles.SUPPORT))
    response = client.post("/admin/fulfilment/erase/", {"email": "nobody@example.com"})
    assert "Member&#x27;s email: No member has this email address." in response.content.decode()


def test_the_erasure_command_erases_and_audits(assigned, capsys):
    call_command("erase_member_credentials", "JANE@example.com")
    assert not TicketCredential.objects.exists()
    assert AssignmentLog.objects.get(action="member_credentials_erased").actor_label == "command"
    assert "jane@example.com" not in capsys.readouterr().out
    with pytest.raises(CommandError, match="email: no member"):
        call_command("erase_member_credentials", "ghost@example.com")


def test_rotation_moves_every_password_to_the_new_key_and_is_idempotent(settings, organization):
    old_key, new_key = ("k1", b"1" * 32), ("k2", b"2" * 32)
    settings.FULFILMENT_ENCRYPTION_KEYS = [old_key]
    offer = make_offer(make_event(organization, "Rotation Night"), variants=())
    tickets = [make_ticket(offer, password=f"pw-{n}") for n in range(5)]
    settings.FULFILMENT_ENCRYPTION_KEYS = [new_key, old_key]

    call_command("reencrypt_ticket_credentials", batch_size=2)

    stored = {t.pk: t for t in TicketCredential.objects.all()}
    assert {crypto.key_id_of(t.password_encrypted) for t in stored.values()} == {"k2"}
    first_pass = {pk: t.password_encrypted for pk, t in stored.items()}
    settings.FULFILMENT_ENCRYPTION_KEYS = [new_key]  # the old key can go now
    assert [password_of(stored[t.pk]) for t in tickets] == [f"pw-{n}" for n in range(5)]

    call_command("reencrypt_ticket_credentials")
    assert {
        t.pk: t.password_encrypted for t in TicketCredential.objects.all()
    } == first_pass  # nothing rewritten the second time


# --- Organizations never see each other's pre-orders, tickets or log --------------------

ROLE_SEES = {
    "owner": True,
    "organizer": False,
    "support": True,
    "fulfilment": True,
    "marketing": False,
    "attendee": False,
    "admin": True,
}


@pytest.fixture
def north(organization, other_organization):
    offer = make_offer(make_event(other_organization, "North Summit"), variants=("Main",))
    pre_order = make_pre_order(offer, variant=offer.variants.get())
    ticket = make_ticket(offer, variant=offer.variants.get(), email="north-login@promoter.example")
    fulfil(pre_order, ticket)
    entry = AssignmentLog.objects.create(
        action="assigned", event_key=offer.event_key, pre_order_id=pre_order.pk,
        ticket_id=ticket.pk, actor_label="system",
    )  # fmt: skip
    users = {
        "owner": make_user("owner@example.com"),
        "organizer": make_user("organizer@example.com"),
        "support": in_role("support@example.com", roles.SUPPORT),
        "fulfilment": in_role("fulfilment@example.com", roles.FULFILMENT),
        "marketing": in_role("marketing@example.com", roles.MARKETING),
        "attendee": pre_order.member,
        "admin": make_user("admin@example.com", is_superuser=True),
    }
    roles.make_organizer(users["owner"], other_organization)
    roles.make_organizer(users["organizer"], organization)
    return {"users": users, "pre_order": pre_order, "ticket": ticket, "entry": entry}


@pytest.mark.parametrize("role", sorted(ROLE_SEES))
def test_the_walk_every_role_sees_only_its_organizations_rows(client, north, role):
    client.force_login(north["users"][role])
    pre_order, ticket, entry = north["pre_order"], north["ticket"], north["entry"]
    urls = [
        ("/admin/fulfilment/pre-orders/", str(pre_order.member.email)),
        ("/admin/fulfilment/pre-orders/?export=csv", str(pre_order.member.email)),
        (f"/admin/fulfilment/pre-orders/inspect/{pre_order.pk}/", str(pre_order.member.email)),
        ("/admin/fulfilment/tickets/", ticket.login_email),
        (f"/admin/fulfilment/tickets/inspect/{ticket.pk}/", ticket.login_email),
        ("/admin/fulfilment/log/", f"{entry.pre_order_id}"),
        (f"/admin/fulfilment/log/inspect/{entry.pk}/", f"{entry.pre_order_id}"),
        ("/admin/fulfilment/", "North Summit"),
    ]
    for url, marker in urls:
        response = client.get(url)
        body = (b"".join(response) if response.streaming else response.content).decode()
        if ROLE_SEES[role]:
            assert response.status_code == 200, url
            assert marker in body, url
        else:
            assert response.status_code in {200, 302, 403, 404}, url
            assert marker not in body, (role, url)
    for action in ("edit", "delete"):
        response = client.post(f"/admin/fulfilment/pre-orders/{action}/{pre_order.pk}/")
        assert response.status_code in {302, 403, 404}
    assert PreOrder.objects.filter(pk=pre_order.pk).exists()

"""Ticket delivery emails: in the member's language, the admin's template, retried, audited."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from fulfilment.models import (
    Assignment,
    AssignmentLog,
    DeliveryStatus,
    PreOrderStatus,
    TicketEmailTemplate,
)
from fulfilment.services.assignment import assign
from fulfilment.services.delivery import (
    MAX_ATTEMPTS,
    DeliveryError,
    deliver,
    deliver_pending,
    resend,
    send_delivery,
)
from tests.factories import make_event, make_user
from tests.fulfilment.assignment_data import make_offer, pre_order, ticket, variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_server(settings):
    settings.EMAIL_BACKEND = "tests.commerce.mail_server.RefusingBackend"
    return settings


@pytest.fixture
def offer(organization):
    return make_offer(make_event(organization, "Club Night"), ["Entry 21:00"])


def assigned(offer, *, language="en", email=None, password="s3cret-Pa55"):
    """A paid pre-order given a ticket by the engine (its email not sent yet)."""
    entry = variant(offer, "Entry 21:00")
    member = make_user(email or f"{language}-member@example.com", language=language)
    paid = pre_order(offer, variant=entry, member=member, language=language)
    ticket(offer, variant=entry, email="door-17@promoter.example", password=password)
    assign(offer.event_key)  # outside on_commit capture: the email is not sent here
    return Assignment.objects.get(pre_order=paid)


@pytest.mark.parametrize(
    ("language", "subject", "phrases"),
    [
        ("en", "Your ticket for Club Night", ["Variant: Entry 21:00", "Ticket password: "]),
        ("de", "Ihr Ticket für Club Night", ["Variante: Entry 21:00", "Passwort des Tickets: "]),
        (
            "fr",
            "Votre billet pour Club Night",
            ["Variante : Entry 21:00", "Mot de passe du billet"],
        ),
    ],
)
def test_the_member_gets_the_credentials_in_their_language(offer, language, subject, phrases):
    assignment = assigned(offer, language=language)

    assert send_delivery(assignment.pk) == "sent"

    (message,) = mail.outbox
    assert message.to == [f"{language}-member@example.com"]
    assert message.subject == subject
    for phrase in phrases:
        assert phrase in message.body
    assert "door-17@promoter.example" in message.body
    assert "s3cret-Pa55" in message.body  # decrypted for the message only
    assignment.refresh_from_db()
    assert (assignment.delivery_status, assignment.delivery_attempts) == ("sent", 1)
    assert assignment.delivered_at is not None
    sent_log = AssignmentLog.objects.get(action="delivery_sent")
    assert "s3cret" not in str(sent_log.data)


def test_the_admins_template_is_used_with_its_variables(offer):
    template = TicketEmailTemplate.load()
    template.subject_fr = "{event_name} : votre billet ({variant})"
    template.body_fr = "Connexion {ticket_email} / {ticket_password} — {{pas une variable}}"
    template.full_clean()
    template.save()
    assignment = assigned(offer, language="fr")

    send_delivery(assignment.pk)

    (message,) = mail.outbox
    assert message.subject == "Club Night : votre billet (Entry 21:00)"
    assert message.body == ("Connexion door-17@promoter.example / s3cret-Pa55 — {pas une variable}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Hello {name}", "Unknown variable {name}"),
        ("{event_name.__class__}", "Unknown variable {event_name.__class__}"),
        ("{ticket_password!r}", "Unknown variable {ticket_password}"),
        ("{ticket_password:>40}", "Unknown variable {ticket_password}"),
        ("Price {", 'A single "{" or "}" is not allowed'),
    ],
)
def test_unknown_variables_are_refused_on_save_naming_the_field(text, message):
    template = TicketEmailTemplate(body_de=text)
    with pytest.raises(ValidationError) as refused:
        template.full_clean()
    errors = refused.value.message_dict
    assert list(errors) == ["body_de"]
    assert message in errors["body_de"][0]
    assert "{event_name}, {variant}, {ticket_email}, {ticket_password}" in errors["body_de"][0]


def test_the_settings_screen_shows_the_error_on_the_field(client, home_page):
    admin = make_user("root@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = client.get("/admin/settings/fulfilment/ticketemailtemplate/", follow=True).request[
        "PATH_INFO"
    ]
    assert client.get(url).status_code == 200
    fields = {f"{part}_{lang}": "" for part in ("subject", "body") for lang in ("en", "de", "fr")}

    refused = client.post(url, {**fields, "subject_en": "Ticket {event}"})
    assert refused.status_code == 200
    assert "Unknown variable {event}" in refused.content.decode()
    assert TicketEmailTemplate.load().subject_en == ""

    saved = client.post(url, {**fields, "subject_en": "Ticket {event_name}"})
    assert saved.status_code == 302
    assert TicketEmailTemplate.load().subject_en == "Ticket {event_name}"


@pytest.mark.parametrize(
    ("role", "may_edit"),
    [("Platform admin", True), ("Fulfilment", False), ("Support", False), ("Marketing", False)],
)
def test_the_platform_admin_role_edits_the_ticket_email_and_others_do_not(
    client, home_page, role, may_edit
):
    from django.contrib.auth.models import Group

    user = make_user("staff@example.com", is_staff=True)  # not a superuser
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)

    response = client.get("/admin/settings/fulfilment/ticketemailtemplate/", follow=True)

    editing = response.status_code == 200 and 'name="subject_en"' in response.content.decode()
    assert editing is may_edit


def test_a_transient_failure_is_retried_and_then_sent(offer, mail_server):
    assignment = assigned(offer)
    mail_server.TEST_MAIL_SERVER_DOWN = True
    for attempt in (1, 2):
        with pytest.raises(DeliveryError):  # raised: the queue runs the task again
            deliver([assignment.pk])
        assignment.refresh_from_db()
        assert (assignment.delivery_status, assignment.delivery_attempts) == ("pending", attempt)
        assert "Connection refused" in assignment.last_delivery_error

    mail_server.TEST_MAIL_SERVER_DOWN = False
    assert deliver([assignment.pk]) == {"sent": 1, "failed": 0, "skipped": 0}
    assignment.refresh_from_db()
    assert (assignment.delivery_status, assignment.delivery_attempts) == ("sent", 3)
    assert len(mail.outbox) == 1
    actions = list(AssignmentLog.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == ["delivery_retry", "delivery_retry", "delivery_sent"]


def test_after_three_retries_the_delivery_failed(offer, mail_server):
    assignment = assigned(offer)
    mail_server.TEST_DEFERRED_RECIPIENTS = ["en-member@example.com"]  # 451 every time
    for _retry in range(MAX_ATTEMPTS - 1):
        with pytest.raises(DeliveryError):
            deliver([assignment.pk])
    assert deliver([assignment.pk]) == {"sent": 0, "failed": 1, "skipped": 0}  # no more retries
    assignment.refresh_from_db()
    assert (assignment.delivery_status, assignment.delivery_attempts) == ("delivery_failed", 4)
    assert deliver([assignment.pk]) == {"sent": 0, "failed": 0, "skipped": 1}
    assert mail.outbox == []


def test_a_permanent_refusal_fails_at_once(offer, mail_server):
    assignment = assigned(offer)
    mail_server.TEST_REFUSED_RECIPIENTS = ["en-member@example.com"]  # 550
    assert deliver([assignment.pk]) == {"sent": 0, "failed": 1, "skipped": 0}
    assignment.refresh_from_db()
    assert (assignment.delivery_status, assignment.delivery_attempts) == (
        DeliveryStatus.FAILED,
        1,
    )
    assert AssignmentLog.objects.get(action="delivery_failed").data["permanent"] is True


def test_an_unpaid_pre_order_is_never_emailed(offer):
    unpaid = pre_order(offer, status=PreOrderStatus.PROCESSING)
    stray = Assignment.objects.create(ticket=ticket(offer), pre_order=unpaid)  # not the engine
    assert send_delivery(stray.pk) == "skipped"
    assert mail.outbox == []


def test_resend_sends_again_and_is_audited(offer, django_capture_on_commit_callbacks):
    assignment = assigned(offer)
    send_delivery(assignment.pk)
    support = make_user("support@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        again = resend(assignment, actor=support, ip="198.51.100.4")

    assert again.pk == assignment.pk
    assert len(mail.outbox) == 2
    log = AssignmentLog.objects.get(action="resend_requested")
    assert (log.actor, log.ip_address, log.data["previous"]) == (support, "198.51.100.4", "sent")
    assignment.refresh_from_db()
    assert (assignment.delivery_status, assignment.delivery_attempts) == ("sent", 1)


def test_assignments_are_emailed_once_committed(offer, django_capture_on_commit_callbacks):
    paid = [pre_order(offer, variant=variant(offer, "Entry 21:00")) for _ in range(3)]
    for _ in paid:
        ticket(offer, variant=variant(offer, "Entry 21:00"))
    with django_capture_on_commit_callbacks(execute=True):
        assign(offer.event_key)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.member.email for p in paid)
    assert set(Assignment.objects.values_list("delivery_status", flat=True)) == {"sent"}


def test_the_sweep_sends_what_a_lost_task_left_pending(offer):
    assignment = assigned(offer)
    assert deliver_pending() == 0  # the queued task's turn first
    later = timezone.now() + dt.timedelta(minutes=3)
    assert deliver_pending(now=later) == 1
    assignment.refresh_from_db()
    assert assignment.delivery_status == "sent"

"""Support cases as services: opening, replies emailed in the customer's language, notes,
the customer writing back, changes on the timeline, SLA due times, attachments."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from crm.models import (
    CaseMessage,
    CasePriority,
    CaseSource,
    CaseStatus,
    MessageKind,
    SupportCase,
    SupportSettings,
)
from crm.services import cases
from tests.crm.case_data import PDF, PNG, big_pdf, paid_order, upload
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=20)


@pytest.fixture
def agent():
    return make_user("agent@example.com", name="Ada Agent")


def guest_case(**fields):
    values = {
        "subject": "Where are my tickets?",
        "customer_email": "Guest@Example.com",
        "customer_name": "Gus Guest",
        "priority": CasePriority.NORMAL,
        "source": CaseSource.CUSTOMER,
        "body": "I paid but got no email.",
    }
    values.update(fields)
    return cases.open_case(**values)


def test_opening_a_case_about_an_order_scopes_it_to_the_order_s_event(event):
    order = paid_order(event)
    case = cases.open_case(
        subject="Wrong name on ticket",
        customer_email=order.buyer_email,
        order=order,
        priority=CasePriority.HIGH,
        source=CaseSource.AGENT,
        body="Customer called.",
    )
    assert case.event_key == event.translation_key
    assert case.status == CaseStatus.NEW
    assert case.first_response_due_at and case.resolution_due_at
    assert case.first_response_due_at <= case.resolution_due_at
    first = case.messages.get()
    assert first.kind == MessageKind.NOTE  # an agent's opening words are internal


def test_a_customer_case_starts_with_the_customer_s_words_and_a_lowercased_email():
    case = guest_case()
    assert case.customer_email == "guest@example.com"
    message = case.messages.get()
    assert (message.kind, message.body) == (MessageKind.CUSTOMER, "I paid but got no email.")


def test_due_times_follow_the_sla_settings_in_business_hours():
    settings = SupportSettings.load()
    settings.first_response_hours_urgent = 2
    settings.save()
    case = guest_case(priority=CasePriority.URGENT)
    from crm.sla import add_business_hours

    assert case.first_response_due_at == add_business_hours(case.created_at, 2, settings)


def test_a_reply_is_emailed_in_the_case_language_with_a_link_for_account_holders(
    agent, django_capture_on_commit_callbacks
):
    customer = make_user("lena@example.com", name="Lena", language="de")
    case = guest_case(customer=customer, customer_email=customer.email, customer_name="Lena")
    assert case.language == "de"
    with django_capture_on_commit_callbacks(execute=True):
        message = cases.reply(case=case, author=agent, body="Ihre Tickets sind unterwegs.")

    email = mail.outbox[-1]
    assert email.to == ["lena@example.com"]
    assert email.subject == f"Re: Where are my tickets? [Fall {case.pk}]"
    assert "Hallo Lena," in email.body
    assert "Ihre Tickets sind unterwegs." in email.body
    assert f"/de/account/support/{case.pk}/" in email.body
    message.refresh_from_db()
    assert message.emailed_at is not None and message.email_error == ""
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING
    assert case.first_responded_at == message.created_at


def test_a_guest_gets_the_case_number_in_french_and_no_account_link(
    agent, django_capture_on_commit_callbacks
):
    case = guest_case(language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        cases.reply(case=case, author=agent, body="Voici vos billets.")
    email = mail.outbox[-1]
    assert f"Votre numéro de dossier est {case.pk}." in email.body
    assert "/account/support/" not in email.body
    assert "/fr/support/" in email.body


def test_only_the_first_reply_is_the_first_response(agent, django_capture_on_commit_callbacks):
    case = guest_case()
    with django_capture_on_commit_callbacks(execute=True):
        first = cases.reply(case=case, author=agent, body="One")
        cases.reply(case=case, author=agent, body="Two")
    case.refresh_from_db()
    assert case.first_responded_at == first.created_at


def test_a_failed_reply_email_is_recorded_on_the_message_and_can_be_sent_again(
    agent, django_capture_on_commit_callbacks, monkeypatch
):
    case = guest_case()

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"guest@example.com": (550, b"No such user")})

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        message = cases.reply(case=case, author=agent, body="Hello")
    message.refresh_from_db()
    assert message.emailed_at is None
    assert "SMTPRecipientsRefused" in message.email_error
    assert message.email_error.startswith("permanent: ")

    monkeypatch.undo()
    from crm.case_emails import send_again

    assert send_again(message) == "sent"
    message.refresh_from_db()
    assert message.emailed_at is not None and message.email_error == ""
    assert send_again(message) == "skipped"  # never twice
    assert len(mail.outbox) == 1


def test_a_reply_sent_before_commit_is_not_emailed_if_the_transaction_rolls_back(agent):
    case = guest_case()
    cases.reply(case=case, author=agent, body="Hello")  # the on-commit callback never runs
    assert mail.outbox == []


def test_notes_stay_internal(agent, django_capture_on_commit_callbacks):
    case = guest_case()
    with django_capture_on_commit_callbacks(execute=True):
        note = cases.add_note(case=case, author=agent, body="Customer sounds upset")
    assert mail.outbox == []
    assert note not in cases.public_messages(case)
    assert [m.kind for m in cases.public_messages(case)] == [MessageKind.CUSTOMER]


def test_the_customer_writing_back_reopens_the_case(agent, django_capture_on_commit_callbacks):
    case = guest_case()
    with django_capture_on_commit_callbacks(execute=True):
        cases.reply(case=case, author=agent, body="Which order?")
    cases.customer_message(case=case, body="Order ABC")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.messages.filter(kind=MessageKind.SYSTEM).last().body == (
        "Status changed from Waiting on customer to Open by the customer"
    )


def test_an_empty_message_is_refused():
    case = guest_case()
    with pytest.raises(ValidationError, match="Write a message"):
        cases.customer_message(case=case, body="   ")


def test_each_change_is_a_system_entry_naming_who_made_it(agent):
    case = guest_case()
    other = make_user("bo@example.com", name="Bo Agent")
    cases.change_case(
        case=case,
        actor=agent,
        status=CaseStatus.OPEN,
        priority=CasePriority.URGENT,
        assignee=other,
        tags=["refund", "VIP"],
    )
    entries = list(case.messages.filter(kind=MessageKind.SYSTEM).values_list("body", flat=True))
    assert entries == [
        "Status changed from New to Open by Ada Agent",
        "Priority changed from Normal to Urgent by Ada Agent",
        "Assignee changed from nobody to Bo Agent by Ada Agent",
        "Tags changed from — to refund, VIP by Ada Agent",
    ]
    case.refresh_from_db()
    assert (case.status, case.priority, case.assignee) == ("open", "urgent", other)
    assert sorted(case.tags.names()) == ["VIP", "refund"]
    # Nothing changed: nothing written.
    cases.change_case(case=case, actor=agent, status=CaseStatus.OPEN, tags=["VIP", "refund"])
    assert case.messages.filter(kind=MessageKind.SYSTEM).count() == 4


def test_a_change_is_an_audit_entry_too(agent):
    from wagtail.models import ModelLogEntry

    case = guest_case()
    cases.change_case(case=case, actor=agent, status=CaseStatus.OPEN, ip="203.0.113.9")
    entry = ModelLogEntry.objects.get(action="bilten.crm_case_changed", object_id=str(case.pk))
    assert entry.user == agent
    assert entry.data["before"]["status"] == "new" and entry.data["after"]["status"] == "open"
    assert entry.data["ip"] == "203.0.113.9"


def test_a_new_priority_recomputes_the_due_times_from_the_opening(agent):
    case = guest_case(priority=CasePriority.LOW)
    case.created_at = timezone.now() - dt.timedelta(days=30)
    case.save()
    cases.change_case(case=case, actor=agent, priority=CasePriority.URGENT)
    case.refresh_from_db()
    from crm.sla import due_times

    assert (case.first_response_due_at, case.resolution_due_at) == due_times(
        case, SupportSettings.load()
    )
    assert case.is_breached()


def test_resolving_and_closing_stamp_their_times_and_reopening_clears_them(agent):
    case = guest_case()
    cases.change_case(case=case, actor=agent, status=CaseStatus.RESOLVED)
    case.refresh_from_db()
    assert case.resolved_at is not None and case.closed_at is None
    cases.change_case(case=case, actor=agent, status=CaseStatus.CLOSED)
    case.refresh_from_db()
    assert case.closed_at is not None
    cases.change_case(case=case, actor=agent, status=CaseStatus.OPEN)
    case.refresh_from_db()
    assert case.resolved_at is None and case.closed_at is None


def test_unassigning_is_recorded(agent):
    case = guest_case()
    cases.change_case(case=case, actor=agent, assignee=agent)
    cases.change_case(case=case, actor=agent, assignee=None)
    case.refresh_from_db()
    assert case.assignee is None
    assert case.messages.last().body == "Assignee changed from Ada Agent to nobody by Ada Agent"


# --- Attachments ---------------------------------------------------------------------


def test_allowed_files_are_stored_with_their_sniffed_type(agent):
    case = guest_case()
    note = cases.add_note(
        case=case,
        author=agent,
        body="Screenshots",
        attachments=[
            upload("screen.png", PNG),
            upload("receipt.pdf", PDF),
            upload("list.csv", "name;email\nÄnne;a@example.com\n".encode()),
        ],
    )
    stored = {a.name: a.content_type for a in note.attachments.all()}
    assert stored == {
        "screen.png": "image/png",
        "receipt.pdf": "application/pdf",
        "list.csv": "text/csv",
    }
    attachment = note.attachments.get(name="screen.png")
    assert attachment.file.read() == PNG
    assert "screen.png" in attachment.file.name and attachment.file.name != "screen.png"


def test_a_file_whose_content_does_not_match_its_name_is_refused(agent):
    case = guest_case()
    with pytest.raises(ValidationError) as refused:
        cases.add_note(
            case=case, author=agent, body="x", attachments=[upload("invoice.pdf", b"MZ\x90\x00")]
        )
    assert "“invoice.pdf” does not contain what its name says" in str(refused.value)
    assert not CaseMessage.objects.filter(kind=MessageKind.NOTE).exists()  # nothing written


def test_a_disallowed_type_is_refused_naming_the_allowed_ones(agent):
    case = guest_case()
    with pytest.raises(ValidationError, match="is not an allowed file type: attach PDF, PNG"):
        cases.add_note(case=case, author=agent, body="x", attachments=[upload("run.exe", PDF)])
    with pytest.raises(ValidationError, match="not an allowed file type"):
        cases.add_note(case=case, author=agent, body="x", attachments=[upload("page.html", b"<p>")])


def test_binary_content_named_text_is_refused(agent):
    case = guest_case()
    with pytest.raises(ValidationError, match="content is not a text file"):
        cases.add_note(case=case, author=agent, body="x", attachments=[upload("a.txt", PNG)])


def test_files_over_10_mb_are_refused(agent):
    case = guest_case()
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        cases.add_note(case=case, author=agent, body="x", attachments=[big_pdf(10.01)])
    note = cases.add_note(case=case, author=agent, body="x", attachments=[big_pdf(9.9)])
    assert note.attachments.count() == 1


def test_at_most_five_files_per_message(agent):
    case = guest_case()
    with pytest.raises(ValidationError, match="Attach at most 5 files to one message"):
        cases.add_note(
            case=case,
            author=agent,
            body="x",
            attachments=[upload(f"{n}.png", PNG) for n in range(6)],
        )
    note = cases.add_note(
        case=case, author=agent, body="x", attachments=[upload(f"{n}.png", PNG) for n in range(5)]
    )
    with pytest.raises(ValidationError, match="at most 5"):
        cases.attach(note, upload("6.png", PNG))


def test_a_reply_s_attachments_travel_with_the_email(agent, django_capture_on_commit_callbacks):
    case = guest_case()
    with django_capture_on_commit_callbacks(execute=True):
        cases.reply(
            case=case, author=agent, body="Your invoice", attachments=[upload("i.pdf", PDF)]
        )
    assert mail.outbox[-1].attachments[0][:2] == ("i.pdf", PDF)


# --- The customer's cases ------------------------------------------------------------


def test_a_customer_s_cases_include_those_opened_as_a_guest_with_their_email():
    customer = make_user("guest@example.com")
    as_guest = guest_case()
    as_account = guest_case(customer=customer, customer_email="guest@example.com")
    someone_else = guest_case(customer_email="other@example.com")
    other_account = make_user("x@example.com")
    not_theirs = guest_case(customer=other_account, customer_email="GUEST@example.com")
    mine = set(cases.cases_of_customer(customer))
    assert mine == {as_guest, as_account}
    assert someone_else not in mine and not_theirs not in mine
    assert SupportCase.objects.count() == 4

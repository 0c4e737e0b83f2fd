"""Support → Cases in the Wagtail admin: the list by due time, the case screen, organizers
kept to their own events' cases, attachments behind a permission check, exports."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from accounts.roles import SUPPORT
from crm.models import CasePriority, CaseSource, CaseStatus, MessageKind, SupportCase
from crm.services import cases
from tests.crm.case_data import PDF, paid_order, upload
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(home_page):
    user = make_user("agent@example.com", name="Ada Agent")
    user.groups.add(Group.objects.get(name=SUPPORT))
    return user


@pytest.fixture
def event(organization):
    return make_event(organization, "Aurora Night", capacity=20)


@pytest.fixture
def other_event(other_organization):
    return make_event(other_organization, "Northwind Summit", capacity=20)


def open_about(order, subject="Help", **fields):
    return cases.open_case(
        subject=subject,
        customer_email=order.buyer_email,
        order=order,
        priority=fields.pop("priority", CasePriority.NORMAL),
        source=CaseSource.CUSTOMER,
        body="Please help",
        **fields,
    )


def guest_case(subject="Question", **fields):
    values = {
        "subject": subject,
        "customer_email": "guest@example.com",
        "priority": CasePriority.NORMAL,
        "source": CaseSource.CUSTOMER,
        "body": "Hi",
    }
    values.update(fields)
    return cases.open_case(**values)


def overdue(case, hours=1):
    SupportCase.objects.filter(pk=case.pk).update(
        first_response_due_at=timezone.now() - dt.timedelta(hours=hours)
    )


def listed(response) -> list[int]:
    import re

    return [int(n) for n in re.findall(r'<tr data-case="(\d+)"', response.content.decode())]


# --- The list -------------------------------------------------------------------------


def test_the_list_shows_open_cases_by_next_due_time_and_marks_breaches_in_words(client, agent):
    later = guest_case("Later")
    sooner = guest_case("Sooner", priority=CasePriority.URGENT)
    done = guest_case("Done")
    cases.change_case(case=done, actor=agent, status=CaseStatus.RESOLVED)
    overdue(later, hours=100)
    client.force_login(agent)

    response = client.get("/admin/crm/cases/")
    assert response.status_code == 200
    assert listed(response) == [later.pk, sooner.pk]  # resolved cases are not "open"
    html = response.content.decode()
    assert html.count("SLA breached</span>") == 1
    assert listed(client.get("/admin/crm/cases/?status=all")) == [later.pk, sooner.pk, done.pk]


def test_filters_by_status_priority_assignee_tag_and_breach(client, agent):
    mine = guest_case("Mine")
    cases.change_case(case=mine, actor=agent, assignee=agent, tags=["refund"])
    urgent = guest_case("Urgent", priority=CasePriority.URGENT)
    waiting = guest_case("Waiting")
    cases.change_case(case=waiting, actor=agent, status=CaseStatus.WAITING)
    overdue(urgent)
    client.force_login(agent)

    assert listed(client.get("/admin/crm/cases/?assignee=mine")) == [mine.pk]
    assert listed(client.get("/admin/crm/cases/?tag=REFUND")) == [mine.pk]
    assert listed(client.get("/admin/crm/cases/?priority=urgent")) == [urgent.pk]
    assert listed(client.get("/admin/crm/cases/?status=waiting")) == [waiting.pk]
    assert listed(client.get("/admin/crm/cases/?breached=on")) == [urgent.pk]
    assert set(listed(client.get("/admin/crm/cases/?assignee=none"))) == {urgent.pk, waiting.pk}


def test_search_by_subject_customer_email_or_case_number(client, agent):
    one = guest_case("Lost wallet", customer_email="ana@example.com")
    two = guest_case("Seat change", customer_email="bo@example.com")
    client.force_login(agent)
    assert listed(client.get("/admin/crm/cases/?q=wallet")) == [one.pk]
    assert listed(client.get("/admin/crm/cases/?q=bo@exa")) == [two.pk]
    assert listed(client.get(f"/admin/crm/cases/?q=%23{two.pk}")) == [two.pk]


def test_the_dashboard_counts_open_cases_and_breaches(client, agent):
    overdue(guest_case())
    guest_case()
    client.force_login(agent)
    html = client.get("/admin/").content.decode()
    assert 'id="bilten-open-cases' in html
    assert "2 open cases" in html
    assert "<strong data-breached>1</strong>" in html


# --- Working a case ----------------------------------------------------------------------


def test_an_agent_replies_adds_a_note_and_changes_the_case(
    client, agent, django_capture_on_commit_callbacks
):
    case = guest_case()
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/crm/cases/{case.pk}/reply/",
            {"reply-body": "We found your order.", "reply-attachments": [upload("r.pdf", PDF)]},
        )
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["guest@example.com"]
    client.post(f"/admin/crm/cases/{case.pk}/note/", {"note-body": "VIP customer"})
    response = client.post(
        f"/admin/crm/cases/{case.pk}/change/",
        {
            "change-status": "resolved",
            "change-priority": "high",
            "change-assignee": str(agent.pk),
            "change-tags": "vip, refund",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.priority, case.assignee) == ("resolved", "high", agent)
    page = client.get(f"/admin/crm/cases/{case.pk}/").content.decode()
    assert "We found your order." in page and "VIP customer" in page
    assert "Status changed from Waiting on customer to Resolved by Ada Agent" in page
    assert "r.pdf" in page


def test_an_invalid_attachment_is_refused_beside_the_form(client, agent):
    case = guest_case()
    client.force_login(agent)
    response = client.post(
        f"/admin/crm/cases/{case.pk}/note/",
        {"note-body": "see file", "note-attachments": [upload("evil.pdf", b"<script>")]},
    )
    assert response.status_code == 400
    assert "does not contain what its name says" in response.content.decode()
    assert not case.messages.filter(kind=MessageKind.NOTE).exists()


def test_attachments_are_served_only_to_those_who_may_see_the_case(
    client, agent, organizer, event, other_event
):
    theirs = open_about(paid_order(other_event, email="x@example.com", session="x"))
    note = cases.add_note(case=theirs, author=agent, body="f", attachments=[upload("a.pdf", PDF)])
    file = note.attachments.get()
    url = f"/admin/crm/cases/{theirs.pk}/files/{file.pk}/"

    client.force_login(agent)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]

    client.force_login(organizer)  # another organization's case
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the admin login


def test_a_new_case_with_an_order_number(client, agent, event):
    order = paid_order(event)
    client.force_login(agent)
    page = client.get(f"/admin/crm/cases/new/?order={order.number}").content.decode()
    assert order.buyer_email in page
    response = client.post(
        "/admin/crm/cases/new/",
        {
            "customer_email": "buyer@example.com",
            "subject": "Called about seats",
            "priority": "high",
            "order_number": order.number.lower(),
            "body": "Wants seats together",
        },
    )
    case = SupportCase.objects.get(subject="Called about seats")
    assert response["Location"] == f"/admin/crm/cases/{case.pk}/"
    assert (case.order, case.event_key, case.source) == (order, event.translation_key, "agent")
    bad = client.post(
        "/admin/crm/cases/new/",
        {
            "customer_email": "a@example.com",
            "subject": "x",
            "priority": "low",
            "order_number": "NOPE",
        },
    )
    assert bad.status_code == 400
    assert "No order NOPE that you may see." in bad.content.decode()


# --- Organizers -------------------------------------------------------------------------


def test_an_organizer_sees_and_works_only_their_own_events_cases(
    client, organizer, event, other_event, django_capture_on_commit_callbacks
):
    own = open_about(paid_order(event), "Own event")
    foreign = open_about(paid_order(other_event, email="n@example.com", session="n"), "Foreign")
    unrelated = guest_case("No event")
    client.force_login(organizer)

    assert listed(client.get("/admin/crm/cases/?status=all")) == [own.pk]
    assert client.get(f"/admin/crm/cases/{own.pk}/").status_code == 200
    for case in (foreign, unrelated):
        assert client.get(f"/admin/crm/cases/{case.pk}/").status_code == 404
        response = client.post(f"/admin/crm/cases/{case.pk}/note/", {"note-body": "peek"})
        assert response.status_code == 404
        response = client.post(
            f"/admin/crm/cases/{case.pk}/change/",
            {"change-status": "closed", "change-priority": "low"},
        )
        assert response.status_code == 404
    assert not foreign.messages.filter(kind=MessageKind.NOTE).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/crm/cases/{own.pk}/reply/", {"reply-body": "On it"})
    assert response.status_code == 302

    export = client.get("/admin/crm/cases/export/?status=all")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [str(own.pk)]


def test_an_organizer_opens_a_case_only_for_their_own_orders(client, organizer, event, other_event):
    foreign = paid_order(other_event, email="n@example.com", session="n")
    client.force_login(organizer)
    data = {"customer_email": "n@example.com", "subject": "x", "priority": "low"}
    refused = client.post("/admin/crm/cases/new/", {**data, "order_number": foreign.number})
    assert refused.status_code == 400
    assert client.post("/admin/crm/cases/new/", data).status_code == 400  # no order: Support's
    own = paid_order(event)
    assert (
        client.post("/admin/crm/cases/new/", {**data, "order_number": own.number}).status_code
        == 302
    )


def test_someone_without_a_support_role_is_refused(client, home_page):
    editor = make_user("marketing@example.com")
    from accounts.roles import MARKETING

    editor.groups.add(Group.objects.get(name=MARKETING))
    case = guest_case()
    client.force_login(editor)
    assert client.get("/admin/crm/cases/").status_code in (302, 403)
    assert client.get(f"/admin/crm/cases/{case.pk}/").status_code in (302, 403, 404)
    assert client.get("/admin/crm/cases/export/").status_code in (302, 403)


def test_the_organizer_role_without_organization_sees_no_cases(client, home_page):
    lone = make_user("lone@example.com")
    from accounts.roles import ORGANIZER

    lone.groups.add(Group.objects.get(name=ORGANIZER))
    guest_case()
    client.force_login(lone)
    assert client.get("/admin/crm/cases/").status_code in (302, 403)


# --- Export ---------------------------------------------------------------------------


def test_the_export_neutralises_formulas_in_csv_and_xlsx(client, agent):
    guest_case('=HYPERLINK("http://evil.example")', customer_name="+SUM(A1)")
    guest_case("@cmd", customer_name="-2+3")
    tabbed = guest_case("Tabbed")
    # Values that reached the database some other way (an import, the shell) are neutralised too.
    SupportCase.objects.filter(pk=tabbed.pk).update(subject="\tTabbed", customer_name="\rReturn")
    client.force_login(agent)

    response = client.get("/admin/crm/cases/export/")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["case", "subject"]
    cells = {cell for row in rows[1:] for cell in row}
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert {"'+SUM(A1)", "'@cmd", "'-2+3", "'\tTabbed", "'\rReturn"} <= cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)

    from openpyxl import load_workbook

    xlsx = client.get("/admin/crm/cases/export/?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    subject_cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    formula = next(c for c in subject_cells if str(c.value).startswith("=HYPER"))
    assert formula.data_type == "s"  # text, not a formula


# --- Wagtail's own screens: history, and no generic edit or delete ---------------------


def test_a_cases_history_lists_who_opened_and_changed_it(client, agent, organizer, other_event):
    client.force_login(agent)
    response = client.post(
        "/admin/crm/cases/new/",
        {"customer_email": "ana@example.com", "subject": "Seats", "priority": "normal"},
    )
    case = SupportCase.objects.get(subject="Seats")
    assert response["Location"] == f"/admin/crm/cases/{case.pk}/"
    client.post(
        f"/admin/crm/cases/{case.pk}/change/",
        {
            "change-status": "waiting",
            "change-priority": "high",
            "change-assignee": str(agent.pk),
            "change-tags": "",
        },
    )
    history = client.get(f"/admin/crm/cases/history/{case.pk}/")
    assert history.status_code == 200
    html = history.content.decode()
    assert "Ada Agent" in html
    assert "Created" in html  # Wagtail's entry for the new case
    assert html.count("<tr") >= 3  # header, created, changed
    assert f'href="/admin/crm/cases/{case.pk}/"' in html and "Open the case" in html

    theirs = open_about(paid_order(other_event, email="n@example.com", session="n"), "Theirs")
    client.force_login(organizer)  # another organization's case: nothing, not even a title
    assert client.get(f"/admin/crm/cases/history/{theirs.pk}/").status_code == 404


def test_cases_are_never_edited_by_a_generic_form_nor_deleted(client, agent):
    case = guest_case("Keep me")
    client.force_login(agent)
    for url in (f"/admin/crm/cases/edit/{case.pk}/", f"/admin/crm/cases/delete/{case.pk}/"):
        assert client.get(url).status_code in (302, 403)
        assert client.post(url, {"subject": "Changed"}).status_code in (302, 403)
    case.refresh_from_db()
    assert case.subject == "Keep me"
    assert SupportCase.objects.filter(pk=case.pk).exists()
    # Nor copied: a copy would be a case made past open_case (no SLA, no timeline).
    copy = f"/admin/crm/cases/copy/{case.pk}/"
    fields = {"customer_email": "x@example.com", "subject": "Copy", "priority": "normal"}
    assert client.post(copy, fields).status_code == 404
    assert not SupportCase.objects.filter(subject="Copy").exists()
    assert client.get(f"/admin/crm/cases/usage/{case.pk}/").status_code in (302, 403)


def test_the_lists_live_search_results_keep_to_the_organizers_own_cases(
    client, organizer, event, other_event
):
    own = open_about(paid_order(event), "Seat question")
    open_about(paid_order(other_event, email="n@example.com", session="n"), "Seat refund")
    client.force_login(organizer)
    response = client.get("/admin/crm/cases/results/?q=seat")
    assert response.status_code == 200
    assert listed(response) == [own.pk]

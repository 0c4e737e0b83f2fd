"""The ticket upload screens of the admin and POST /api/v1/admin/tickets/upload/."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.roles import SUPPORT
from fulfilment.models import TicketCredential, TicketUpload
from fulfilment.services import pending_uploads
from tests.factories import make_user
from tests.fulfilment.csv_upload_data import (
    fixture_bytes,
    make_fulfilment_staff,
    make_upload_events,
)

UPLOAD_URL = "/admin/fulfilment/tickets/upload/"
API_URL = "/api/v1/admin/tickets/upload/"
REPORT_KEYS = {"rows", "valid", "duplicates", "malformed", "errors", "coverage"}


@pytest.fixture
def offers(organization, other_organization):
    return make_upload_events(organization, other_organization)


@pytest.fixture
def staff(offers):
    return make_fulfilment_staff()


def csv_file(name, content=None):
    return SimpleUploadedFile(name, content or fixture_bytes(name), content_type="text/csv")


def upload(client, name, **extra):
    return client.post(UPLOAD_URL, {"file": csv_file(name)}, **extra)


# --- admin screens ----------------------------------------------------------------


def test_the_upload_page_explains_the_file_and_takes_a_file(client, staff):
    client.force_login(staff)
    page = client.get(UPLOAD_URL)

    assert page.status_code == 200
    html = page.content.decode()
    assert "is the event's id or its slug" in html
    assert "Event,Variant,Email,Password" in html
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html
    assert 'type="file" name="file" id="id_file"' in html and 'for="id_file"' in html
    assert "js/ticket-upload.js" in html


def test_review_shows_masked_preview_totals_errors_and_coverage_and_stores_nothing(client, staff):
    client.force_login(staff)

    sent = upload(client, "malformed.csv")

    assert sent.status_code == 302
    review = client.get(sent["Location"])
    html = review.content.decode()
    assert review.status_code == 200
    assert "pw-g11" not in html and "pw-g3" not in html and "••••••••" in html
    assert "first ticket is row 2" in html
    assert 'data-total="rows">11<' in html and 'data-total="malformed">10<' in html
    assert "Event “no-such-event”: no event has this id or slug." in html
    assert "Ordered (paid pre-orders)" in html and "Entry 22:00" in html
    assert "Confirm and store 1 ticket" in html
    assert TicketCredential.objects.count() == 0


def test_confirm_stores_the_valid_rows_and_forgets_the_file(client, staff):
    client.force_login(staff)
    review_url = upload(client, "valid.csv")["Location"]
    token = review_url.rstrip("/").rsplit("/", 1)[-1]

    done = client.post(f"{review_url}confirm/", follow=True)

    assert done.status_code == 200
    assert "3 tickets from valid.csv stored" in done.content.decode()
    assert TicketCredential.objects.count() == 3
    assert TicketUpload.objects.get().uploaded_by == staff
    with pytest.raises(pending_uploads.PendingUploadMissing):
        pending_uploads.load(staff, token)
    assert client.post(f"{review_url}confirm/").status_code == 404  # not twice


def test_cancel_stores_nothing_and_forgets_the_file(client, staff):
    client.force_login(staff)
    review_url = upload(client, "valid.csv")["Location"]

    client.post(f"{review_url}cancel/")

    assert TicketCredential.objects.count() == 0
    assert client.get(review_url).status_code == 404


def test_the_kept_file_is_encrypted_and_only_its_uploader_opens_it(client, staff, organizer):
    client.force_login(staff)
    review_url = upload(client, "valid.csv")["Location"]
    token = review_url.rstrip("/").rsplit("/", 1)[-1]
    from django.core.files.storage import default_storage

    folder = f"{pending_uploads.FOLDER}/{staff.pk}/{token}"
    (name,) = default_storage.listdir(folder)[1]
    assert b"pw-a1" not in default_storage.open(f"{folder}/{name}").read()

    client.force_login(organizer)
    assert client.get(review_url).status_code == 404
    assert client.post(f"{review_url}confirm/").status_code == 404
    assert TicketCredential.objects.count() == 0


def test_the_script_gets_json_a_review_address_or_the_whole_file_error(client, staff):
    client.force_login(staff)
    xhr = {"headers": {"X-Requested-With": "XMLHttpRequest"}}

    good = upload(client, "valid.csv", **xhr)
    bad = upload(client, "wrong_headers.csv", **xhr)

    assert good.status_code == 200 and good.json()["redirect"].startswith(UPLOAD_URL)
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_csv"
    assert "must be exactly Event,Variant,Email,Password" in bad.json()["detail"]


def test_a_whole_file_problem_is_shown_on_the_upload_page(client, staff):
    client.force_login(staff)

    page = upload(client, "not_utf8.csv")

    assert page.status_code == 400
    assert "The file is not UTF-8 text" in page.content.decode()
    assert client.post(UPLOAD_URL, {}).status_code == 400


def test_an_organizer_uploads_through_the_screen_to_their_events_only(client, organizer, offers):
    client.force_login(organizer)
    review_url = upload(client, "other_organization.csv")["Location"]

    assert "is not your event" in client.get(review_url).content.decode()
    client.post(f"{review_url}confirm/")
    assert list(TicketCredential.objects.values_list("event_key", flat=True)) == [
        offers["summer"].event_key
    ]


def test_support_and_members_may_not_upload(client, offers):
    support = make_user("support@example.com")
    support.groups.add(Group.objects.get(name=SUPPORT))
    client.force_login(support)
    refused = client.get(UPLOAD_URL)
    # Wagtail answers a PermissionDenied in the admin with its home and a message.
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert upload(client, "valid.csv")["Location"] == "/admin/"
    assert "Ticket upload" not in client.get("/admin/").content.decode()

    client.force_login(make_user("member@example.com"))
    assert client.get(UPLOAD_URL).status_code == 302  # to the admin login
    assert TicketCredential.objects.count() == 0


def test_the_fulfilment_menu_lists_ticket_upload(client, staff):
    client.force_login(staff)
    assert "Ticket upload" in client.get("/admin/").content.decode()


# --- API ------------------------------------------------------------------------------


def api_as(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_api_validates_without_storing(staff):
    answer = api_as(staff).post(API_URL, {"file": csv_file("duplicates.csv")}, format="multipart")

    assert answer.status_code == 200
    body = answer.json()
    assert REPORT_KEYS <= set(body)
    assert (body["rows"], body["valid"], body["duplicates"], body["malformed"]) == (4, 3, 1, 0)
    assert body["errors"] == [
        {"row": 3, "reason": "Duplicate of row 2 (same Event, Email and Password)."}
    ]
    assert {"variant", "ordered", "uploaded"} <= set(body["coverage"][0])
    assert TicketCredential.objects.count() == 0


def test_api_commit_stores(staff):
    answer = api_as(staff).post(
        f"{API_URL}?commit=1", {"file": csv_file("valid.csv")}, format="multipart"
    )

    assert answer.status_code == 200
    assert answer.json()["stored"] == 3 and answer.json()["upload"] == TicketUpload.objects.get().pk
    assert TicketCredential.objects.count() == 3


def test_api_whole_file_problems_are_400_invalid_csv(staff):
    api = api_as(staff)

    wrong = api.post(API_URL, {"file": csv_file("wrong_headers.csv")}, format="multipart")
    missing = api.post(API_URL, {}, format="multipart")

    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_csv"
    assert "Event,Variant,Email,Password" in wrong.json()["detail"]
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_csv"


def test_api_refuses_everyone_else_with_403(offers):
    answer = api_as(make_user("member@example.com")).post(
        f"{API_URL}?commit=1", {"file": csv_file("valid.csv")}, format="multipart"
    )
    anonymous = APIClient().post(API_URL, {"file": csv_file("valid.csv")}, format="multipart")

    assert answer.status_code == 403 and answer.json()["error"] == "permission_denied"
    assert anonymous.status_code in (401, 403)
    assert TicketCredential.objects.count() == 0


def test_api_organizer_gets_not_your_event_for_another_organization(organizer, offers):
    answer = api_as(organizer).post(
        f"{API_URL}?commit=1", {"file": csv_file("other_organization.csv")}, format="multipart"
    )

    body = answer.json()
    assert answer.status_code == 200 and body["stored"] == 1
    assert body["errors"][0]["row"] == 3 and "is not your event" in body["errors"][0]["reason"]

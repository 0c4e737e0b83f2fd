"""Ticket CSV upload in the Wagtail admin: choose or drop a file, review, confirm.

1. `upload` takes the file (the page's script sends it with a progress bar; without
   script the form posts normally), refuses whole-file problems at once, and keeps the
   file for the next step (fulfilment.services.pending_uploads).
2. `review` validates the kept file and shows the preview of its first rows
   (passwords masked), the totals, every rejected row with its reason and the
   coverage of demand per variant.
3. `confirm` validates it again and stores the valid rows in one transaction, or
   nothing; `cancel` deletes the kept file. Nothing is stored before `confirm`.

The Fulfilment group uploads to every event; an organizer to their organization's
events only (rows for others are rejected). The rules: fulfilment.services.csv_import.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.client_address import client_address
from fulfilment.services import csv_import, pending_uploads
from fulfilment.services.csv_import import CommitFailed, InvalidCSV

TEMPLATE_UPLOAD = "fulfilment/upload/upload.html"
TEMPLATE_REVIEW = "fulfilment/upload/review.html"


def _require_uploader(request):
    if not csv_import.may_upload(request.user):
        raise PermissionDenied


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _upload_page(request, *, error=None, status=200):
    context = {
        "error": error,
        "max_rows": f"{csv_import.MAX_ROWS:,}",
        "max_megabytes": csv_import.MAX_BYTES // (1024 * 1024),
        "everywhere": csv_import.may_upload_anywhere(request.user),
    }
    return TemplateResponse(request, TEMPLATE_UPLOAD, context, status=status)


def upload(request):
    _require_uploader(request)
    if request.method != "POST":
        return _upload_page(request)
    uploaded = request.FILES.get("file")
    try:
        if uploaded is None:
            raise InvalidCSV(_("Choose a CSV file to upload."))
        data = csv_import.read_upload(uploaded)
        csv_import.validate(data, user=request.user, filename=uploaded.name)
    except InvalidCSV as error:
        if _wants_json(request):
            return JsonResponse({"error": "invalid_csv", "detail": error.detail}, status=400)
        return _upload_page(request, error=error.detail, status=400)
    token = pending_uploads.save(request.user, data=data, filename=uploaded.name)
    review_url = reverse("bilten_ticket_upload:review", args=[token])
    if _wants_json(request):
        return JsonResponse({"redirect": review_url})
    return redirect(review_url)


def _pending(request, token):
    try:
        return pending_uploads.load(request.user, token)
    except pending_uploads.PendingUploadMissing:
        raise Http404(_("This upload is no longer waiting: upload the file again.")) from None


def review(request, token):
    _require_uploader(request)
    data, filename = _pending(request, token)
    try:
        report = csv_import.validate(data, user=request.user, filename=filename)
    except InvalidCSV as error:
        pending_uploads.delete(request.user, token)
        return _upload_page(request, error=error.detail, status=400)
    return TemplateResponse(
        request,
        TEMPLATE_REVIEW,
        {
            "report": report,
            "token": token,
            "filename": filename,
            "preview_rows": csv_import.PREVIEW_ROWS,
        },
    )


@require_POST
def confirm(request, token):
    _require_uploader(request)
    data, filename = _pending(request, token)
    try:
        report, upload = csv_import.commit(
            data, user=request.user, filename=filename, ip_address=client_address(request)
        )
    except InvalidCSV as error:
        pending_uploads.delete(request.user, token)
        return _upload_page(request, error=error.detail, status=400)
    except CommitFailed as error:
        messages.error(request, str(error))
        return redirect("bilten_ticket_upload:review", token)
    pending_uploads.delete(request.user, token)
    if upload is None:
        messages.warning(request, _("Nothing was stored: the file has no valid rows."))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s ticket from %(file)s stored; assigning to paid pre-orders has begun.",
                "%(count)s tickets from %(file)s stored; assigning to paid pre-orders has begun.",
                upload.stored,
            )
            % {"count": upload.stored, "file": filename},
        )
    return redirect("bilten_ticket_upload:upload")


@require_POST
def cancel(request, token):
    _require_uploader(request)
    pending_uploads.delete(request.user, token)
    messages.info(request, _("Upload cancelled: nothing was stored."))
    return redirect("bilten_ticket_upload:upload")

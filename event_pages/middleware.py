"""One translation of a publishing refusal for every page of the site and the admin.

The rule itself lives in one place (EventPage.publish raises PublishRefused); the
API translates it in core/api/errors.py (400 cannot_publish), and this middleware
does it for every other view: the admin's known ways to publish ask first with
their own message (page editor, bulk publish, wagtail-localize's editor and sync),
and whatever else lets a refusal through (a workflow approval of a draft changed
since it was submitted, for one) sends the editor back with the reasons, never a 500.
"""

import logging

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.admin.modal_workflow import render_modal_workflow
from wagtail.admin.views.pages.utils import get_valid_next_url_from_request

from event_pages.exceptions import PublishRefused

logger = logging.getLogger(__name__)


class PublishRefusalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PublishRefused):
            return None
        logger.info("Publishing refused at %s: %s", request.path, exception.reasons)
        messages.error(
            request, _("Nothing was published. %(reasons)s") % {"reasons": exception.reasons}
        )
        back = _back_url(request)
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # Wagtail's admin modals post this way and follow a JSON `redirect`.
            return render_modal_workflow(
                request, "", None, {}, json_data={"step": "success", "redirect": back}
            )
        return redirect(back)


def _back_url(request) -> str:
    referer = request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return get_valid_next_url_from_request(request) or reverse("wagtailadmin_home")

"""Admin screens and view helpers that keep the publishing rules (AC A4) readable for editors."""

import functools
import logging

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, IntegerField, Value
from django.db.models.functions import Cast
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from wagtail.admin import messages
from wagtail.admin.auth import require_admin_access
from wagtail.admin.modal_workflow import render_modal_workflow
from wagtail.admin.views.pages.utils import get_valid_next_url_from_request
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.log_actions import registry as log_action_registry
from wagtail_localize.views import update_translations

from event_pages import services
from event_pages.admin_viewsets import VISIBLE
from event_pages.exceptions import PublishRefused
from event_pages.permissions import ORGANIZATION_POLICIES

logger = logging.getLogger(__name__)


def refusal_message(refusals, *, translations: bool = False) -> str:
    """'Nothing was published.' and why, per page, for a Wagtail admin message."""
    reasons = " ".join(
        _("“%(title)s”: %(reasons)s")
        % {"title": page.get_admin_display_title(), "reasons": refusal.reasons}
        for page, refusal in refusals
    )
    message = _("Nothing was published. %(reasons)s") % {"reasons": reasons}
    if translations:
        message += " " + _(
            "A translation takes its capacity and ticket tiers from the original event: "
            "fix the original and publish it, then sync its translations."
        )
    return message


def show_publish_refusals(view):
    """Wrap an admin view so a PublishRefused it lets through becomes a message, not a 500.

    The admin's known ways to publish ask first and refuse with their own message
    (page editor, bulk publish, wagtail-localize's editor and sync); this catches
    the rest (a workflow approval of a draft changed since it was submitted, for
    one) and sends the editor back where they came from with the reasons.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PublishRefused as refusal:
            logger.info("Publishing refused at %s: %s", request.path, refusal.reasons)
            messages.error(
                request, _("Nothing was published. %(reasons)s") % {"reasons": refusal.reasons}
            )
            back = _back_url(request)
            if request.headers.get("x-requested-with") == "XMLHttpRequest":
                # Wagtail's admin modals post this way and follow a JSON `redirect`.
                return render_modal_workflow(
                    request, "", None, {}, json_data={"step": "success", "redirect": back}
                )
            return redirect(back)

    return wrapper


def _back_url(request) -> str:
    referer = request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return get_valid_next_url_from_request(request) or reverse("wagtailadmin_home")


class UpdateTranslationsView(update_translations.UpdateTranslationsView):
    """wagtail-localize's "Sync translated pages", asking the publishing rules before it writes.

    With "Publish immediately", wagtail-localize updates the source and the
    translated drafts, commits, and only then publishes; an event the publishing
    rules refuse would leave the sync half done and answer a server error. This
    asks first and, if refused, changes nothing and says why on the same form.
    """

    def form_valid(self, form):
        if form.cleaned_data["publish_translations"]:
            refusals = services.translation_publish_refusals(source=self.object, refresh=True)
            if refusals:
                messages.error(
                    self.request,
                    refusal_message(refusals, translations=True)
                    + " "
                    + _("Untick “Publish immediately” to update the drafts only."),
                )
                return redirect(self.request.get_full_path())
        return super().form_valid(form)


def admin_view(view):
    """An admin view routed outside Wagtail's admin URLs, guarded as Wagtail guards its own."""
    return never_cache(require_admin_access(view))


class SiteHistoryView(LogEntriesView):
    """Wagtail's site history report, where an organization's objects follow their policy.

    Wagtail shows a model's log entries to whoever holds a permission on the
    model. For an organization-owned model the entries shown are those of the
    objects its permission policy lets the user see: an organizer sees the
    history of their own promo codes, and none of another organization's.
    """

    def get_filtered_queryset(self):
        # As LogEntriesView.get_filtered_queryset, with visible_log_entries() in
        # place of viewable_by_user().
        self.log_models = list(log_action_registry.get_log_entry_models())
        queryset = None
        for index, log_model in enumerate(self.log_models):
            entries = (
                self.visible_log_entries(log_model)
                .values("pk", "timestamp")
                .annotate(log_model_index=Value(index, output_field=IntegerField()))
            )
            entries = self.filter_queryset(entries).order_by()
            queryset = entries if queryset is None else queryset.union(entries, all=True)
        return queryset.order_by("-timestamp")

    def visible_log_entries(self, log_model):
        user = self.request.user
        entries = log_model.objects.viewable_by_user(user)
        if not any(field.name == "object_id" for field in log_model._meta.get_fields()):
            return entries  # page log entries: Wagtail's page permissions decide
        for policy in ORGANIZATION_POLICIES:
            if policy.allows_everywhere(user, VISIBLE):
                continue
            content_type = ContentType.objects.get_for_model(policy.model)
            visible = policy.instances_user_has_any_permission_for(user, VISIBLE).values_list(
                Cast("pk", output_field=CharField()), flat=True
            )
            entries = entries.exclude(content_type=content_type) | log_model.objects.filter(
                content_type=content_type, object_id__in=visible
            )
        return entries

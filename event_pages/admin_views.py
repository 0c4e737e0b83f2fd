"""Admin screens and view helpers that keep the publishing rules (AC A4) readable for editors."""

import logging

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, IntegerField, Value
from django.db.models.functions import Cast
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from wagtail.admin import messages
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.log_actions import registry as log_action_registry
from wagtail_localize.views import update_translations

from event_pages import services
from event_pages.admin_viewsets import VISIBLE
from event_pages.permissions import ORGANIZATION_POLICIES
from event_pages.translation_admin_views import OriginalEditorsOnly

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


class UpdateTranslationsView(OriginalEditorsOnly, update_translations.UpdateTranslationsView):
    """wagtail-localize's "Sync translated pages", asking the publishing rules before it writes.

    Only for those who may edit the original page (OriginalEditorsOnly).

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

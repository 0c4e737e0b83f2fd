from django.db.models import Q
from django.shortcuts import get_list_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.panels import ObjectList
from wagtail.log_actions import LogFormatter
from wagtail.models import Page
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup
from wagtail_localize.models import Translation

from accounts.roles import grant_organization
from event_pages import admin_views, services, translation_admin_views
from event_pages.admin_forms import VenueForm
from event_pages.admin_viewsets import OrganizationScopedViewSetMixin, allowed
from event_pages.models import PUBLISH_REFUSED, Category, EventIndexPage, EventPage, Venue
from event_pages.permissions import VenuePermissionPolicy

# Members add and edit their organization's venues and see the shared ones;
# deleting a venue, and anything about a shared one, needs the venue permissions.
register_permission_policy(
    Venue, VenuePermissionPolicy(Venue, member_actions=("view", "add", "change"))
)


class VenueChooserViewSet(OrganizationScopedViewSetMixin, SnippetChooserViewSet):
    pass


class VenueViewSet(OrganizationScopedViewSetMixin, SnippetViewSet):
    model = Venue
    icon = "site"
    menu_label = _("Venues")
    list_display = ["name", "city", "country", "organization"]
    list_filter = ["city", "locale", "organization"]
    search_fields = ["name", "city"]
    chooser_viewset_class = VenueChooserViewSet
    edit_handler = ObjectList(Venue.panels, base_form_class=VenueForm)


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "tag"
    menu_label = _("Categories")
    list_display = ["name", "slug"]


class EventSetupGroup(SnippetViewSetGroup):
    items = (VenueViewSet, CategoryViewSet)
    menu_icon = "date"
    menu_label = _("Event setup")
    menu_name = "event-setup"


register_snippet(EventSetupGroup)


class PolicyDeleteBulkAction(DeleteBulkAction):
    """Wagtail's snippet bulk delete, offering only objects the permission policy lets one see.

    Wagtail's own lists every id in the URL, naming the ones the user may not
    delete; for another organization's objects even their names are not shown.
    """

    def get_queryset(self, model, object_ids):
        return get_list_or_404(allowed(self.request.user, model), pk__in=object_ids)

    def get_all_objects_in_listing_query(self, parent_id):
        return allowed(self.request.user, self.model).values_list("pk", flat=True)


hooks.register("register_bulk_action", PolicyDeleteBulkAction, order=100)


@hooks.register("after_create_page")
def create_organization_group(request, page):
    """A new organization gets its own organizer group, limited to its subtree."""
    if isinstance(page.specific, EventIndexPage) and page.locale.language_code == "en":
        grant_organization(page.specific)


@hooks.register("before_bulk_action")
def refuse_bulk_publishing_unready_events(request, action_type, objects, action_class_instance):
    """Bulk "Publish" (with or without subpages) follows the publishing rules (AC A4).

    Nothing is published when any selected event would be refused; the listing
    says which events and why, so the organizer can fix or deselect them.
    """
    if action_type != "publish" or not all(isinstance(obj, Page) for obj in objects):
        return None
    form = action_class_instance.cleaned_form
    refusals = services.publish_refusals(
        pages=objects,
        include_descendants=bool(form and form.cleaned_data.get("include_descendants")),
        user=request.user,
    )
    if not refusals:
        return None
    messages.error(request, admin_views.refusal_message(refusals))
    return redirect(action_class_instance.next_url)


@hooks.register("before_edit_page", order=-1)  # before wagtail-localize's translation editor
def refuse_publishing_unready_translations(request, page):
    """Publishing a translated event from wagtail-localize's editor follows the rules (AC A4).

    Asked before the editor saves anything: the translator stays in the editor
    and reads why (wagtail-localize alone would save the draft, then fail to
    publish with a message that names no reason).
    """
    if request.method != "POST" or request.POST.get("action") != "publish":
        return None
    if not isinstance(page, EventPage) or not page.permissions_for_user(request.user).can_publish():
        return None  # wagtail-localize answers these (a user who may not publish gets a 403)
    translation = (
        Translation.objects.filter(
            source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
        )
        .select_related("source")
        .first()
    )
    if translation is None:
        return None
    refusals = services.translation_publish_refusals(source=translation.source, locale=page.locale)
    if not refusals:
        return None
    messages.error(request, admin_views.refusal_message(refusals, translations=True))
    return redirect("wagtailadmin_pages:edit", page.id)


@hooks.register("register_admin_urls", order=-1)  # ahead of wagtail-localize's own routes
def register_sync_translations_url():
    """Route wagtail-localize's "Sync translated pages" and "Translate" through views that ask
    first: the publishing rules, and whether the user may edit the original at all."""
    return [
        path(
            "localize/update/<int:translation_source_id>/",
            admin_views.UpdateTranslationsView.as_view(),
            name="event_pages_update_translations",
        ),
        path(
            "localize/submit/page/<int:page_id>/",
            translation_admin_views.SubmitPageTranslationView.as_view(),
            name="event_pages_submit_page_translation",
        ),
        path(
            "localize/submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/",
            translation_admin_views.SubmitSnippetTranslationView.as_view(),
            name="event_pages_submit_snippet_translation",
        ),
    ]


@hooks.register("register_log_actions")
def register_publish_refused_action(actions):
    @actions.register_action(PUBLISH_REFUSED)
    class PublishRefusedFormatter(LogFormatter):
        label = _("Publishing refused")

        def format_message(self, log_entry):
            return _("Scheduled publishing cancelled: %(reasons)s") % {
                "reasons": log_entry.data.get("reasons", "")
            }


def _organizations_owning_venues(pages) -> list[EventIndexPage]:
    """Organizations among `pages` and their descendants that still own venues."""
    under = Q(pk__in=[])
    for page in pages:
        under |= Q(path__startswith=page.path)
    return list(
        EventIndexPage.objects.filter(under, venues__isnull=False).distinct().order_by("title")
    )


def _refuse_deleting_venue_owners(request, pages, next_url):
    owners = _organizations_owning_venues(pages)
    if not owners:
        return None
    messages.error(
        request,
        _(
            "%(organizations)s still owns venues. Give them to another organization or "
            "delete them under Snippets › Venues first."
        )
        % {"organizations": ", ".join(f"“{owner.title}”" for owner in owners)},
    )
    return redirect(next_url)


@hooks.register("before_delete_page")
def refuse_deleting_organizations_with_venues(request, page):
    """An organization that owns venues is refused with a message, not a database error."""
    return _refuse_deleting_venue_owners(
        request, [page], reverse("wagtailadmin_explore", args=[page.get_parent().pk])
    )


@hooks.register("before_bulk_action")
def refuse_bulk_deleting_organizations_with_venues(
    request, action_type, objects, action_class_instance
):
    if action_type != "delete" or not all(isinstance(obj, Page) for obj in objects):
        return None
    return _refuse_deleting_venue_owners(request, objects, action_class_instance.next_url)

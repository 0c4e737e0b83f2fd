from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from accounts.roles import grant_organization
from event_pages.models import Category, EventIndexPage, Venue


class VenueViewSet(SnippetViewSet):
    model = Venue
    icon = "site"
    menu_label = _("Venues")
    list_display = ["name", "city", "country"]
    list_filter = ["city", "locale"]
    search_fields = ["name", "city"]


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


@hooks.register("after_create_page")
def create_organization_group(request, page):
    """A new organization gets its own organizer group, limited to its subtree."""
    if isinstance(page.specific, EventIndexPage) and page.locale.language_code == "en":
        grant_organization(page.specific)

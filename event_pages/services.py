"""Event operations shared by the organizer API and the Wagtail admin hooks."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import transaction
from wagtail.models import Page

from event_pages.exceptions import PublishRefused
from event_pages.models import EventIndexPage, EventPage, TicketTier
from event_pages.permissions import organization_keys_for


def is_member(user, organization: EventIndexPage) -> bool:
    """Whether `user` belongs to the organization (any locale's copy of its index page)."""
    return organization.translation_key in organization_keys_for(user)


def create_draft_event(*, user, organization: EventIndexPage, data: dict) -> EventPage:
    """Create an event as a DRAFT under the organization (spec 003 AC A3).

    Refuses (PermissionDenied) a user who is not a member of the organization,
    or a venue that belongs to another organization.
    """
    if (
        not is_member(user, organization)
        or not organization.permissions_for_user(user).can_add_subpage()
    ):
        raise PermissionDenied
    venue = data.get("venue")
    if venue is not None and not venue_usable_by(organization, venue):
        raise PermissionDenied
    event = EventPage(
        title=data["title"],
        summary=data.get("summary", ""),
        starts_at=data["start"],
        ends_at=data.get("end"),
        time_zone=data["timezone"],
        venue=data.get("venue"),
        total_capacity=data.get("total_capacity"),
        live=False,
        owner=user,
    )
    for order, tier in enumerate(data.get("tiers", [])):
        event.tiers.add(
            TicketTier(
                name=tier["name"],
                description=tier.get("description", ""),
                price_minor=tier["price_minor"],
                currency=tier["currency"],
                allocation=tier.get("allocation"),
                enabled=tier.get("enabled", True),
                sort_order=order,
            )
        )
    organization.add_child(instance=event)
    event.save_revision(user=user, log_action=True)
    return event


def venue_usable_by(organization: EventIndexPage, venue) -> bool:
    """An organization's events take place at its own venues or at shared ones."""
    return venue.organization_id is None or (
        venue.organization.translation_key == organization.translation_key
    )


def publish_event(*, user, event: EventPage) -> EventPage:
    """Publish the latest revision, or refuse with PublishRefused (EventPage.publish asks AC A4)."""
    if not event.permissions_for_user(user).can_publish():
        raise PermissionDenied
    with transaction.atomic():  # a refused first publish keeps no revision saved for it
        revision = event.latest_revision or event.save_revision(user=user)
        revision.publish(user=user)
    return Page.objects.get(pk=event.pk).specific


def publish_refusals(
    *, pages, include_descendants: bool, user
) -> list[tuple[Page, PublishRefused]]:
    """Events among `pages` (and their unpublished descendants) that publishing would refuse.

    Asks what Wagtail's bulk "Publish" would publish: each page's latest revision,
    and with `include_descendants` every draft below it that `user` may publish.
    """
    candidates = [page.specific for page in pages]
    if include_descendants:
        for page in pages:
            drafts = page.get_descendants().not_live().type(EventPage).specific()
            candidates += [d for d in drafts if d.permissions_for_user(user).can_publish()]
    refusals = []
    for page in candidates:
        if isinstance(page, EventPage):
            problems = page.get_latest_revision_as_object().publish_problems()
            if problems:
                refusals.append((page, PublishRefused(problems)))
    return refusals


def translation_publish_refusals(
    *, source, locale=None, refresh: bool = False
) -> list[tuple[Page, PublishRefused]]:
    """Translations of `source` (a wagtail-localize TranslationSource) that publishing would refuse.

    wagtail-localize publishes a translation only after its transaction has
    committed the translated draft, too late to undo; so it is asked first, on the
    version it would publish: the translated draft built from `source` with its
    current strings. Only `locale`'s translation when given; with `refresh`, as
    "Sync translated pages" does, the source is first updated from its page (that
    update is rolled back here: this writes nothing).
    """
    refusals = []
    with transaction.atomic():
        if refresh:
            source.update_from_db()
        translations = source.translations.filter(enabled=True).select_related("target_locale")
        if locale is not None:
            translations = translations.filter(target_locale=locale)
        for translation in translations:
            try:
                page = source.get_ephemeral_translated_instance(
                    translation.target_locale, fallback=True
                )
            except ObjectDoesNotExist:  # not created yet: it will be, from the source
                page = source.as_instance()
            if isinstance(page, EventPage) and (problems := page.publish_problems()):
                refusals.append((page, PublishRefused(problems)))
        transaction.set_rollback(True)
    return refusals

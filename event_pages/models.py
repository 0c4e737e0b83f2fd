"""Event pages: the organization index, the event page and its ticket tiers.

An organization is an EventIndexPage subtree; page permissions on that subtree
keep organizers apart. Inventory is keyed to the locale-independent
`translation_key` of the event and its tiers, so a translated event is the
same event (see commerce.models).
"""

import logging
import unicodedata
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from core.money import CURRENCIES, MoneyMinorField, format_money
from event_pages import rules
from event_pages.blocks import EventBodyBlock
from event_pages.exceptions import PublishRefused
from event_pages.forms import EventPageForm

logger = logging.getLogger(__name__)

# The largest count a capacity or allocation may be: the database's integer column.
MAX_COUNT = 2**31 - 1

TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
EVENTS_PER_PAGE = 12
SCHEDULED_PUBLISH = "wagtail.publish.scheduled"  # the log action of `manage.py publish_scheduled`
PUBLISH_REFUSED = "event_pages.publish_refused"


_FOLDED_LETTERS = str.maketrans({"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l"})
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def fold_text(text: str) -> str:
    """Lower case without accents, as search compares words: "Zürich" -> "zurich"."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLDED_LETTERS))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def spelling_variants(*texts: str) -> str:
    """The other spellings of `texts` that search should find them by: without accents
    ("zurich", "cafe") and German without umlauts ("zuerich", "koeln")."""
    words = set()
    for text in texts:
        for variant in (fold_text(text or ""), fold_text((text or "").translate(_UMLAUTS))):
            if variant and variant != (text or "").casefold():
                words.add(variant)
    return " ".join(sorted(words))


def validate_time_zone(value: str) -> None:
    if value not in TIME_ZONES:
        raise ValidationError(
            _("%(value)s is not an IANA time zone (for example Europe/Berlin)."),
            params={"value": value},
            code="invalid_time_zone",
        )


class Category(TranslatableMixin, models.Model):
    """A kind of event (Concerts, Conferences, ...), chosen on each event."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Venue(TranslatableMixin, ClusterableModel):
    """A place where events happen, owned by one organization or shared by all.

    An organization's members edit its venues; a shared venue (no organization)
    is edited only by whoever holds the venue permissions for every organization
    (the Platform admin). See event_pages.permissions.
    """

    organization = models.ForeignKey(
        "event_pages.EventIndexPage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="venues",
        verbose_name=_("organization"),
        help_text=_("Leave empty for a venue shared by every organization."),
    )
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=80)
    country = models.CharField(_("country"), max_length=80)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    panels = [
        FieldPanel("organization"),
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("postal_code"), FieldPanel("city")]),
                FieldPanel("country"),
            ],
            heading=_("Address"),
        ),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")], heading=_("Map")),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("city")]
    # A translation belongs to the same organization as its source.
    override_translatable_fields = [SynchronizedField("organization", overridable=False)]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("venue")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="venue_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="venue_longitude_range",
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.city}"

    @property
    def one_line_address(self) -> str:
        parts = [self.address, f"{self.postal_code} {self.city}".strip(), self.country]
        return ", ".join(p for p in parts if p)


class HomePage(RoutablePageMixin, Page):
    """The site root: featured and upcoming events; /events/ lists them all."""

    hero_heading = models.CharField(max_length=120, default="Find your next night out")
    hero_text = models.CharField(max_length=300, blank=True)

    content_panels = Page.content_panels + [FieldPanel("hero_heading"), FieldPanel("hero_text")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["event_pages.EventIndexPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    @path("")
    def home(self, request):
        from event_pages.selectors import featured_events, upcoming_events

        return self.render(
            request,
            context_overrides={
                "featured": featured_events(limit=3),
                "upcoming": upcoming_events()[:9],
            },
        )

    @path("events/", name="events")
    def events(self, request):
        from event_pages import sales
        from event_pages.selectors import upcoming_events

        if sales.slot.search_page is not None:  # the search app's page, when it is installed
            context = sales.slot.search_page(request=request)
        else:
            page = Paginator(upcoming_events(), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
            context = {"events_page": page, "list_title": _("Upcoming events")}
        return self.render(
            request, template="event_pages/event_list.html", context_overrides=context
        )


class EventIndexPage(Page):
    """One organization: its profile and its events (the organizer's subtree)."""

    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    about = RichTextField(blank=True, features=["bold", "italic", "link"])
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("logo"),
        FieldPanel("about"),
        MultiFieldPanel(
            [FieldPanel("contact_email"), FieldPanel("contact_phone"), FieldPanel("website")],
            heading=_("Contact"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("about")]
    parent_page_types = ["event_pages.HomePage"]
    subpage_types = ["event_pages.EventPage"]
    override_translatable_fields = [SynchronizedField("logo")]

    class Meta:
        verbose_name = _("organization")

    def get_context(self, request, *args, **kwargs):
        from event_pages.selectors import upcoming_events

        context = super().get_context(request, *args, **kwargs)
        events = upcoming_events(organization=self)
        context["events_page"] = Paginator(events, EVENTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        return context


class EventPage(Page):
    """An event with its content, date, venue, capacity X and ticket tiers."""

    summary = models.CharField(_("summary"), max_length=300, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(EventBodyBlock(), blank=True, verbose_name=_("content"))
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Berlin",
        choices=[(tz, tz) for tz in TIME_ZONES],
        validators=[validate_time_zone],
        help_text=_("Dates are shown to attendees in this time zone."),
    )
    total_capacity = models.PositiveIntegerField(
        _("total capacity (X)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_COUNT)],
        help_text=_("The most tickets that can be sold across all tiers. Required to publish."),
    )
    featured = models.BooleanField(_("feature on the home page"), default=False)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("hero_image"),
        MultiFieldPanel(
            [
                FieldPanel("time_zone"),
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel([FieldPanel("venue"), FieldPanel("category")], heading=_("Where and what")),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("total_capacity"),
                InlinePanel("tiers", label=_("Ticket tier"), heading=_("Ticket tiers")),
            ],
            heading=_("Tickets"),
        ),
    ]
    promote_panels = Page.promote_panels + [FieldPanel("featured")]

    # Event search (search app): the title ranks highest, then the names and places
    # people look for; `search_spellings` holds accent-free spellings ("Zurich").
    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.SearchField("search_lineup", boost=2),
        index.AutocompleteField("search_lineup"),
        index.SearchField("search_organization"),
        index.SearchField("search_spellings"),
        index.FilterField("starts_at"),
        index.RelatedFields(
            "venue", [index.SearchField("city", boost=2), index.SearchField("name", boost=1.5)]
        ),
        index.RelatedFields("category", [index.SearchField("name", boost=1.5)]),
    ]
    override_translatable_fields = [
        SynchronizedField("hero_image"),
        SynchronizedField("category"),
        SynchronizedField("venue"),
        SynchronizedField("starts_at", overridable=False),
        SynchronizedField("ends_at", overridable=False),
        SynchronizedField("time_zone", overridable=False),
        SynchronizedField("total_capacity", overridable=False),
        SynchronizedField("featured"),
        TranslatableField("tiers"),
    ]
    parent_page_types = ["event_pages.EventIndexPage"]
    subpage_types: list[str] = []
    base_form_class = EventPageForm

    class Meta:
        verbose_name = _("event")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
            )
        ]

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The end must not be before the start.")})

    def publish_problems(self) -> dict:
        """Why this version of the event cannot be published yet; empty when it can (AC A4)."""
        tiers = [
            rules.TierConfig(name=tier.name, allocation=tier.allocation, enabled=tier.enabled)
            for tier in self.tiers.all()
        ]
        return rules.publish_problems(total_capacity=self.total_capacity, tiers=tiers)

    def publish(self, revision, user=None, changed=True, log_action=True, **kwargs):
        """Publish or schedule `revision`, or refuse with PublishRefused if it breaks AC A4.

        Every way of publishing ends here (the editor, bulk actions, "publish with
        subpages", workflows, translations, the API), so the rule cannot be bypassed.
        A scheduled go-live that fails the rules is cancelled, not raised, so the
        other scheduled pages still go live.
        """
        problems = revision.as_object().publish_problems()
        if problems:
            refusal = PublishRefused(problems)
            if log_action == SCHEDULED_PUBLISH:
                self._cancel_scheduled_publish(revision, refusal)
                return None
            raise refusal
        return super().publish(
            revision, user=user, changed=changed, log_action=log_action, **kwargs
        )

    def _cancel_scheduled_publish(self, revision, refusal: PublishRefused) -> None:
        from wagtail.log_actions import log

        revision.approved_go_live_at = None
        revision.save(update_fields=["approved_go_live_at"])
        log(
            instance=self,
            action=PUBLISH_REFUSED,
            revision=revision,
            data={"reasons": refusal.reasons},
        )
        logger.warning(
            "Scheduled publishing of event pk=%s cancelled: %s", self.pk, refusal.reasons
        )

    @cached_property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @cached_property
    def localized_venue(self) -> "Venue | None":
        """The venue in the visitor's language, looked up once for the page and its JSON-LD."""
        return self.venue.localized if self.venue is not None else None

    @property
    def sales_close_at(self):
        """When tickets stop selling, whatever the tiers say: the event's end."""
        return rules.sales_close_at(starts_at=self.starts_at, ends_at=self.ends_at)

    def is_over(self, moment=None) -> bool:
        return (moment or timezone.now()) >= self.sales_close_at

    def get_sitemap_urls(self, request=None):
        """Upcoming events only: a past event keeps its page but leaves the sitemap."""
        return [] if self.is_over() else super().get_sitemap_urls(request)

    @property
    def local_starts_at(self):
        return timezone.localtime(self.starts_at, self.tz)

    @property
    def local_ends_at(self):
        return timezone.localtime(self.ends_at, self.tz) if self.ends_at else None

    @cached_property
    def organization(self) -> "EventIndexPage | None":
        """The parent organization; a list sets it for all its events at once."""
        parent = self.get_parent()
        return parent.specific if parent else None

    def lineup_names(self) -> list[str]:
        """The artists and speakers of the body's line-up blocks."""
        return [
            person["name"]
            for block in self.body
            if block.block_type == "lineup"
            for person in block.value["people"]
            if person.get("name")
        ]

    def search_lineup(self) -> str:
        return " ".join(self.lineup_names())

    def search_organization(self) -> str:
        organization = self.organization
        return organization.title if organization else ""

    def search_spellings(self) -> str:
        """Accent-free spellings of the title, place and names ("Zurich", "Zuerich")."""
        venue = self.venue
        return spelling_variants(
            self.title,
            self.summary,
            venue.city if venue else "",
            venue.name if venue else "",
            self.category.name if self.category else "",
            *self.lineup_names(),
        )

    def get_context(self, request, *args, ticket_form=None, **kwargs):
        """`ticket_form`: the ticket picker's bound form, when a hold was refused and the
        page is shown again with its errors (the picker itself is commerce's
        `{% ticket_picker %}` tag)."""
        context = super().get_context(request, *args, **kwargs)
        context["ticket_form"] = ticket_form
        return context


class TicketTier(TranslatableMixin, Orderable):
    """A kind of ticket for one event (Early Bird, General, VIP ...)."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="tiers")
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    price_minor = MoneyMinorField(_("price"), default=0, help_text=_("For example 25.00"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    allocation = models.PositiveIntegerField(
        _("allocation"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_COUNT)],
        help_text=_("Optional cap for this tier (0..X). Blank: limited only by the event."),
    )
    enabled = models.BooleanField(_("on sale"), default=True)
    sales_start = models.DateTimeField(_("sales start"), null=True, blank=True)
    sales_end = models.DateTimeField(_("sales end"), null=True, blank=True)
    requires_tier_key = models.UUIDField(
        _("only together with"),
        null=True,
        blank=True,
        help_text=_(
            "Sold only in an order that also has a ticket of this tier "
            "(for example a workshop that needs a conference ticket)."
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("enabled")]),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("price_minor"), FieldPanel("currency")]),
        FieldPanel("allocation"),
        FieldRowPanel([FieldPanel("sales_start"), FieldPanel("sales_end")]),
        FieldPanel("requires_tier_key"),
    ]
    override_translatable_fields = [
        SynchronizedField("price_minor", overridable=False),
        SynchronizedField("currency", overridable=False),
        SynchronizedField("allocation", overridable=False),
        SynchronizedField("enabled", overridable=False),
        SynchronizedField("sales_start", overridable=False),
        SynchronizedField("sales_end", overridable=False),
        SynchronizedField("requires_tier_key", overridable=False),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("ticket tier")
        ordering = ["sort_order"]
        constraints = [
            # One row per tier and event, whatever saves the page twice at once.
            models.UniqueConstraint("page", Lower("name"), name="tier_name_unique_per_event"),
            models.CheckConstraint(
                condition=models.Q(sales_end__isnull=True)
                | models.Q(sales_start__isnull=True)
                | models.Q(sales_end__gte=models.F("sales_start")),
                name="tier_sales_window_order",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.sales_start and self.sales_end and self.sales_end < self.sales_start:
            raise ValidationError({"sales_end": _("Sales must end after they start.")})

    @property
    def price_display(self) -> str:
        return format_money(self.price_minor, self.currency)

    def on_sale_at(self, moment) -> bool:
        return rules.tier_on_sale(
            enabled=self.enabled,
            sales_start=self.sales_start,
            sales_end=self.sales_end,
            event_closes_at=self.page.sales_close_at,
            moment=moment,
        )

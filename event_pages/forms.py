"""The event page editor form: ticket rules shown next to the fields they concern."""

from django import forms
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm

from event_pages import rules, sales
from event_pages.zoned_fields import use_zone, zone_named

PUBLISH_ACTIONS = ("action-publish", "action-submit")
DEFAULT_TIME_ZONE = "Europe/Berlin"


class EventPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._show_dates_in_event_zone()
        self._offer_required_tiers()

    def _show_dates_in_event_zone(self):
        """Dates are typed and shown in the event's time zone (the one posted with
        them, so changing the zone and the time in one save means what it says)."""
        posted = self.data.get(self.add_prefix("time_zone")) if self.is_bound else None
        zone = (
            zone_named(posted)
            or zone_named(getattr(self.instance, "time_zone", None))
            or zone_named(DEFAULT_TIME_ZONE)
        )
        help_text = _("In the event's time zone (%(zone)s).") % {"zone": zone.key}
        use_zone(self, zone, help_text)
        for tier_form in self._tier_formset.forms:
            use_zone(tier_form, zone, help_text)

    def _offer_required_tiers(self):
        """ "Only together with" chooses among this event's saved tiers."""
        saved = [form.instance for form in self._tier_formset.forms if form.instance.pk]
        for tier_form in self._tier_formset.forms:
            field = tier_form.fields.get("requires_tier_key")
            if field is None:
                continue
            field.widget = forms.Select(
                choices=[("", _("Nothing: sold on its own"))]
                + [
                    (str(tier.translation_key), tier.name)
                    for tier in saved
                    if tier.pk != tier_form.instance.pk
                ]
            )

    def clean(self):
        cleaned = super().clean()
        tier_forms = self._live_tier_forms()
        self._refuse_duplicate_tier_names(tier_forms)
        self._refuse_unknown_required_tiers(tier_forms)
        committed_event, committed_tiers = self._committed_counts(tier_forms)
        capacity = cleaned.get("total_capacity")
        configs = [
            rules.TierConfig(
                name=form.cleaned_data.get("name", ""),
                allocation=form.cleaned_data.get("allocation"),
                enabled=bool(form.cleaned_data.get("enabled")),
                committed=committed_tiers.get(self._tier_key(form), 0),
            )
            for form in tier_forms
        ]
        for key, message in rules.allocation_errors(total_capacity=capacity, tiers=configs).items():
            if key == "total_capacity":
                self.add_error("total_capacity", message)
            else:
                tier_forms[key].add_error("allocation", message)
        message = rules.capacity_error(total_capacity=capacity, committed=committed_event)
        if message:
            self.add_error("total_capacity", message)
        self._refuse_another_organizations_venue(cleaned.get("venue"))
        self._refuse_deleting_sold_tiers(committed_tiers)
        if any(action in self.data for action in PUBLISH_ACTIONS):
            problems = rules.publish_problems(total_capacity=capacity, tiers=configs)
            for field, message in problems.items():
                self.add_error(None if field == "__all__" else field, message)
        return cleaned

    @staticmethod
    def _refuse_duplicate_tier_names(tier_forms):
        seen = set()
        for form in tier_forms:
            name = (form.cleaned_data.get("name") or "").strip().lower()
            if name and name in seen:
                form.add_error(
                    "name",
                    _("Another tier of this event is already called “%(name)s”.")
                    % {"name": form.cleaned_data["name"]},
                )
            seen.add(name)

    @staticmethod
    def _refuse_unknown_required_tiers(tier_forms):
        keys = {form.instance.translation_key for form in tier_forms if form.instance.pk}
        for form in tier_forms:
            required = form.cleaned_data.get("requires_tier_key")
            if required is None:
                continue
            if required == form.instance.translation_key or required not in keys:
                form.add_error(
                    "requires_tier_key",
                    _("Choose another saved tier of this event (or nothing)."),
                )

    def _refuse_another_organizations_venue(self, venue):
        """The same rule as the API: an event takes place at its organization's own
        venues or at shared ones (the chooser only hides the others)."""
        from event_pages.services import venue_usable_by

        organization = getattr(self, "parent_page", None)
        if venue is None or organization is None:
            return
        if not venue_usable_by(organization.specific, venue):
            self.add_error(
                "venue",
                _("This venue belongs to another organization. Choose your own or a shared one."),
            )

    @property
    def _tier_formset(self):
        return self.formsets["tiers"]

    def _live_tier_forms(self):
        formset = self._tier_formset
        formset.errors  # noqa: B018 — cleans every tier form so cleaned_data exists
        return [
            form
            for form in formset.forms
            if form.has_changed() or form.instance.pk
            if not (formset.can_delete and formset._should_delete_form(form))
            if hasattr(form, "cleaned_data")
        ]

    @staticmethod
    def _tier_key(form):
        return form.instance.translation_key if form.instance.pk else None

    def _committed_counts(self, tier_forms):
        if not self.instance.pk:
            return 0, {}
        keys = [
            form.instance.translation_key for form in self._tier_formset.forms if form.instance.pk
        ]
        return sales.slot.connected().committed_counts(
            event_key=self.instance.translation_key, tier_keys=keys
        )

    def _refuse_deleting_sold_tiers(self, committed_tiers):
        formset = self._tier_formset
        deleted = [
            form.instance
            for form in formset.forms
            if form.instance.pk and formset._should_delete_form(form)
        ]
        if not deleted:
            return
        sold_keys = sales.slot.connected().tier_keys_with_sales(
            [tier.translation_key for tier in deleted]
        )
        for tier in deleted:
            if tier.translation_key in sold_keys:
                self.add_error(
                    None,
                    _(
                        "The tier “%(name)s” has sales and cannot be deleted. "
                        "Switch off “on sale” to stop selling it instead."
                    )
                    % {"name": tier.name},
                )

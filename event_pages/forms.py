"""The event page editor form: ticket rules shown next to the fields they concern."""

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm

from event_pages import rules, sales

PUBLISH_ACTIONS = ("action-publish", "action-submit")


class EventPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        tier_forms = self._live_tier_forms()
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

"""Read-side queries about sales, used by the admin, the pages and the API."""

from commerce.models import TierInventory


def tier_keys_with_sales(tier_keys) -> set:
    """The tiers among these that have sold tickets or holds."""
    rows = TierInventory.objects.filter(tier_key__in=list(tier_keys)).values_list(
        "tier_key", "sold", "held"
    )
    return {key for key, sold, held in rows if sold or held}

"""The fallback of an offer with `fallback = "closest"` (spec 002, 5.3).

When the variant a member chose has no ticket left, the ticket of the variant
whose time window is most like the chosen one goes instead: the Jaccard
similarity of the two intervals (overlap / union) decides; between windows that
do not overlap at all, the smaller gap between them; then the earlier start.
Variants without a window are the last resort.
"""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    variant_id: int | None
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None

    @property
    def known(self) -> bool:
        return self.starts_at is not None and self.ends_at is not None


def jaccard(a: Window, b: Window) -> float:
    """|a ∩ b| / |a ∪ b| of two time windows (1.0 for the same window, 0.0 apart)."""
    if not (a.known and b.known):
        return 0.0
    overlap = (min(a.ends_at, b.ends_at) - max(a.starts_at, b.starts_at)).total_seconds()
    union = (max(a.ends_at, b.ends_at) - min(a.starts_at, b.starts_at)).total_seconds()
    if union <= 0:  # two windows of no length at the same instant
        return 1.0 if a.starts_at == b.starts_at else 0.0
    return max(overlap, 0.0) / union


def gap_seconds(a: Window, b: Window) -> float:
    """How far apart two windows are (0 when they touch or overlap)."""
    if not (a.known and b.known):
        return float("inf")
    return max(
        (b.starts_at - a.ends_at).total_seconds(), (a.starts_at - b.ends_at).total_seconds(), 0
    )


def closest(chosen: Window, candidates: list[Window]) -> Window | None:
    """The candidate most like `chosen`; None when there is none."""
    far_future = dt.datetime.max.replace(tzinfo=dt.UTC)

    def rank(candidate: Window):
        return (
            not candidate.known,
            -jaccard(chosen, candidate),
            gap_seconds(chosen, candidate),
            candidate.starts_at or far_future,
            candidate.variant_id or 0,
        )

    candidates = [c for c in candidates if c.variant_id != chosen.variant_id]
    return min(candidates, key=rank, default=None)

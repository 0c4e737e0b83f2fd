"""The figures of the fulfilment dashboard, as a few aggregate queries whatever the volume.

Every function takes `event_keys`: None for every event (Fulfilment, Support, Platform
admin), or a subquery of the events the user may see (an organizer's), and optionally
one event's key. Nothing here loops over rows in Python beyond the rows it returns.
"""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from fulfilment.models import (
    PAID_STATUSES,
    PreOrder,
    PreOrderStatus,
    TicketCredential,
    TicketStatus,
    Variant,
)

MATRIX_ROWS = 40  # variant rows shown at once; the rest are counted, not listed
ORDERED_STATUSES = (PreOrderStatus.PROCESSING, *PAID_STATUSES)


def _scoped(queryset: QuerySet, event_keys, event_key=None) -> QuerySet:
    if event_keys is not None:
        queryset = queryset.filter(event_key__in=event_keys)
    if event_key is not None:
        queryset = queryset.filter(event_key=event_key)
    return queryset


def pre_order_page(pre_orders: QuerySet, number, per_page: int) -> Page:
    """One page of the pre-order list, newest payment first, with what each row shows.

    The page is cut on the pre-orders alone, then only its rows are read with their
    member, event, variant and ticket: cut after seven joins, an organizer's page
    (their events as a subquery) read and sorted every pre-order of every event first.
    """
    ordered = pre_orders.order_by("-confirmed_at", "-created_at")
    page = Paginator(ordered.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    rows = PreOrder.objects.select_related(
        "member", "variant", "offer__event", "assignment__ticket"
    ).in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


@dataclass
class Overview:
    pre_orders: int = 0
    paid: int = 0
    fulfilled: int = 0
    waiting: int = 0
    failed_payments: int = 0
    tickets: int = 0
    unmatched: int = 0

    @property
    def fulfilled_percent(self) -> int:
        """Fulfilled of the paid pre-orders (an unpaid one is never given a ticket)."""
        return round(100 * self.fulfilled / self.paid) if self.paid else 0


def overview(event_keys=None, event_key=None) -> Overview:
    """The overview cards: two queries, one per table."""
    orders = _scoped(PreOrder.objects.all(), event_keys, event_key).aggregate(
        pre_orders=Count("pk", filter=~Q(status=PreOrderStatus.CANCELLED)),
        paid=Count("pk", filter=Q(status__in=PAID_STATUSES)),
        fulfilled=Count("pk", filter=Q(status=PreOrderStatus.FULFILLED)),
        waiting=Count("pk", filter=Q(status=PreOrderStatus.WAITING_FOR_STOCK)),
        failed_payments=Count("pk", filter=Q(status=PreOrderStatus.FAILED)),
    )
    tickets = _scoped(TicketCredential.objects.all(), event_keys, event_key).aggregate(
        tickets=Count("pk"),
        unmatched=Count("pk", filter=Q(status=TicketStatus.UNMATCHED)),
    )
    return Overview(**orders, **tickets)


@dataclass
class MatrixCell:
    event_title: str
    variant: str
    ordered: int
    uploaded: int

    @property
    def shortfall(self) -> int:
        return max(self.ordered - self.uploaded, 0)

    @property
    def surplus(self) -> int:
        return max(self.uploaded - self.ordered, 0)

    @property
    def coverage_percent(self) -> int:
        if not self.ordered:
            return 100
        return min(round(100 * self.uploaded / self.ordered), 999)

    @property
    def level(self) -> int:
        """0 (nothing uploaded) .. 4 (all ordered covered): the heat-map colour step."""
        if self.ordered == 0:
            return 4
        ratio = self.uploaded / self.ordered
        if ratio >= 1:
            return 4
        if ratio >= 0.75:
            return 3
        if ratio >= 0.5:
            return 2
        if ratio > 0:
            return 1
        return 0


def _ranked_cells(ordered: QuerySet, uploaded: QuerySet, limit: int):
    """((event_key, variant_id), (ordered, uploaded)) of the `limit` first cells, and how many.

    The counts of both tables per (event, variant), merged, ranked (uploaded minus
    ordered, then event key, then variant id; no variant counts as 0) and cut in the
    database: across 10,000 events there are tens of thousands of cells, and building
    them in Python took most of the dashboard's time (docs/performance.md).
    """
    # No variant is 0 (ids start at 1), so both sides group and merge on plain values.
    variant = Coalesce("variant_id", 0)
    ordered_sql, ordered_params = (
        ordered.values("event_key", v=variant)
        .annotate(o=Count("pk"), u=Value(0, output_field=IntegerField()))
        .order_by()
        .values_list("event_key", "v", "o", "u")
        .query.sql_with_params()
    )
    uploaded_sql, uploaded_params = (
        uploaded.values("event_key", v=variant)
        .annotate(o=Value(0, output_field=IntegerField()), u=Count("pk"))
        .order_by()
        .values_list("event_key", "v", "o", "u")
        .query.sql_with_params()
    )
    sql = (
        "SELECT event_key, v, SUM(o), SUM(u), COUNT(*) OVER () "
        f"FROM ({ordered_sql} UNION ALL {uploaded_sql}) cells "
        "GROUP BY event_key, v ORDER BY SUM(u) - SUM(o), event_key, v LIMIT %s"
    )
    uuid_field = PreOrder._meta.get_field("event_key")
    with connections[ordered.db].cursor() as cursor:
        cursor.execute(sql, (*ordered_params, *uploaded_params, max(limit, 1)))
        rows = cursor.fetchall()
    total_rows = rows[0][4] if rows else 0
    ranked = [
        (
            (uuid_field.to_python(key), variant_id or None),
            (int(n_ordered), int(n_uploaded)),
        )
        for key, variant_id, n_ordered, n_uploaded, _total in rows[: max(limit, 0)]
    ]
    return ranked, total_rows


@dataclass
class Matrix:
    cells: list[MatrixCell] = field(default_factory=list)
    total_rows: int = 0

    @property
    def hidden_rows(self) -> int:
        return self.total_rows - len(self.cells)


def variant_matrix(event_keys=None, event_key=None, *, limit=MATRIX_ROWS) -> Matrix:
    """Ordered (pre-orders not failed or cancelled) vs uploaded tickets per (event, variant).

    One grouped query ranks and cuts the rows, one each for the variants' and events'
    names. Rows with the largest shortfall come first, so across many events the ones
    that need tickets are on top.
    """
    ordered = _scoped(PreOrder.objects.filter(status__in=ORDERED_STATUSES), event_keys, event_key)
    uploaded = _scoped(TicketCredential.objects.all(), event_keys, event_key)
    ranked, total_rows = _ranked_cells(ordered, uploaded, limit)
    variant_ids = {variant_id for (_key, variant_id), _n in ranked if variant_id}
    variants = {v.pk: v for v in Variant.objects.filter(pk__in=variant_ids)}
    event_keys_shown = {key for (key, _variant), _n in ranked}
    from event_pages.models import EventPage

    titles = {}
    for key, title in (
        EventPage.objects.filter(translation_key__in=event_keys_shown)
        .order_by("translation_key", "locale_id")
        .values_list("translation_key", "title")
    ):
        titles.setdefault(key, title)
    cells = []
    for (key, variant_id), (n_ordered, n_uploaded) in ranked:
        variant = variants.get(variant_id)
        cells.append(
            MatrixCell(
                event_title=titles.get(key, str(key)),
                variant=variant.name if variant else "",
                ordered=n_ordered,
                uploaded=n_uploaded,
            )
        )
    cells.sort(key=lambda cell: (cell.event_title.lower(), cell.variant.lower()))
    return Matrix(cells=cells, total_rows=total_rows)


CACHE_PREFIX = "fulfilment:dashboard"
GENERATION_KEY = f"{CACHE_PREFIX}:generation"


def figures(event_keys=None, event_key=None, *, scope: str = "") -> tuple[Overview, Matrix]:
    """The overview and the matrix.

    A view over many events (every event for fulfilment staff, an organizer's whole
    organization) counts whole tables, so its figures are cached for
    FULFILMENT_DASHBOARD_CACHE_SECONDS under `scope`, which names whose events they
    are ("" for every event, else e.g. the organization keys). One event's figures
    are always counted afresh. An action on the dashboard starts a new generation of
    the cache (forget_figures), so whoever acts sees its effect at once.
    """
    if event_key is not None or (event_keys is not None and not scope):
        return overview(event_keys, event_key), variant_matrix(event_keys, event_key)
    generation = cache.get(GENERATION_KEY, 0)
    key = f"{CACHE_PREFIX}:{generation}:{scope or 'all-events'}"
    cached = cache.get(key)
    if cached is None:
        cached = (overview(event_keys), variant_matrix(event_keys))
        cache.set(key, cached, settings.FULFILMENT_DASHBOARD_CACHE_SECONDS)
    return cached


def forget_figures() -> None:
    """After an action taken on the dashboard, every cached view of it counts afresh."""
    # A missing (never set, or evicted) generation starts from the clock, never from a
    # number whose cached figures may still be alive.
    cache.add(GENERATION_KEY, time.time_ns(), None)
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # evicted between add and incr
        cache.add(GENERATION_KEY, time.time_ns(), None)

"""The case list's queries, shared by the list, its export and the dashboard panel."""

from django.db.models import Case, DateTimeField, F, IntegerField, Q, Value, When

from crm.models import OPEN_STATUSES


def breached_q(now) -> Q:
    """SupportCase.is_breached as a filter: a due time passed before its answer (or by now)."""
    first = Q(first_response_due_at__isnull=False) & (
        Q(first_responded_at__isnull=True, first_response_due_at__lt=now)
        | Q(first_responded_at__gt=F("first_response_due_at"))
    )
    resolution = Q(resolution_due_at__isnull=False) & (
        Q(resolved_at__isnull=True, resolution_due_at__lt=now)
        | Q(resolved_at__gt=F("resolution_due_at"))
    )
    return first | resolution


def ordered(queryset):
    """Open cases first, each by its next due time (first response until answered, then
    resolution); closed and resolved ones after, newest first."""
    return queryset.annotate(
        done=Case(
            When(status__in=OPEN_STATUSES, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        next_due=Case(
            When(first_responded_at__isnull=True, then=F("first_response_due_at")),
            default=F("resolution_due_at"),
            output_field=DateTimeField(),
        ),
    ).order_by("done", F("next_due").asc(nulls_last=True), "pk")


def search_cases(queryset, query: str):
    """Subject or customer email containing `query`, or the case number (#12 or 12)."""
    query = (query or "").strip()
    if not query:
        return queryset
    number = query.lstrip("#")
    match = Q(subject__icontains=query) | Q(customer_email__icontains=query)
    if number.isdigit():
        match |= Q(pk=int(number))
    return queryset.filter(match)

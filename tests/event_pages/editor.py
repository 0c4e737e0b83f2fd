"""Drive the Wagtail page editor the way an organizer's browser does."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

ADD_URL = "/admin/pages/add/event_pages/eventpage/{parent}/"
EDIT_URL = "/admin/pages/{page}/edit/"


def tier(name="General", price="25.00", allocation="", enabled=True, **extra):
    row = {
        "name": name,
        "description": "",
        "price_minor": price,
        "currency": "EUR",
        "allocation": allocation,
        "sales_start": "",
        "sales_end": "",
        **extra,
    }
    if enabled:
        row["enabled"] = "on"
    return row


def event_form(*, tiers=(), initial_tiers=0, action=None, **fields):
    data = {
        "title": "Harbour Lights Festival",
        "slug": "harbour-lights",
        "summary": "Two nights of music by the water.",
        "starts_at": "2030-06-01 19:00",
        "ends_at": "2030-06-01 23:00",
        "time_zone": "Europe/Berlin",
        "total_capacity": "100",
        "body": streamfield([]),
        "tiers": inline_formset(list(tiers), initial=initial_tiers),
        **fields,
    }
    form = nested_form_data(data)
    if action:
        form[action] = "action"
    return form


def existing_tiers(event, **changes_by_name):
    """The event's tiers as formset rows, with per-tier changes (e.g. DELETE)."""
    rows = []
    for row in event.tiers.all():
        fields = tier(
            name=row.name,
            price=f"{row.price_minor / 100:.2f}",
            allocation="" if row.allocation is None else str(row.allocation),
            enabled=row.enabled,
            id=str(row.pk),
        )
        fields.update(changes_by_name.get(row.name, {}))
        rows.append(fields)
    return rows


def form_errors(response) -> dict:
    """Field errors of the page form and its tier forms, flattened."""
    form = response.context["form"]
    errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
    for index, tier_form in enumerate(form.formsets["tiers"].forms):
        for field, messages in tier_form.errors.items():
            errors[f"tiers-{index}-{field}"] = [str(m) for m in messages]
    return errors

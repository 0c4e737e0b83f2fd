"""The ticket CSV's rows as a django-import-export resource (issue 9 §2).

`TicketCredentialResource` imports a tablib Dataset with the columns Event, Variant,
Email and Password, one TicketCredential per row, through import-export's own flow:
each column is cleaned by its field's widget, a row that does not clean is an invalid
row of the Result (its ValidationError names the field), and valid rows are saved in
bulk. `import_data(dataset, dry_run=True, user=...)` is the preview: every row is
cleaned, built and checked as for real, but nothing is inserted. `dry_run=False`
stores (with `raise_errors=True` the first bad row undoes the whole import).

- `Event` is the event page's id or its slug (any language's copy); the event must take
  pre-orders (have a PreOrderOffer) and, for an organizer, be their organization's.
- `Variant` names one of the offer's variants (case-insensitive); empty only when the
  offer has none. The value as uploaded is kept too (`variant_label`).
- `Email` and `Password` are the ticket's login. The password is never set in plain
  text: its field seals it (fulfilment.crypto, with the keyed fingerprint) and exports
  only a mask.
- A row repeating an earlier row (same event, email and password) or a ticket already
  stored is invalid with the code "duplicate" (compared by fingerprint).

Everything a row is checked against is looked up once in `before_import`, in chunks —
events by id or slug with their offers and variants, the user's events, the stored
fingerprints — never one query per row. Keywords of `import_data`: `user` (required:
whose events), `upload` (the TicketUpload the saved rows belong to) and `row_numbers`
(each dataset row's row in the file, for the messages; by default the header is row 1).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.results import RowResult

from accounts.roles import FULFILMENT, PLATFORM_ADMIN, roles_of
from event_pages.models import EventPage
from event_pages.permissions import events_of, organization_keys_for
from fulfilment.models import PreOrderOffer, TicketCredential

HEADERS = ["Event", "Variant", "Email", "Password"]
MAX_LENGTHS = {"Event": 255, "Variant": 80, "Email": 254, "Password": 255}
REQUIRED = ("Event", "Email", "Password")
FIRST_DATA_ROW = 2  # the header is row 1
MASK = "••••••••"  # the same length for every password: says nothing about it
LOOKUP_CHUNK = 2000
UPLOAD_ROLES = frozenset({FULFILMENT, PLATFORM_ADMIN})
DUPLICATE = "duplicate"  # the code of a row that repeats a row or a stored ticket


# --- who may upload where -------------------------------------------------------


def may_upload_anywhere(user) -> bool:
    """The Fulfilment group (and the Platform admin) upload to every event."""
    return bool(roles_of(user) & UPLOAD_ROLES)


def uploadable_event_keys(user, event_keys) -> set:
    """Which of these events' keys `user` may upload tickets to (organizers: their own)."""
    if may_upload_anywhere(user):
        return set(event_keys)
    organization_keys = organization_keys_for(user)
    if not organization_keys or not event_keys:
        return set()
    return set(
        events_of(organization_keys)
        .filter(translation_key__in=event_keys)
        .values_list("translation_key", flat=True)
    )


# --- what the rows are checked against, looked up before the import -------------


def _chunks(values):
    values = list(values)
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


def _is_id(value: str) -> bool:
    """A page id as typed: ASCII digits only ("²" and "١٢" are digits to Python, not ids)."""
    return value.isascii() and value.isdigit()


def resolve_events(values: set[str]) -> dict:
    """{Event value: PreOrderOffer, or a reason string} for each distinct Event value."""
    ids = {int(v) for v in values if _is_id(v) and int(v) < 2**63}
    keys_by_id = {}
    for chunk in _chunks(ids):
        keys_by_id.update(
            EventPage.objects.filter(pk__in=chunk).values_list("pk", "translation_key")
        )
    slugs = {v for v in values if v and not (_is_id(v) and int(v) in keys_by_id)}
    keys_by_slug: dict[str, set] = {}
    for chunk in _chunks(slugs):
        for slug, key in EventPage.objects.filter(slug__in=chunk).values_list(
            "slug", "translation_key"
        ):
            keys_by_slug.setdefault(slug, set()).add(key)
    all_keys = set(keys_by_id.values()) | {k for keys in keys_by_slug.values() for k in keys}
    offers = {}
    for chunk in _chunks(all_keys):
        offers.update(
            (offer.event_key, offer)
            for offer in PreOrderOffer.objects.filter(event_key__in=chunk)
            .select_related("event")
            .prefetch_related("variants")
        )
    resolved = {}
    for value in values:
        if _is_id(value) and int(value) in keys_by_id:
            keys = {keys_by_id[int(value)]}
        else:
            keys = keys_by_slug.get(value, set())
        if not keys:
            resolved[value] = _("Event “%(event)s”: no event has this id or slug.") % {
                "event": value
            }
            continue
        with_offer = [offers[key] for key in keys if key in offers]
        if not with_offer:
            resolved[value] = _("Event “%(event)s” does not take pre-orders.") % {"event": value}
        elif len(with_offer) > 1:
            resolved[value] = _(
                "Event “%(event)s”: several events have this slug; give the event's id."
            ) % {"event": value}
        else:
            resolved[value] = with_offer[0]
    return resolved


def stored_fingerprints(pairs: set[tuple]) -> set[tuple]:
    """Which (event_key, fingerprint) pairs are already stored."""
    found = set()
    by_key: dict = {}
    for key, print_ in pairs:
        by_key.setdefault(key, []).append(print_)
    for key, prints in by_key.items():
        for chunk in _chunks(prints):
            found.update(
                (key, p)
                for p in TicketCredential.objects.filter(
                    event_key=key, fingerprint__in=chunk
                ).values_list("fingerprint", flat=True)
            )
    return found


def _text(value) -> str:
    return "" if value is None else force_str(value).strip()


@dataclass
class TicketLookups:
    """What one import checks its rows against, looked up once in `before_import`."""

    offers: dict = field(default_factory=dict)  # Event value -> PreOrderOffer, or why not
    own_keys: set = field(default_factory=set)  # event keys the user may upload to
    variants: dict = field(default_factory=dict)  # event key -> the offer's variants
    stored: set = field(default_factory=set, repr=False)  # (event_key, fingerprint) stored
    seen: dict = field(default_factory=dict, repr=False)  # (event_key, fingerprint) -> row

    @classmethod
    def of(cls, dataset, *, user) -> "TicketLookups":
        offers = resolve_events({_text(value) for value in dataset["Event"]})
        found = [o for o in offers.values() if isinstance(o, PreOrderOffer)]
        own_keys = uploadable_event_keys(user, {o.event_key for o in found})
        pairs = set()
        for event, email, password in zip(
            dataset["Event"], dataset["Email"], dataset["Password"], strict=True
        ):
            offer = offers.get(_text(event))
            email, password = _text(email), _text(password)
            if isinstance(offer, PreOrderOffer) and email and password:
                key = offer.event_key
                pairs.add((key, TicketCredential.fingerprint_of(key, email, password)))
        return cls(
            offers=offers,
            own_keys=own_keys,
            variants={o.event_key: list(o.variants.all()) for o in found},
            stored=stored_fingerprints(pairs),
        )

    def usable_offers(self) -> set:
        """The offers of the dataset's events that the user may upload to."""
        return {offer for offer in map(self.offer_of, self.offers) if offer is not None}

    def offer_of(self, event_value):
        """The offer a row's Event names, if the row may use it (else None)."""
        offer = self.offers.get(_text(event_value))
        if isinstance(offer, PreOrderOffer) and offer.event_key in self.own_keys:
            return offer
        return None


# --- the columns ------------------------------------------------------------------


def column_text(value, column: str) -> str:
    """A column's value stripped; ValueError when longer than the column allows."""
    text = _text(value)
    if len(text) > MAX_LENGTHS[column]:
        raise ValueError(
            _("%(column)s is longer than %(limit)s characters.")
            % {"column": column, "limit": MAX_LENGTHS[column]}
        )
    return text


class LookupWidget(widgets.Widget):
    """A column cleaned against the import's TicketLookups (set by `before_import`)."""

    lookups: TicketLookups | None = None


class EventWidget(LookupWidget):
    """Event: an event page's id or slug -> the PreOrderOffer of that event."""

    def clean(self, value, row=None, **kwargs):
        text = column_text(value, "Event")
        if not text:
            raise ValueError(_("Event is empty (give the event's id or slug)."))
        offer = self.lookups.offers[text]
        if not isinstance(offer, PreOrderOffer):
            raise ValueError(offer)
        if offer.event_key not in self.lookups.own_keys:
            raise ValueError(
                _("Event “%(event)s” is not your event: upload only to your organization's events.")
                % {"event": text}
            )
        return offer

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value.pk)


def variant_of(offer, variants: list, label: str):
    """(Variant or None, reason or None) for the Variant column of a row."""
    if not label:
        if variants:
            return None, _("Variant is empty; “%(event)s” has the variants %(names)s.") % {
                "event": offer.event.title,
                "names": ", ".join(v.name for v in variants),
            }
        return None, None
    wanted = label.casefold()
    for variant in variants:
        if variant.name.casefold() == wanted:
            return variant, None
    if not variants:
        return None, _("Variant “%(variant)s”: “%(event)s” has no variants (leave it empty).") % {
            "variant": label,
            "event": offer.event.title,
        }
    return None, _("Variant “%(variant)s” is not a variant of “%(event)s” (%(names)s).") % {
        "variant": label,
        "event": offer.event.title,
        "names": ", ".join(v.name for v in variants),
    }


class VariantWidget(LookupWidget):
    """Variant: one of the row's event's variants by name, without case (None: none)."""

    def clean(self, value, row=None, **kwargs):
        label = column_text(value, "Variant")
        offer = self.lookups.offer_of((row or {}).get("Event"))
        if offer is None:
            return None  # the Event column says what is wrong with the row
        variant, reason = variant_of(offer, self.lookups.variants[offer.event_key], label)
        if reason:
            raise ValueError(reason)
        return variant

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.name


class EmailWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        email = column_text(value, "Email")
        if not email:
            raise ValueError(_("Email is empty."))
        try:
            validate_email(email)
        except ValidationError:
            raise ValueError(
                _("Email “%(email)s” is not a valid email address.") % {"email": email}
            ) from None
        return email


class PasswordWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        password = column_text(value, "Password")
        if not password:
            raise ValueError(_("Password is empty."))
        return password


class EventField(fields.Field):
    """Sets the ticket's event page and the event's language-independent key."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        offer = self.clean(row, **kwargs)
        instance.event = offer.event
        instance.event_key = offer.event_key


class VariantField(fields.Field):
    """Sets the variant and keeps the label as uploaded."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        instance.variant = self.clean(row, **kwargs)
        instance.variant_label = _text(row[self.column_name])


class PasswordField(fields.Field):
    """Seals the password on the ticket (after Event and Email: they are bound to the
    ciphertext); exports a mask, never the password. A dry run (the preview) only
    takes its fingerprint, for the duplicate checks: nothing is encrypted until the
    rows are stored."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        password = self.clean(row, **kwargs)
        if kwargs.get("dry_run"):
            instance.fingerprint = TicketCredential.fingerprint_of(
                instance.event_key, instance.login_email, password
            )
        else:
            instance.seal_password(password)

    def export(self, instance, **kwargs):
        return MASK


# --- the resource -------------------------------------------------------------------


class TicketRowResult(RowResult):
    def add_instance_info(self, instance):
        # What the admin's log would show for the row: its login. (str() of a ticket
        # translates its status; 10,000 times that is a second of a 10,000-row import.)
        if instance is not None:
            self.object_id = instance.pk
            self.object_repr = instance.login_email


class TicketCredentialResource(resources.ModelResource):
    """One ticket CSV row -> one TicketCredential (see the module's docstring)."""

    event = EventField(attribute="event", column_name="Event", widget=EventWidget())
    variant = VariantField(attribute="variant", column_name="Variant", widget=VariantWidget())
    email = fields.Field(attribute="login_email", column_name="Email", widget=EmailWidget())
    password = PasswordField(attribute="password", column_name="Password", widget=PasswordWidget())

    class Meta:
        model = TicketCredential
        fields = ("event", "variant", "email", "password")
        # Password last: its sealing binds the event and the email to the ciphertext.
        import_order = ("event", "variant", "email", "password")
        import_id_fields = []  # every row is a new ticket: no instance to look up
        force_init_instance = True
        use_bulk = True
        batch_size = 1000
        use_transactions = True
        skip_diff = True
        store_instance = True
        # Each column's widget validates it; full_clean() would ask the database once
        # per row and foreign key.
        clean_model_instances = False

    @classmethod
    def get_row_result_class(cls):
        return TicketRowResult

    def before_import(self, dataset, **kwargs):
        self.lookups = TicketLookups.of(dataset, user=kwargs.get("user"))
        self.fields["event"].widget.lookups = self.lookups
        self.fields["variant"].widget.lookups = self.lookups
        self.row_numbers = kwargs.get("row_numbers") or range(
            FIRST_DATA_ROW, FIRST_DATA_ROW + len(dataset)
        )

    def before_import_row(self, row, **kwargs):
        self.current_row = self.row_numbers[kwargs["row_number"] - 1]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The column errors; then a repeat of an earlier row or of a stored ticket."""
        super().validate_instance(instance, import_validation_errors, validate_unique)
        pair = (instance.event_key, instance.fingerprint)
        first = self.lookups.seen.get(pair)
        if first is not None:
            raise ValidationError(
                _("Duplicate of row %(row)s (same Event, Email and Password).") % {"row": first},
                code=DUPLICATE,
            )
        if pair in self.lookups.stored:
            raise ValidationError(
                _("Already uploaded: a stored ticket has the same Event, Email and Password."),
                code=DUPLICATE,
            )
        self.lookups.seen[pair] = self.current_row

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Insert the rows, except in a dry run: the rows are checked already (the unique
        fingerprint too), so a preview writes nothing and holds no lock."""
        if dry_run:
            self.create_instances.clear()
            return
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size, result)

    def before_save_instance(self, instance, row, **kwargs):
        instance.upload = kwargs.get("upload")

    def column_of(self, attribute: str) -> str:
        return next(f.column_name for f in self.fields.values() if f.attribute == attribute)


def is_duplicate(error: ValidationError) -> bool:
    return getattr(error, "code", None) == DUPLICATE


def _rank(column: str, value: str) -> tuple:
    # The order the checks have always been reported in: a too long column, a missing
    # Event / Email / Password, then a bad email address, the event, the variant.
    if len(value) > MAX_LENGTHS[column]:
        return (0, HEADERS.index(column))
    if column in REQUIRED and not value:
        return (1, HEADERS.index(column))
    return (2, ["Email", "Event", "Variant", "Password"].index(column))


def reason_of(resource: TicketCredentialResource, error: ValidationError, row: dict) -> str:
    """The one reason a report gives for an invalid row (its first problem)."""
    if not hasattr(error, "error_dict"):
        return error.messages[0]
    problems = {
        resource.column_of(attribute): messages[0]
        for attribute, messages in error.message_dict.items()
    }
    column = min(problems, key=lambda name: _rank(name, _text(row.get(name))))
    return problems[column]

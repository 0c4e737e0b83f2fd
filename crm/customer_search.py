"""Finding a customer from one search box, and who may see which customers.

A customer is a person known by their email address, lowercased: an account
(accounts.User), a guest who bought orders (commerce.Order.buyer_email), a
member with pre-orders (fulfilment.PreOrder.member), or both.

`customer_scope(user)` is what a user may see of customers (the rule of
crm.permissions and fulfilment.permissions, asked once):
- Support and the Platform admin (superusers): every customer, order, pre-order, case;
- an organizer: the customers with orders or pre-orders for their organizations'
  events, and only those orders, pre-orders and cases;
- Fulfilment: the customers with pre-orders (every event), their pre-orders only;
- everyone else: nobody.

`search_customers(user, q)` answers exact identifiers (order number, ticket code,
pre-order id, a whole email address, phone); when none names anyone, email and name
prefix matches, then substring matches. Those are `icontains`/`istartswith`
lookups, which PostgreSQL answers from the GIN trigram indexes on UPPER(column) of
crm migrations 0004 and 0005 (on orders together with event_key, for organizers);
Django escapes LIKE's wildcards (% and _) in the value, so "50%" means 50%.

`customer_key(email)` is the customer's opaque key in admin URLs: the email
encrypted and authenticated (AES-GCM under a key derived from SECRET_KEY), so
URLs and access logs carry no email address and a key cannot be made up.
"""

import base64
import os
import re
import uuid
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac

from accounts.roles import FULFILMENT, roles_of
from commerce.models import Ticket
from crm import permissions as crm_permissions
from event_pages.permissions import organization_keys_for
from fulfilment.models import PreOrder
from fulfilment.permissions import visible_event_keys

# Substring search below this length would read most of every index: exact lookups only.
MIN_SUBSTRING_LENGTH = 3
ORDER_NUMBERS_PER_HIT = 10
WHOLE_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
KEY_SALT = "bilten.crm.customer-key"
NONCE_BYTES = 12


class BadCustomerKey(ValueError):
    """A customer key that was not made by this site (forged, cut, or from another key)."""


# --- who may see which customers -------------------------------------------------------


@dataclass(frozen=True)
class CustomerScope:
    """The orders, pre-orders and cases a user may see, and whether accounts without them."""

    orders: QuerySet
    pre_orders: QuerySet
    cases: QuerySet
    every_account: bool


def customer_scope(user) -> CustomerScope:
    """What `user` may see of customers (see the module docstring)."""
    everything = crm_permissions.sees_everything(user)
    is_member = bool(organization_keys_for(user))
    orders = crm_permissions.orders_for(user)
    cases = crm_permissions.cases_for(user)
    if everything or is_member or FULFILMENT in roles_of(user):
        keys = visible_event_keys(user)
        pre_orders = PreOrder.objects.all()
        if keys is not None:
            pre_orders = pre_orders.filter(event_key__in=keys)
    else:
        pre_orders = PreOrder.objects.none()
    return CustomerScope(
        orders=orders, pre_orders=pre_orders, cases=cases, every_account=everything
    )


def may_see_customers(user) -> bool:
    """Whether the Customers screens are for `user` at all (Support, Fulfilment, organizers)."""
    return crm_permissions.may_use_crm(user)


def may_export_customers(user) -> bool:
    return crm_permissions.EXPORT in crm_permissions.role_actions(user) or bool(
        organization_keys_for(user)
    )


# --- the customer key in URLs -----------------------------------------------------------


def _cipher(secret) -> AESGCM:
    return AESGCM(salted_hmac(KEY_SALT, "aes-256-gcm", secret=secret, algorithm="sha256").digest())


def customer_key(email: str) -> str:
    """An opaque, URL-safe key for the customer `email` (new nonce each time, all valid)."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = _cipher(settings.SECRET_KEY).encrypt(
        nonce, email.strip().lower().encode(), KEY_SALT.encode()
    )
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def email_from_key(key: str) -> str:
    """The email a key was made for; raises BadCustomerKey for anything this site did not make."""
    try:
        raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    except (ValueError, TypeError) as error:
        raise BadCustomerKey("not a customer key") from error
    if len(raw) <= NONCE_BYTES + 16:
        raise BadCustomerKey("not a customer key")
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            plain = _cipher(secret).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], KEY_SALT.encode())
        except InvalidTag:
            continue
        return plain.decode()
    raise BadCustomerKey("not a customer key")


# --- search -----------------------------------------------------------------------------


@dataclass
class CustomerHit:
    email: str
    name: str
    account_id: int | None
    order_numbers: list[str] = field(default_factory=list)
    order_count: int = 0
    pre_order_count: int = 0
    case_count: int = 0
    # What matched: "order", "ticket", "pre_order", "email", "phone" (exact) or "text".
    matched: str = "text"

    @property
    def exact(self) -> bool:
        return self.matched != "text"

    @property
    def key(self) -> str:
        return customer_key(self.email)


IDENTIFIER_MATCHES = ("order", "ticket", "pre_order")


def search_customers(user, q: str, limit: int = 25) -> list[CustomerHit]:
    """Customers `user` may see matching `q`: exact identifiers first, then name and email."""
    q = (q or "").strip()
    if not q or limit < 1:
        return []
    scope = customer_scope(user)
    found: dict[str, str] = {}  # email -> how it matched, in rank order
    for email, matched in _exact_matches(scope, q):
        found.setdefault(email, matched)
    names: dict[str, str] = {}
    # An identifier or a whole email address is looked up, never searched as text: it
    # names one customer, and its many trigrams are the costliest substring search.
    if len(q) >= MIN_SUBSTRING_LENGTH and not found and not WHOLE_EMAIL.match(q):
        texts = {}
        for email, name in _text_matches(scope, q, limit - len(found)):
            if email not in found:
                texts.setdefault(email, name)
        ranked = sorted(texts, key=lambda email: _text_rank(q, email, texts[email]))
        for email in ranked:
            found[email] = "text"
            names[email] = texts[email]
    emails = list(found)[:limit]
    return _hits(scope, emails, found, names)


def _text_rank(q: str, email: str, name: str) -> int:
    """Email prefix first, then name prefix, then a word of the name, then anywhere."""
    q, name = q.lower(), (name or "").lower()
    if email.startswith(q):
        return 0
    if name.startswith(q):
        return 1
    if f" {q}" in f" {name}":
        return 2
    return 3


def _exact_matches(scope: CustomerScope, q: str):
    """(email, kind) of the customers an identifier names exactly (indexed equality lookups)."""
    for email in scope.orders.filter(number__in={q, q.upper()}).values_list(
        "buyer_email", flat=True
    ):
        yield email.lower(), "order"
    ticket_orders = Ticket.objects.filter(code=q).values("order_id")
    for email in scope.orders.filter(pk__in=ticket_orders).values_list("buyer_email", flat=True):
        yield email.lower(), "ticket"
    try:
        pre_order_id = uuid.UUID(q)
    except ValueError:
        pre_order_id = None
    if pre_order_id is not None:
        for email in scope.pre_orders.filter(pk=pre_order_id).values_list(
            "member__email", flat=True
        ):
            yield email.lower(), "pre_order"
    if "@" in q:
        email = q.lower()
        if _visible_emails(scope, [email]):
            yield email, "email"
    phone = q.replace(" ", "")
    if phone.lstrip("+").replace("-", "").replace("/", "").isdigit() and len(phone) >= 5:
        accounts = get_user_model().objects.filter(phone__in={q, phone})
        emails = [email.lower() for email in accounts.values_list("email", flat=True)]
        for email in _visible_emails(scope, emails):
            yield email, "phone"


def _visible_emails(scope: CustomerScope, emails: list[str]) -> list[str]:
    """Those of `emails` that are customers `scope` may see (keeps their order)."""
    if not emails:
        return []
    seen = set(
        email.lower()
        for email in scope.orders.filter(buyer_email__in=emails).values_list(
            "buyer_email", flat=True
        )
    )
    seen |= set(
        scope.pre_orders.annotate(email=Lower("member__email"))
        .filter(email__in=emails)
        .values_list("email", flat=True)
    )
    seen |= set(
        scope.cases.annotate(email=Lower("customer_email"))
        .filter(email__in=emails)
        .values_list("email", flat=True)
    )
    if scope.every_account:
        seen |= set(
            get_user_model()
            .objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails)
            .values_list("email_lower", flat=True)
        )
    return [email for email in emails if email in seen]


def _text_matches(scope: CustomerScope, q: str, wanted: int):
    """(email, name) of customers whose email or name starts with, then contains, `q`.

    Each query is cut at a few rows per wanted customer and has no ORDER BY: the
    trigram indexes hand back the matching rows and the database stops early.
    """
    rows = max(wanted, 1) * 4
    seen: set[str] = set()
    for lookup in ("istartswith", "icontains"):
        batches = [_orders_matching(scope, lookup, q, rows)]
        if scope.every_account:  # members are accounts: found there
            batches.append(_accounts_matching(lookup, q, rows))
        else:
            batches.append(_pre_orders_matching(scope, lookup, q, rows))
        for batch in batches:
            for email, name in batch:
                seen.add(email)
                yield email, name
        if len(seen) >= wanted:
            return


def _orders_matching(scope, lookup, q, rows):
    matches = Q(**{f"buyer_email__{lookup}": q}) | Q(**{f"buyer_name__{lookup}": q})
    for email, name in (
        scope.orders.filter(matches).order_by().values_list("buyer_email", "buyer_name")[:rows]
    ):
        yield email.lower(), name


def _pre_orders_matching(scope, lookup, q, rows):
    matches = Q(**{f"member__email__{lookup}": q}) | Q(**{f"member__name__{lookup}": q})
    for email, name in (
        scope.pre_orders.filter(matches)
        .order_by()
        .values_list("member__email", "member__name")[:rows]
    ):
        yield email.lower(), name


def _accounts_matching(lookup, q, rows):
    matches = Q(**{f"email__{lookup}": q}) | Q(**{f"name__{lookup}": q})
    accounts = get_user_model().objects.filter(matches).order_by()
    for email, name in accounts.values_list("email", "name")[:rows]:
        yield email.lower(), name


def _hits(scope: CustomerScope, emails: list[str], found: dict, names: dict) -> list[CustomerHit]:
    """One hit per email with its account, its newest order numbers and its counts (4 queries)."""
    if not emails:
        return []
    accounts = {
        email: (pk, name)
        for pk, email, name in get_user_model()
        .objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .values_list("pk", "email_lower", "name")
    }
    account_email = {pk: email for email, (pk, _name) in accounts.items()}
    hits = {
        email: CustomerHit(
            email=email,
            name=(accounts[email][1] if email in accounts else "") or names.get(email, ""),
            account_id=accounts[email][0] if email in accounts else None,
            matched=found[email],
        )
        for email in emails
    }
    orders = scope.orders.filter(
        Q(buyer_email__in=emails) | Q(buyer_id__in=list(account_email))
    ).order_by("-created_at")
    for email, buyer_id, number, name in orders.values_list(
        "buyer_email", "buyer_id", "number", "buyer_name"
    ):
        hit = hits.get(account_email.get(buyer_id)) or hits.get(email.lower())
        if hit is None:
            continue
        hit.order_count += 1
        if len(hit.order_numbers) < ORDER_NUMBERS_PER_HIT:
            hit.order_numbers.append(number)
        hit.name = hit.name or name
    pre_orders = (
        scope.pre_orders.filter(member_id__in=list(account_email))
        .values("member_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in pre_orders:
        hits[account_email[row["member_id"]]].pre_order_count = row["count"]
    cases = (
        scope.cases.annotate(email=Lower("customer_email"))
        .filter(Q(email__in=emails) | Q(customer_id__in=list(account_email)))
        .values_list("email", "customer_id")
    )
    for email, customer_id in cases:
        hit = hits.get(account_email.get(customer_id)) or hits.get(email)
        if hit is not None:
            hit.case_count += 1
    return [hits[email] for email in emails]

"""The demo's sales history as data: who buys, what each event sells, over which weeks.

commerce.demo.sales buys all of it through the real services (hold, checkout, the
demo card, the webhook). Numbers are tickets per tier; days are days before the
run. `None` tickets means "everything that is left": the tier's allocation, or
the event, sells out. Everything random is drawn from a generator seeded with
the event's slug, so every run plans the same history.
"""

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Member:
    """A buyer with an account (the shared demo password)."""

    email: str
    name: str
    language: str = "en"


# Created by seed_demo if missing; `attendee@example.com` (a demo login of
# event_pages.demo.data) buys too, so its account page has tickets.
MEMBERS = (
    Member("lena.fischer@example.com", "Lena Fischer", "de"),
    Member("marco.rossi@example.com", "Marco Rossi"),
    Member("sophie.laurent@example.com", "Sophie Laurent", "fr"),
    Member("daniel.okafor@example.com", "Daniel Okafor"),
    Member("aylin.demir@example.com", "Aylin Demir", "de"),
)
DEMO_LOGIN_BUYER = "attendee@example.com"


@dataclass(frozen=True)
class TierSales:
    tickets: int | None  # None: every ticket left (the tier's allocation, else the event)
    days: tuple[int, int] | None = None  # (first, last) sale in days before the run
    with_tier: str = ""  # each order also has as many tickets of this tier (an add-on's pass)


@dataclass(frozen=True)
class EventSales:
    slug: str
    tiers: dict[str, TierSales]
    days: tuple[int, int]  # (first, last) sale in days before the run
    group_sizes: tuple[int, ...] = (1, 2, 2, 2, 2, 3, 4, 4, 5, 6)  # tickets per order, drawn
    member_share: float = 0.2  # orders by buyers with an account
    german_share: float = 0.3  # orders on the German page, when the event has one


CONCERT = (1, 2, 2, 2, 2, 3, 4, 4, 5, 6)
CONFERENCE = (1, 1, 1, 1, 2, 2, 3, 4)

# The past event (aurora-season-opening) has no history: a payment that settles after
# the event ended is refunded (orders.confirm_payment), and settling has no `now=`.
SALES = (
    EventSales(
        "neon-harbour-live",
        {
            "Early Bird": TierSales(None, days=(45, 36)),  # the allocation used up
            "General Admission": TierSales(90, days=(36, 0)),
            "Balcony": TierSales(30),
        },
        days=(45, 0),
    ),
    EventSales(
        "tempelhof-summer-festival",
        {
            "Weekend Pass": TierSales(120),
            "Saturday Ticket": TierSales(30),
            "Sunday Ticket": TierSales(24),
            "VIP Weekend": TierSales(12),
        },
        days=(60, 0),
    ),
    EventSales(
        "living-room-session-ellie-marsh",  # sold out; one late payment refunded
        {"Sofa Seat": TierSales(None)},
        days=(20, 9),
        group_sizes=(1, 2),
    ),
    EventSales(
        "late-laughs-berlin",
        {"Standard": TierSales(70), "Front Rows": TierSales(20)},
        days=(30, 0),
    ),
    EventSales(
        "hamburg-jazz-nights",
        {"Night Ticket": TierSales(40), "Table for Two": TierSales(10)},
        days=(25, 0),
        group_sizes=(2,),
    ),
    EventSales(
        "cloud-native-vienna",
        {
            "Early Bird": TierSales(60, days=(50, 20)),
            "Conference Pass": TierSales(30, days=(20, 0)),
            "Workshop Day Add-on": TierSales(12, with_tier="Conference Pass"),
        },
        days=(50, 0),
        group_sizes=CONFERENCE,
    ),
    EventSales(
        "product-leaders-summit-zurich",
        {
            "Early Bird": TierSales(25, days=(40, 15)),
            "Standard": TierSales(20),
            "Leadership Circle": TierSales(6),
        },
        days=(40, 0),
        group_sizes=CONFERENCE,
    ),
    EventSales(
        "data-engineering-day-amsterdam",
        {"Conference Pass": TierSales(30), "Student": TierSales(8)},
        days=(30, 0),
        group_sizes=CONFERENCE,
    ),
    EventSales(
        "python-testing-workshop-london",  # sold out
        {"Workshop Seat": TierSales(None)},
        days=(35, 4),
        group_sizes=CONFERENCE,
    ),
    EventSales(
        "european-security-forum",  # its early bird opened two weeks ago
        {"Early Bird": TierSales(12), "Regular": TierSales(4, days=(5, 0))},
        days=(14, 0),
        group_sizes=CONFERENCE,
    ),
    EventSales(
        "founders-breakfast-amsterdam",
        {"Breakfast Ticket": TierSales(36)},
        days=(21, 0),
        group_sizes=CONFERENCE,
    ),
)


@dataclass(frozen=True)
class Scenario:
    """One story the support and sales screens should have to show."""

    event: str  # slug
    tier: str
    quantity: int
    buyer: str  # a member's email, or "Name <email>" for a guest
    days_ago: int = 0  # when it happened (the late payment: once the event sold out)


# 4000 0000 0000 0002 is declined, then the member pays with 4242 4242 4242 4242.
DECLINED_THEN_PAID = Scenario(
    "cloud-native-vienna", "Conference Pass", 1, "marco.rossi@example.com", days_ago=6
)
# Held one of the last seats, let the hold expire, paid once the event had sold out:
# refunded automatically (commerce.services.orders.refund_unfulfillable).
LATE_PAYMENT = Scenario(
    "living-room-session-ellie-marsh", "Sofa Seat", 1, "Nina Brandt <nina.brandt@example.org>"
)
LATE_PAYMENT_WHEN_LEFT = 2  # the late buyer holds once this many seats are left


FIRST_NAMES = (
    "Anna Ben Carla David Elif Felix Greta Hannah Ivan Julia Karim Laura Mateo Mia Noah "
    "Olivia Paul Quentin Rosa Samuel Tessa Ugo Vera Wim Xenia Yusuf Zoe Emil Ines Jakob "
    "Leonie Milan Nora Oskar Pia Rafael Sara Theo Valentina Amelie Finn Ida Luca Maya"
).split()
LAST_NAMES = (
    "Schmidt Müller Novak Rossi García Dubois Jansen Kowalski Nielsen Costa Horvat Meyer "
    "Lindqvist Moreau Bakker Popescu Yilmaz Schneider Wagner Romano Fischer Bauer Keller "
    "Vogel Brandt Peeters Silva Larsen Kaya Hofmann O'Brien Weiss Martin Sorensen"
).split()


@dataclass(frozen=True)
class Buyer:
    email: str
    name: str
    member: bool


@dataclass
class PlannedSale:
    moment: dt.datetime
    lines: list[tuple[str, int]]  # (tier name, tickets); a None tier's are capped when bought
    buyer: Buyer
    german: bool = False
    attendees: list[str] = field(default_factory=list)


def guest(rng: random.Random) -> Buyer:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    plain = unicodedata.normalize("NFKD", f"{first}.{last}".lower())
    local = "".join(c for c in plain if c.isascii() and (c.isalnum() or c == "."))
    return Buyer(f"{local}@example.org", f"{first} {last}", member=False)


def parse_buyer(text: str) -> Buyer:
    """A scenario's buyer: "Name <email>" is a guest, a bare email a member."""
    if "<" in text:
        name, email = text.rstrip(">").split("<")
        return Buyer(email.strip(), name.strip(), member=False)
    member = next(m for m in MEMBERS if m.email == text)
    return Buyer(member.email, member.name, member=True)


def sale_moment(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A moment in [start, end]: many right after sales open, fewer in the middle weeks,
    a pick-up at the end, and mostly in the daytime (UTC 07-22)."""
    shape = rng.random()
    if shape < 0.35:
        x = rng.betavariate(1, 5)  # the on-sale rush
    elif shape < 0.8:
        x = rng.random()
    else:
        x = 1 - rng.betavariate(1, 6)  # the last weeks
    moment = start + (end - start) * x
    moment = moment.replace(hour=rng.randint(7, 22), minute=rng.randint(0, 59))
    return min(max(moment, start), end)


def plan_event(
    plan: EventSales,
    *,
    windows: dict[str, tuple[dt.datetime, dt.datetime]],
    left: dict[str, int],
    members: list[Buyer],
    has_german: bool,
) -> list[PlannedSale]:
    """The event's orders in time order. `windows`: when each tier can be sold (already
    clipped to its sales window and the event's end); `left`: tickets a None tier can
    still sell, to plan enough orders."""
    rng = random.Random(plan.slug)
    sales = []
    for name, tier in plan.tiers.items():
        if name not in windows:
            continue
        start, end = windows[name]
        remaining = tier.tickets if tier.tickets is not None else left.get(name, 0)
        while remaining > 0:
            quantity = min(rng.choice(plan.group_sizes), remaining)
            remaining -= quantity
            buyer = (
                rng.choice(members) if members and rng.random() < plan.member_share else guest(rng)
            )
            lines = [(name, quantity)]
            if tier.with_tier:
                lines.insert(0, (tier.with_tier, quantity))
            people = [buyer.name] + [
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(quantity - 1)
            ]
            sales.append(
                PlannedSale(
                    moment=sale_moment(rng, start, end),
                    lines=lines,
                    buyer=buyer,
                    german=has_german and rng.random() < plan.german_share,
                    attendees=people * len(lines),  # one name per ticket, line by line
                )
            )
    sales.sort(key=lambda sale: sale.moment)
    return sales

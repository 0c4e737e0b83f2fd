"""The pre-order demo as data: one club night sold as pre-orders, three entry windows.

seed_demo (through fulfilment.demo.seed) creates the event, its offer and variants,
one pre-order per member in the status planned here and the tickets "uploaded" so
far, so the member portal, the dashboard and the upload screen have something to
show. docs/samples/tickets.csv is the promoter's next CSV for this event: uploading
it fills the waiting and paid pre-orders (see docs/fulfilment.md).
"""

from dataclasses import dataclass

from event_pages.demo import data as site

EVENT = site.Event(
    slug="skyline-rooftop-night",
    title="Skyline Rooftop Night",
    organization=site.AURORA,
    category="concerts",
    venue="markthalle",
    starts_in_days=30,
    start_time="21:00",
    hours=5,
    time_zone="Europe/Berlin",
    capacity=400,
    palette="violet",
    summary="House and disco on the Markthalle roof: pre-order a place in one of three "
    "entry windows, your ticket login arrives by email before the night.",
    tiers=(
        site.Tier(
            "Late entry",
            2500,
            "After 22:30, at the door's pace; pre-order an entry window to skip the queue.",
            allocation=100,
        ),
    ),
    body=(
        site.Heading("Three entry windows"),
        site.Paragraph(
            (
                "The roof holds a limited crowd, so entry is in three half-hour windows. "
                "Pre-order a place in the window you like: your card is saved now and "
                "charged on the Tuesday run at 19:00.",
                "The promoter sends the ticket logins a few weeks before the night; we "
                "email yours as soon as it arrives, first paid, first served.",
            )
        ),
    ),
)

PRICE_MINOR = 2900
CURRENCY = "EUR"
FALLBACK = "none"  # a waiting pre-order stays visible in the demo instead of moving windows

# (name, local start "HH:MM", local end); the windows are on the event's day, its zone.
VARIANTS = (
    ("Entry 21:00–21:30", "21:00", "21:30"),
    ("Entry 21:30–22:00", "21:30", "22:00"),
    ("Entry 22:00–22:30", "22:00", "22:30"),
)


@dataclass(frozen=True)
class Member:
    email: str
    name: str
    language: str = "en"


# Members created by the pre-order demo when missing (the shared demo password).
# The sales history's buyers and attendee@example.com pre-order too.
MEMBERS = (
    Member("jana.schulz@example.com", "Jana Schulz", "de"),
    Member("felix.braun@example.com", "Felix Braun", "de"),
    Member("chloe.martin@example.com", "Chloé Martin", "fr"),
    Member("noah.williams@example.com", "Noah Williams"),
    Member("mia.hoffmann@example.com", "Mia Hoffmann", "de"),
    Member("lucas.bernard@example.com", "Lucas Bernard", "fr"),
    Member("emma.wilson@example.com", "Emma Wilson"),
    Member("paul.neumann@example.com", "Paul Neumann", "de"),
    Member("ines.garcia@example.com", "Inès Garcia", "fr"),
    Member("oliver.king@example.com", "Oliver King"),
    Member("hannah.wolf@example.com", "Hannah Wolf", "de"),
    Member("samuel.adeyemi@example.com", "Samuel Adeyemi"),
)


@dataclass(frozen=True)
class PlannedPreOrder:
    email: str
    variant: int  # index into VARIANTS
    status: str  # a fulfilment.models.PreOrderStatus value


# The story, in the order the pre-orders were placed (FIFO within each window):
# - windows 1 and 2 were paid on the capture run two weeks ago (one card failed every
#   capture: the 0341 test card); the promoter's first CSV came two days later with
#   7 tickets for window 1 and 3 for window 2: window 2's last two paid pre-orders wait
#   for stock, and window 1's 7th ticket is unmatched (its 7th pre-order is not paid
#   yet, and no ticket goes to an unpaid pre-order);
# - window 3 was paid on last week's run and has no tickets yet (paid, not matched);
# - three cards were saved since the last run and wait for the next Tuesday.
PRE_ORDERS = (
    PlannedPreOrder("attendee@example.com", 0, "fulfilled"),
    PlannedPreOrder("aylin.demir@example.com", 0, "fulfilled"),
    PlannedPreOrder("felix.braun@example.com", 1, "fulfilled"),
    PlannedPreOrder("jana.schulz@example.com", 0, "fulfilled"),
    PlannedPreOrder("mia.hoffmann@example.com", 1, "fulfilled"),
    PlannedPreOrder("noah.williams@example.com", 0, "fulfilled"),
    PlannedPreOrder("daniel.okafor@example.com", 1, "failed"),
    PlannedPreOrder("chloe.martin@example.com", 0, "fulfilled"),
    PlannedPreOrder("emma.wilson@example.com", 1, "fulfilled"),
    PlannedPreOrder("paul.neumann@example.com", 0, "fulfilled"),
    PlannedPreOrder("lena.fischer@example.com", 1, "waiting_for_stock"),
    PlannedPreOrder("lucas.bernard@example.com", 1, "waiting_for_stock"),
    PlannedPreOrder("sophie.laurent@example.com", 2, "confirmed"),
    PlannedPreOrder("ines.garcia@example.com", 2, "confirmed"),
    PlannedPreOrder("hannah.wolf@example.com", 2, "confirmed"),
    PlannedPreOrder("marco.rossi@example.com", 2, "processing"),
    PlannedPreOrder("oliver.king@example.com", 0, "processing"),
    PlannedPreOrder("samuel.adeyemi@example.com", 2, "processing"),
)

# The promoter's first CSV, already committed: tickets per window (window index -> n).
FIRST_UPLOAD = {0: 7, 1: 3}
TICKET_DOMAIN = "tickets.example.com"


def ticket_login(variant: int, number: int) -> str:
    return f"rooftop-w{variant + 1}-{number:03d}@{TICKET_DOMAIN}"


def ticket_password(variant: int, number: int) -> str:
    """Deterministic demo passwords (they are in the docs' sample too, never real)."""
    return f"Roof-{variant + 1}{number:03d}-{(variant * 7919 + number * 104729) % 9000 + 1000}"

"""The demo catalogue: two organizations and a dozen events, relative to today."""

CATEGORIES = [
    ("Concerts", "concerts"),
    ("Festivals", "festivals"),
    ("Conferences", "conferences"),
    ("Workshops", "workshops"),
    ("Comedy", "comedy"),
    ("Theatre", "theatre"),
]

VENUES = {
    "columbiahalle": ("Columbiahalle", "Columbiadamm 13-21", "10965", "Berlin", "Germany", 52.4836, 13.3929),
    "markthalle": ("Markthalle Hamburg", "Klosterwall 11", "20095", "Hamburg", "Germany", 53.5488, 10.0060),
    "tonhalle": ("Tonhalle München", "Atelierstraße 24", "81671", "Munich", "Germany", 48.1237, 11.6040),
    "tempelhof": ("Tempelhofer Feld", "Tempelhofer Damm 1", "12101", "Berlin", "Germany", 52.4731, 13.4039),
    "austria_center": ("Austria Center Vienna", "Bruno-Kreisky-Platz 1", "1220", "Vienna", "Austria", 48.2349, 16.4139),
    "kongresshaus": ("Kongresshaus Zürich", "Claridenstrasse 5", "8002", "Zurich", "Switzerland", 47.3663, 8.5335),
    "beurs": ("Beurs van Berlage", "Damrak 243", "1012 ZJ", "Amsterdam", "Netherlands", 52.3745, 4.8963),
    "barbican": ("Barbican Centre", "Silk Street", "EC2Y 8DS", "London", "United Kingdom", 51.5202, -0.0938),
}

ORGANIZATIONS = [
    {
        "slug": "aurora-live",
        "title": "Aurora Live",
        "about": "<p>Aurora Live brings independent music to the best rooms in Germany — "
        "from sweaty club nights to open-air summer festivals. Since 2012.</p>",
        "contact_email": "hello@aurora-live.example",
        "contact_phone": "+49 30 1234 5678",
        "website": "https://aurora-live.example",
    },
    {
        "slug": "northwind-conferences",
        "title": "Northwind Conferences",
        "about": "<p>Northwind runs focused, friendly conferences and workshops for people "
        "who build software and businesses across Europe.</p>",
        "contact_email": "team@northwind.example",
        "contact_phone": "+43 1 987 6543",
        "website": "https://northwind.example",
    },
]

# tiers: (name, description, price_minor, currency, allocation, enabled, sales_window_days)
EVENTS = [
    {
        "org": "aurora-live", "slug": "neon-harbour-live", "title": "Neon Harbour Live",
        "summary": "Synth-pop under the harbour lights: three bands, one long night.",
        "category": "concerts", "venue": "markthalle", "days": 12, "hour": 20, "hours": 4,
        "tz": "Europe/Berlin", "capacity": 900, "featured": True,
        "tiers": [
            ("Early Bird", "Limited first-release tickets.", 2900, "EUR", 150, True, None),
            ("General Admission", "Standing, main floor.", 3900, "EUR", None, True, None),
            ("Balcony", "Seated balcony with bar service.", 5900, "EUR", 80, True, None),
        ],
        "lineup": [("Mara Voss", "Headliner"), ("The Quiet Tides", "Support"), ("DJ Kepler", "Late set")],
        "translate": True,
    },
    {
        "org": "aurora-live", "slug": "tempelhof-summer-festival", "title": "Tempelhof Summer Festival",
        "summary": "Two days, three stages and a runway full of music, food and art.",
        "category": "festivals", "venue": "tempelhof", "days": 95, "hour": 12, "hours": 34,
        "tz": "Europe/Berlin", "capacity": 12000, "featured": True,
        "tiers": [
            ("Weekend Pass", "Both days, all stages.", 11900, "EUR", None, True, None),
            ("Saturday", "Saturday only.", 6900, "EUR", 4000, True, None),
            ("Sunday", "Sunday only.", 6900, "EUR", 4000, True, None),
            ("VIP Weekend", "Lounge, fast lane and viewing deck.", 24900, "EUR", 300, True, 60),
        ],
        "lineup": [("Lina Ost", "Main stage"), ("Parallel Lines", "Main stage"), ("Oskar Brandt", "Forest stage")],
        "translate": True,
    },
    {
        "org": "aurora-live", "slug": "acoustic-sundays", "title": "Acoustic Sundays: Ellie Marsh",
        "summary": "An intimate seated evening of songs and stories.",
        "category": "concerts", "venue": "tonhalle", "days": 26, "hour": 19, "hours": 3,
        "tz": "Europe/Berlin", "capacity": 5, "featured": False,
        "tiers": [("Seated", "Unreserved seating.", 3400, "EUR", None, True, None)],
        "lineup": [("Ellie Marsh", "Singer-songwriter")],
    },
    {
        "org": "aurora-live", "slug": "late-laughs-berlin", "title": "Late Laughs Berlin",
        "summary": "Five stand-up comedians, in English, past midnight.",
        "category": "comedy", "venue": "columbiahalle", "days": 40, "hour": 22, "hours": 3,
        "tz": "Europe/Berlin", "capacity": 600, "featured": False,
        "tiers": [
            ("Standard", "", 2200, "EUR", None, True, None),
            ("Front Rows", "Risky. You may be talked to.", 3200, "EUR", 60, True, None),
            ("Student", "Bring your student ID.", 1500, "EUR", 0, False, None),
        ],
    },
    {
        "org": "aurora-live", "slug": "hamburg-jazz-nights", "title": "Hamburg Jazz Nights",
        "summary": "A week of late-night jazz sessions by the Elbe.",
        "category": "concerts", "venue": "markthalle", "days": 64, "hour": 21, "hours": 3,
        "tz": "Europe/Berlin", "capacity": 350, "featured": False,
        "tiers": [("Night Ticket", "", 2500, "EUR", None, True, None)],
    },
    {
        "org": "aurora-live", "slug": "winter-theatre-gala", "title": "Winter Theatre Gala",
        "summary": "Scenes from the season's best plays in one festive evening.",
        "category": "theatre", "venue": "tonhalle", "days": 150, "hour": 19, "hours": 3,
        "tz": "Europe/Berlin", "capacity": 800, "featured": False,
        "tiers": [("Stalls", "", 4900, "EUR", None, True, None), ("Circle", "", 3900, "EUR", 300, True, None)],
        "draft": True,
    },
    {
        "org": "aurora-live", "slug": "spring-warm-up", "title": "Spring Warm-Up Party",
        "summary": "Last spring's opening party (past event).",
        "category": "concerts", "venue": "columbiahalle", "days": -30, "hour": 21, "hours": 5,
        "tz": "Europe/Berlin", "capacity": 500, "featured": False,
        "tiers": [("Entry", "", 1800, "EUR", None, True, None)],
    },
    {
        "org": "northwind-conferences", "slug": "cloud-native-vienna", "title": "Cloud Native Vienna 2027",
        "summary": "Two days of talks on platforms, observability and running software well.",
        "category": "conferences", "venue": "austria_center", "days": 45, "hour": 9, "hours": 33,
        "tz": "Europe/Vienna", "capacity": 1200, "featured": True,
        "tiers": [
            ("Early Bird", "Until sold out.", 29900, "EUR", 200, True, None),
            ("Regular", "", 44900, "EUR", None, True, None),
            ("Workshop Day Add-on", "Hands-on labs on day zero.", 19900, "EUR", 120, True, None),
        ],
        "lineup": [("Dr. Amira Haddad", "Keynote"), ("Jonas Reiter", "Observability"), ("Priya Natarajan", "Platform engineering")],
        "schedule": [("09:00", "Doors and coffee"), ("09:30", "Opening keynote"), ("11:00", "Parallel tracks"), ("17:30", "Community drinks")],
    },
    {
        "org": "northwind-conferences", "slug": "product-leaders-zurich", "title": "Product Leaders Summit Zürich",
        "summary": "A one-day summit for people who decide what gets built.",
        "category": "conferences", "venue": "kongresshaus", "days": 33, "hour": 9, "hours": 9,
        "tz": "Europe/Zurich", "capacity": 400, "featured": False,
        "tiers": [("Standard", "", 39000, "CHF", None, True, None), ("Team of 3", "Three seats, one invoice.", 99000, "CHF", 40, True, None)],
        "lineup": [("Sofia Lindqvist", "Keynote"), ("Marco Bernasconi", "Panel host")],
        "translate": True,
    },
    {
        "org": "northwind-conferences", "slug": "data-engineering-amsterdam", "title": "Data Engineering Day Amsterdam",
        "summary": "Pipelines, warehouses and the people who keep them running.",
        "category": "conferences", "venue": "beurs", "days": 78, "hour": 9, "hours": 8,
        "tz": "Europe/Amsterdam", "capacity": 700, "featured": False,
        "tiers": [("Conference Pass", "", 34900, "EUR", None, True, None), ("Student", "", 9900, "EUR", 50, True, None)],
        "schedule": [("09:00", "Registration"), ("10:00", "Keynote: boring pipelines"), ("13:00", "Lightning talks")],
    },
    {
        "org": "northwind-conferences", "slug": "python-workshop-london", "title": "Hands-on Python Testing Workshop",
        "summary": "A full-day, laptop-open workshop on testing real-world Python.",
        "category": "workshops", "venue": "barbican", "days": 20, "hour": 10, "hours": 7,
        "tz": "Europe/London", "capacity": 40, "featured": False,
        "tiers": [("Workshop Seat", "Lunch included.", 29500, "GBP", None, True, None)],
        "lineup": [("Hannah Okafor", "Instructor")],
    },
    {
        "org": "northwind-conferences", "slug": "security-forum-vienna", "title": "European Security Forum",
        "summary": "Threat models, incident stories and practical defence.",
        "category": "conferences", "venue": "austria_center", "days": 120, "hour": 9, "hours": 9,
        "tz": "Europe/Vienna", "capacity": 900, "featured": False,
        "tiers": [("Early Bird", "", 24900, "EUR", 100, True, 30), ("Regular", "", 37900, "EUR", None, True, None)],
    },
    {
        "org": "northwind-conferences", "slug": "founders-breakfast-amsterdam", "title": "Founders' Breakfast",
        "summary": "Coffee, croissants and honest stories from three founders.",
        "category": "workshops", "venue": "beurs", "days": 8, "hour": 8, "hours": 2,
        "tz": "Europe/Amsterdam", "capacity": 80, "featured": False,
        "tiers": [("Breakfast Ticket", "", 2500, "EUR", None, True, None)],
    },
]

BODY_INTRO = (
    "<p>{summary} Doors open an hour before the start. The venue is step-free and "
    "has an accessible toilet; tell us in advance if you need anything else.</p>"
)

FAQ = [
    ("Can I transfer my ticket?", "<p>Yes — name changes are free until 48 hours before the event.</p>"),
    ("Is there a cloakroom?", "<p>Yes, for a small fee at the entrance.</p>"),
    ("What if the event is cancelled?", "<p>You get a full refund automatically.</p>"),
]

GERMAN = {
    "Neon Harbour Live": "Neon Harbour Live",
    "Synth-pop under the harbour lights: three bands, one long night.":
        "Synthpop unter den Hafenlichtern: drei Bands, eine lange Nacht.",
    "Tempelhof Summer Festival": "Tempelhof Sommerfestival",
    "Two days, three stages and a runway full of music, food and art.":
        "Zwei Tage, drei Bühnen und eine Landebahn voller Musik, Essen und Kunst.",
    "Product Leaders Summit Zürich": "Product Leaders Summit Zürich",
    "A one-day summit for people who decide what gets built.":
        "Ein eintägiger Gipfel für Menschen, die entscheiden, was gebaut wird.",
    "Early Bird": "Frühbucher",
    "Limited first-release tickets.": "Begrenzte Tickets der ersten Verkaufsphase.",
    "General Admission": "Stehplatz",
    "Standing, main floor.": "Stehplatz im Innenraum.",
    "Balcony": "Balkon",
    "Seated balcony with bar service.": "Sitzplatz auf dem Balkon mit Barservice.",
    "Weekend Pass": "Wochenendticket",
    "Both days, all stages.": "Beide Tage, alle Bühnen.",
    "Saturday": "Samstag",
    "Saturday only.": "Nur Samstag.",
    "Sunday": "Sonntag",
    "Sunday only.": "Nur Sonntag.",
    "VIP Weekend": "VIP-Wochenende",
    "Lounge, fast lane and viewing deck.": "Lounge, Schnelleinlass und Aussichtsdeck.",
    "Standard": "Standard",
    "Team of 3": "Dreierteam",
    "Three seats, one invoice.": "Drei Plätze, eine Rechnung.",
    "Line-up": "Line-up",
    "Questions": "Fragen",
    "Can I transfer my ticket?": "Kann ich mein Ticket übertragen?",
    "Is there a cloakroom?": "Gibt es eine Garderobe?",
    "What if the event is cancelled?": "Was passiert, wenn die Veranstaltung ausfällt?",
    "Get your tickets before they are gone.": "Sichere dir deine Tickets, bevor sie weg sind.",
    "Get tickets": "Tickets kaufen",
    "Bilten": "Bilten",
    "Find your next night out": "Finde deinen nächsten Abend",
    "Concerts, conferences, festivals and talks — tickets in a minute.":
        "Konzerte, Konferenzen, Festivals und Vorträge — Tickets in einer Minute.",
    "Aurora Live": "Aurora Live",
    "Northwind Conferences": "Northwind Conferences",
}

USERS = [
    ("admin@example.com", "Ada Admin", "Platform admin", True),
    ("organizer@example.com", "Olga Organizer", "organizer:aurora-live", False),
    ("organizer2@example.com", "Otto Organizer", "organizer:northwind-conferences", False),
    ("support@example.com", "Sam Support", "Support", False),
    ("fulfilment@example.com", "Fiona Fulfilment", "Fulfilment", False),
    ("marketing@example.com", "Mia Marketing", "Marketing", False),
    ("attendee@example.com", "Alex Attendee", None, False),
]
PASSWORD = "bilten-demo"

"""The demo catalogue: two organizations, a dozen events, German copy and one login per role.

Dates are relative to the day the command runs (`starts_in_days`), so the demo
always has upcoming events. Prices are integer minor units. Everything a
German page needs is in GERMAN, keyed by the English text of each segment.
"""

from dataclasses import dataclass, field

PASSWORD = "bilten-demo"


# --- shapes -------------------------------------------------------------------


@dataclass(frozen=True)
class Venue:
    name: str
    address: str
    postal_code: str
    city: str
    country: str
    latitude: str
    longitude: str


@dataclass(frozen=True)
class Organization:
    slug: str
    title: str
    about: str
    contact_email: str
    contact_phone: str
    website: str
    palette: str


@dataclass(frozen=True)
class Tier:
    name: str
    price_minor: int
    description: str = ""
    currency: str = "EUR"
    allocation: int | None = None
    enabled: bool = True
    # (sales opened this many days before the seed, sales close this many days before the event)
    sales_window: tuple[int, int] | None = None


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    paragraphs: tuple[str, ...]

    @property
    def html(self) -> str:
        return "".join(f"<p>{text}</p>" for text in self.paragraphs)


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    bio: str


@dataclass(frozen=True)
class Lineup:
    title: str
    people: tuple[Person, ...]


@dataclass(frozen=True)
class Slot:
    time: str  # HH:MM, in the event's time zone
    title: str
    description: str = ""


@dataclass(frozen=True)
class Schedule:
    title: str
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class Question:
    question: str
    answer: str  # one paragraph of plain text


@dataclass(frozen=True)
class FAQ:
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Quote:
    quote: str
    attribution: str


@dataclass(frozen=True)
class Gallery:
    title: str
    pictures: tuple[str, ...]  # picture titles; each becomes a generated image


@dataclass(frozen=True)
class CallToAction:
    text: str
    button_label: str
    url: str = ""  # blank: the button jumps to the ticket picker


@dataclass(frozen=True)
class Event:
    slug: str
    title: str
    organization: str
    category: str
    venue: str
    starts_in_days: int
    start_time: str  # HH:MM local time
    hours: float
    time_zone: str
    capacity: int
    summary: str
    tiers: tuple[Tier, ...]
    body: tuple = ()
    featured: bool = False
    draft: bool = False
    german: bool = False
    french: bool = False  # French copy in event_pages/demo/french.py
    palette: str | None = None


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    group: str | None = None  # a role group name
    organization: str | None = None  # organizer of this organization (slug)
    superuser: bool = False
    description: str = field(default="")


# --- snippets -----------------------------------------------------------------

# (name, slug)
CATEGORIES = [
    ("Concerts", "concerts"),
    ("Festivals", "festivals"),
    ("Conferences", "conferences"),
    ("Workshops", "workshops"),
    ("Talks", "talks"),
    ("Comedy", "comedy"),
    ("Theatre", "theatre"),
]

VENUES = {
    "markthalle": Venue(
        "Markthalle Hamburg",
        "Amsinckstraße 70",
        "20097",
        "Hamburg",
        "Germany",
        "53.548800",
        "10.010200",
    ),
    "fabrik": Venue(
        "Fabrik", "Barnerstraße 36", "22765", "Hamburg", "Germany", "53.556900", "9.930700"
    ),
    "tempelhof": Venue(
        "Tempelhofer Feld",
        "Tempelhofer Damm 1",
        "12101",
        "Berlin",
        "Germany",
        "52.473100",
        "13.403900",
    ),
    "columbia": Venue(
        "Columbia Theater",
        "Columbiadamm 9-11",
        "10965",
        "Berlin",
        "Germany",
        "52.484200",
        "13.391300",
    ),
    "columbiahalle": Venue(
        "Columbiahalle",
        "Columbiadamm 13-21",
        "10965",
        "Berlin",
        "Germany",
        "52.483600",
        "13.392900",
    ),
    "glockenbach": Venue(
        "Studio Glockenbach",
        "Fraunhoferstraße 9",
        "80469",
        "Munich",
        "Germany",
        "48.131000",
        "11.573400",
    ),
    "prinzregenten": Venue(
        "Prinzregententheater",
        "Prinzregentenplatz 12",
        "81675",
        "Munich",
        "Germany",
        "48.138600",
        "11.605500",
    ),
    "austria_center": Venue(
        "Austria Center Vienna",
        "Bruno-Kreisky-Platz 1",
        "1220",
        "Vienna",
        "Austria",
        "48.234900",
        "16.413900",
    ),
    "museumsquartier": Venue(
        "MuseumsQuartier Wien",
        "Museumsplatz 1",
        "1070",
        "Vienna",
        "Austria",
        "48.203300",
        "16.358400",
    ),
    "kongresshaus": Venue(
        "Kongresshaus Zürich",
        "Claridenstrasse 5",
        "8002",
        "Zurich",
        "Switzerland",
        "47.366300",
        "8.533500",
    ),
    "beurs": Venue(
        "Beurs van Berlage",
        "Damrak 243",
        "1012 ZJ",
        "Amsterdam",
        "Netherlands",
        "52.374500",
        "4.896300",
    ),
    "zwijger": Venue(
        "Pakhuis de Zwijger",
        "Piet Heinkade 179",
        "1019 HC",
        "Amsterdam",
        "Netherlands",
        "52.376300",
        "4.921800",
    ),
    "barbican": Venue(
        "Barbican Centre",
        "Silk Street",
        "EC2Y 8DS",
        "London",
        "United Kingdom",
        "51.520200",
        "-0.093800",
    ),
}


# --- organizations ------------------------------------------------------------

AURORA = "aurora-live"
NORTHWIND = "northwind-conferences"

ORGANIZATIONS = [
    Organization(
        slug=AURORA,
        title="Aurora Live",
        about=(
            "<p>Aurora Live is an independent promoter from Berlin. Since 2012 we have put on "
            "more than 1,400 shows in clubs, concert halls and open-air sites across Germany, "
            "from first headline tours to a two-day festival on the old Tempelhof runway.</p>"
            "<p>We pay artists fairly, keep booking fees low and publish accessibility "
            "information for every venue we work with.</p>"
        ),
        contact_email="tickets@aurora-live.example",
        contact_phone="+49 30 2084 7713",
        website="https://aurora-live.example",
        palette="violet",
    ),
    Organization(
        slug=NORTHWIND,
        title="Northwind Conferences",
        about=(
            "<p>Northwind Conferences organises practical, well-run conferences and workshops "
            "for people who build software and companies. Our events are single-track where "
            "possible, have a diverse line-up of speakers and stay small enough that you can "
            "actually talk to people.</p>"
            "<p>We have offices in Vienna and Amsterdam and run events across Europe.</p>"
        ),
        contact_email="hello@northwind-conferences.example",
        contact_phone="+43 1 890 4521",
        website="https://northwind-conferences.example",
        palette="teal",
    ),
]


# --- shared copy --------------------------------------------------------------

Q_ACCESSIBLE = Question(
    "Is the venue accessible?",
    "Yes. All areas can be reached step-free and there are accessible toilets. "
    "Write to us if you need a free companion ticket.",
)
Q_TRANSFER = Question(
    "Can I pass my ticket on to a friend?",
    "Yes. You can transfer your ticket from your account until 48 hours before the doors open.",
)
Q_CANCELLED = Question(
    "What happens if the event is cancelled?",
    "You get your money back automatically, to the card you paid with, within 14 days.",
)
Q_INVOICE = Question(
    "Can my company get an invoice?",
    "Yes. Enter your company name and VAT number at checkout and the invoice arrives with "
    "your tickets.",
)
Q_RECORDINGS = Question(
    "Will the talks be recorded?",
    "Yes. Recordings are published for ticket holders two weeks after the event.",
)
Q_CONDUCT = Question(
    "Is there a code of conduct?",
    "Yes. Every attendee, speaker and sponsor agrees to our code of conduct, and our "
    "awareness team is on site during the whole event.",
)


# --- events -------------------------------------------------------------------

EVENTS = [
    Event(
        slug="neon-harbour-live",
        title="Neon Harbour Live",
        organization=AURORA,
        category="concerts",
        venue="markthalle",
        starts_in_days=12,
        start_time="20:00",
        hours=4,
        time_zone="Europe/Berlin",
        capacity=900,
        featured=True,
        german=True,
        french=True,
        palette="violet",
        summary="Synth-pop under the harbour lights: Mara Voss headlines a three-band night "
        "at the Markthalle.",
        tiers=(
            Tier("Early Bird", 2900, "First release, while they last.", allocation=150),
            Tier("General Admission", 3900, "Standing on the main floor."),
            Tier("Balcony", 5900, "Seated balcony with its own bar.", allocation=80),
        ),
        body=(
            Heading("A night in neon"),
            Paragraph(
                (
                    "After a sold-out spring tour, Mara Voss brings her glittering, bass-heavy "
                    "synth-pop back to Hamburg for one night only. Expect the songs from her "
                    "second album, a light show built for the high ceilings of the Markthalle "
                    "and two of the most exciting new bands from the north.",
                    "Doors open at 19:00. The show ends around midnight, in good time for the "
                    "last trains.",
                )
            ),
            Lineup(
                "Line-up",
                (
                    Person(
                        "Mara Voss",
                        "Headliner",
                        "Hamburg-born producer and singer whose second album spent eleven "
                        "weeks in the German indie charts.",
                    ),
                    Person(
                        "The Quiet Tides",
                        "Support",
                        "A four-piece from Kiel playing dreamy guitar pop with a drum machine "
                        "at its heart.",
                    ),
                    Person(
                        "DJ Kepler",
                        "Late set",
                        "Closes the night with Italo disco and new wave until the lights come on.",
                    ),
                ),
            ),
            Schedule(
                "Running order",
                (
                    Slot("19:00", "Doors open"),
                    Slot("20:00", "The Quiet Tides"),
                    Slot("21:15", "Mara Voss", "About 100 minutes, with an acoustic encore."),
                    Slot("23:00", "DJ Kepler"),
                ),
            ),
            Quote(
                "Voss writes choruses that feel like the last warm night of the summer.",
                "Nordlicht Magazin",
            ),
            FAQ(
                "Good to know",
                (
                    Question(
                        "Is there an age limit?",
                        "The concert is open to all ages. Under-16s must come with an adult.",
                    ),
                    Question(
                        "Can I bring a bag?",
                        "Small bags up to A4 size are fine. Larger bags can go in the "
                        "cloakroom for two euros.",
                    ),
                    Q_ACCESSIBLE,
                ),
            ),
            CallToAction("Early Bird tickets are limited to the first 150 fans.", "Get tickets"),
        ),
    ),
    Event(
        slug="tempelhof-summer-festival",
        title="Tempelhof Summer Festival",
        organization=AURORA,
        category="festivals",
        venue="tempelhof",
        starts_in_days=95,
        start_time="12:00",
        hours=34,
        time_zone="Europe/Berlin",
        capacity=12000,
        featured=True,
        german=True,
        french=True,
        palette="sunset",
        summary="Two days, three stages and a whole airfield of music, food and art in the "
        "middle of Berlin.",
        tiers=(
            Tier("Weekend Pass", 11900, "Both days, all three stages."),
            Tier("Saturday Ticket", 6900, "Saturday only.", allocation=4000),
            Tier("Sunday Ticket", 6900, "Sunday only.", allocation=4000),
            Tier(
                "VIP Weekend",
                24900,
                "Lounge with bar, fast-lane entry and the viewing deck above the main stage.",
                allocation=300,
            ),
        ),
        body=(
            Heading("Summer on the runway"),
            Paragraph(
                (
                    "For one weekend the old airfield becomes a festival site: three stages, "
                    "more than thirty acts, street food from the best kitchens in Berlin and "
                    "art installations between the runways.",
                    "The festival is open to all ages, runs from noon until 22:00 on both days "
                    "and is easy to reach by underground and suburban train.",
                )
            ),
            Lineup(
                "Headliners",
                (
                    Person(
                        "Lina Ost",
                        "Main stage",
                        "Berlin songwriter whose festival sets have become a summer ritual.",
                    ),
                    Person(
                        "Parallel Lines",
                        "Main stage",
                        "Five-piece indie band from Leipzig, back with a new record.",
                    ),
                    Person(
                        "Oskar Brandt",
                        "Hangar stage",
                        "Techno producer and live act, playing the sunset slot on Saturday.",
                    ),
                    Person(
                        "Nadia Kaya",
                        "Garden stage",
                        "Jazz-influenced singer with a voice made for warm evenings.",
                    ),
                ),
            ),
            Gallery(
                "Impressions from last summer",
                ("Main stage at dusk", "Crowd on the runway", "Garden stage"),
            ),
            Schedule(
                "Saturday at a glance",
                (
                    Slot("12:00", "Gates open"),
                    Slot("13:00", "First acts on all stages"),
                    Slot("19:30", "Oskar Brandt", "Sunset set on the Hangar stage."),
                    Slot("20:45", "Lina Ost", "Headline set on the main stage."),
                    Slot("22:00", "Last song"),
                ),
            ),
            Quote(
                "The friendliest festival in Berlin: big names, short queues and the widest sky "
                "in the city.",
                "Stadtkind Berlin",
            ),
            FAQ(
                "Festival questions",
                (
                    Question(
                        "Can I leave and come back?",
                        "Yes. Your wristband lets you leave and come back in as often as you like.",
                    ),
                    Question(
                        "Are children welcome?",
                        "Absolutely. Children under 12 get in free with a paying adult, and ear "
                        "protection is available at the info point.",
                    ),
                    Question(
                        "Can I pay by card on site?",
                        "The whole site is cashless. Every bar and food stand accepts cards "
                        "and phones.",
                    ),
                ),
            ),
            CallToAction(
                "VIP Weekend passes include the viewing deck and are limited to 300.",
                "Choose your pass",
            ),
        ),
    ),
    Event(
        slug="living-room-session-ellie-marsh",
        title="Living Room Session: Ellie Marsh",
        organization=AURORA,
        category="concerts",
        venue="glockenbach",
        starts_in_days=26,
        start_time="19:30",
        hours=2.5,
        time_zone="Europe/Berlin",
        capacity=5,
        palette="ember",
        summary="Five guests, one sofa, one guitar: an unplugged evening with Ellie Marsh in "
        "a Munich studio.",
        tiers=(Tier("Sofa Seat", 4500, "Includes a drink and a signed lyric sheet."),),
        body=(
            Heading("As close as it gets"),
            Paragraph(
                (
                    "Ellie Marsh plays the songs from her new record the way she wrote them: "
                    "alone, with one guitar, for five people. There is no stage and no "
                    "microphone, just a warm room, a pot of tea and the stories behind the songs.",
                )
            ),
            Lineup(
                "On the sofa",
                (
                    Person(
                        "Ellie Marsh",
                        "Singer-songwriter",
                        "Folk singer from Bristol, now living in Munich. Her debut was recorded "
                        "in a single weekend.",
                    ),
                ),
            ),
            FAQ(
                "Before you come",
                (
                    Question(
                        "Where exactly is it?",
                        "The studio is in the courtyard, second door on the left. We send the "
                        "door code with your ticket.",
                    ),
                    Q_TRANSFER,
                ),
            ),
            CallToAction("Only five seats. When they are gone, they are gone.", "Book a seat"),
        ),
    ),
    Event(
        slug="late-laughs-berlin",
        title="Late Laughs Berlin",
        organization=AURORA,
        category="comedy",
        venue="columbia",
        starts_in_days=40,
        start_time="21:30",
        hours=2.5,
        time_zone="Europe/Berlin",
        capacity=600,
        palette="ember",
        summary="Five of the sharpest stand-ups in Europe, in English, after dark.",
        tiers=(
            Tier("Standard", 2200),
            Tier(
                "Front Rows",
                3200,
                "Closest to the stage. You may become part of the show.",
                allocation=60,
            ),
            Tier(
                "Student",
                1500,
                "Paused for now: student tickets return with the next release.",
                enabled=False,
            ),
        ),
        body=(
            Heading("Stand-up, in English"),
            Paragraph(
                (
                    "Berlin's longest-running English comedy night moves to the Columbia Theater "
                    "for a special late show. Five comedians, one host, no safety net.",
                    "The show contains strong language and is for adults only.",
                )
            ),
            Lineup(
                "Tonight's comedians",
                (
                    Person(
                        "Rosie Calloway", "Host", "Irish comedian and podcaster, Berlin since 2015."
                    ),
                    Person(
                        "Deniz Aydın",
                        "Comedian",
                        "Stories about growing up between Essen and Izmir.",
                    ),
                    Person("Pieter de Wit", "Comedian", "Dutch deadpan, as dry as a rusk."),
                    Person(
                        "Maja Nowak",
                        "Headliner",
                        "Sold out her Edinburgh Fringe run two years in a row.",
                    ),
                ),
            ),
            Quote("I laughed so hard I missed my last train. Worth it.", "An audience member"),
            FAQ("Good to know", (Q_ACCESSIBLE, Q_CANCELLED)),
            CallToAction("Front Rows are limited to 60 brave people.", "Get tickets"),
        ),
    ),
    Event(
        slug="hamburg-jazz-nights",
        title="Hamburg Jazz Nights",
        organization=AURORA,
        category="concerts",
        venue="fabrik",
        starts_in_days=64,
        start_time="20:30",
        hours=3,
        time_zone="Europe/Berlin",
        capacity=350,
        palette="ocean",
        summary="Late-night jazz in an old Altona factory hall, with the Jonas Falk Quartet.",
        tiers=(
            Tier("Night Ticket", 2800, "Free seating and standing."),
            Tier(
                "Table for Two",
                8500,
                "A reserved table near the stage with a bottle of wine.",
                allocation=20,
            ),
        ),
        body=(
            Heading("Jazz, late"),
            Paragraph(
                (
                    "The Jonas Falk Quartet plays two long sets of modern jazz in the Fabrik, "
                    "followed by an open jam session for anyone who brought an instrument.",
                )
            ),
            Lineup(
                "Musicians",
                (
                    Person(
                        "Jonas Falk",
                        "Saxophone",
                        "Leads one of the busiest quartets in northern Germany.",
                    ),
                    Person(
                        "Ines Moreau", "Piano", "French pianist with a taste for Brazilian harmony."
                    ),
                ),
            ),
            Schedule(
                "The evening",
                (
                    Slot("20:30", "First set"),
                    Slot("21:45", "Second set"),
                    Slot("23:00", "Open jam session"),
                ),
            ),
            FAQ("Good to know", (Q_ACCESSIBLE, Q_TRANSFER)),
            CallToAction("Tables for two are limited to twenty.", "Reserve a table"),
        ),
    ),
    Event(
        slug="winter-theatre-gala",
        title="Winter Theatre Gala",
        organization=AURORA,
        category="theatre",
        venue="prinzregenten",
        starts_in_days=150,
        start_time="19:00",
        hours=3,
        time_zone="Europe/Berlin",
        capacity=800,
        draft=True,
        palette="violet",
        summary="Scenes from the season's best plays in one festive evening (programme to "
        "be announced).",
        tiers=(
            Tier("Stalls", 6900, "Seats in the stalls."),
            Tier("Circle", 4900, "Seats in the circle.", allocation=300),
        ),
        body=(
            Heading("One evening, six plays"),
            Paragraph(
                (
                    "Ensembles from six Munich theatres perform their favourite scenes of the "
                    "season, introduced by the directors who staged them.",
                )
            ),
        ),
    ),
    Event(
        slug="aurora-season-opening",
        title="Aurora Season Opening",
        organization=AURORA,
        category="concerts",
        venue="columbiahalle",
        starts_in_days=-30,
        start_time="21:00",
        hours=5,
        time_zone="Europe/Berlin",
        capacity=500,
        palette="forest",
        summary="Our season opening party with three Berlin bands and a long DJ set.",
        tiers=(Tier("Entry", 1800),),
        body=(
            Heading("Thank you for coming"),
            Paragraph(
                (
                    "This party has already taken place. Thank you to everyone who danced "
                    "with us: see you at the next show.",
                )
            ),
        ),
    ),
    Event(
        slug="cloud-native-vienna",
        title="Cloud Native Vienna",
        organization=NORTHWIND,
        category="conferences",
        venue="austria_center",
        starts_in_days=45,
        start_time="09:00",
        hours=33,
        time_zone="Europe/Vienna",
        capacity=1200,
        featured=True,
        german=True,
        french=True,
        palette="teal",
        summary="Two days of talks and labs on platforms, observability and running software "
        "calmly in production.",
        tiers=(
            Tier(
                "Early Bird", 29900, "The first 200 tickets, at the lowest price.", allocation=200
            ),
            Tier(
                "Conference Pass", 44900, "Both days, all talks, lunch and the evening reception."
            ),
            Tier(
                "Workshop Day Add-on",
                19900,
                "Hands-on labs on the day before the conference. Needs a conference ticket.",
                allocation=120,
            ),
        ),
        body=(
            Heading("What you will take home"),
            Paragraph(
                (
                    "Cloud Native Vienna brings together the people who build and run "
                    "platforms: twenty talks in one track, four hands-on labs and plenty of "
                    "time to talk in between.",
                    "Every talk is chosen by a programme committee of practitioners, and every "
                    "speaker shows real systems, real incidents and real numbers.",
                )
            ),
            Lineup(
                "Speakers",
                (
                    Person(
                        "Dr. Amira Haddad",
                        "Opening keynote",
                        "Distinguished engineer who led the migration of a national rail "
                        "booking system to Kubernetes.",
                    ),
                    Person(
                        "Jonas Reiter",
                        "Observability",
                        "Maintainer of a popular open-source tracing library and author of "
                        "a book on alerting that people actually read.",
                    ),
                    Person(
                        "Priya Natarajan",
                        "Platform engineering",
                        "Builds internal developer platforms for a Nordic bank.",
                    ),
                    Person(
                        "Tomasz Wójcik",
                        "Closing keynote",
                        "Site reliability lead who has been on call for eleven years and "
                        "still likes it.",
                    ),
                ),
            ),
            Schedule(
                "Day one",
                (
                    Slot("08:00", "Registration and coffee"),
                    Slot(
                        "09:00",
                        "Opening keynote",
                        "Dr. Amira Haddad on moving a railway to the cloud.",
                    ),
                    Slot("10:30", "Talks: platforms and developer experience"),
                    Slot("12:30", "Lunch"),
                    Slot("14:00", "Talks: observability in practice"),
                    Slot("18:00", "Evening reception", "Drinks and Viennese snacks in the foyer."),
                ),
            ),
            Quote(
                "The most useful two days of my year: no sales pitches, just people who run "
                "things in production.",
                "Attendee from last year",
            ),
            FAQ("Practical questions", (Q_INVOICE, Q_RECORDINGS, Q_CONDUCT)),
            CallToAction(
                "Coming with your team? Groups of five or more save 15 percent.",
                "Ask about group rates",
                "https://northwind-conferences.example/groups",
            ),
        ),
    ),
    Event(
        slug="product-leaders-summit-zurich",
        title="Product Leaders Summit Zürich",
        organization=NORTHWIND,
        category="conferences",
        venue="kongresshaus",
        starts_in_days=33,
        start_time="09:00",
        hours=9,
        time_zone="Europe/Zurich",
        capacity=400,
        palette="ocean",
        summary="A one-day summit for the people who decide what gets built, and what does not.",
        tiers=(
            Tier("Early Bird", 29000, "The first 50 tickets.", currency="CHF", allocation=50),
            Tier("Standard", 39000, "Talks, workshops, lunch and drinks.", currency="CHF"),
            Tier(
                "Leadership Circle",
                69000,
                "Adds the speakers' dinner on the evening before.",
                currency="CHF",
                allocation=30,
            ),
        ),
        body=(
            Heading("Decide better, ship less"),
            Paragraph(
                (
                    "Product leaders from Zurich, Berlin and Stockholm share how they choose "
                    "what to build, how they say no, and what they learned from the features "
                    "they removed.",
                )
            ),
            Lineup(
                "Speakers",
                (
                    Person(
                        "Sofia Lindqvist", "Keynote", "Chief product officer at a Swedish fintech."
                    ),
                    Person(
                        "Marco Bernasconi",
                        "Panel host",
                        "Runs product at a Swiss logistics company.",
                    ),
                    Person(
                        "Hanna Schäfer",
                        "Workshop",
                        "Teaches discovery interviews to product teams.",
                    ),
                ),
            ),
            Schedule(
                "Programme",
                (
                    Slot("08:30", "Registration"),
                    Slot("09:00", "Keynote: the features we deleted"),
                    Slot("11:00", "Panel: saying no to your biggest customer"),
                    Slot("14:00", "Workshops in small groups"),
                    Slot("17:00", "Drinks on the lake terrace"),
                ),
            ),
            FAQ("Practical questions", (Q_INVOICE, Q_CONDUCT)),
            CallToAction("Early Bird tickets are limited to the first 50.", "Get your ticket"),
        ),
    ),
    Event(
        slug="data-engineering-day-amsterdam",
        title="Data Engineering Day Amsterdam",
        organization=NORTHWIND,
        category="conferences",
        venue="beurs",
        starts_in_days=78,
        start_time="09:00",
        hours=8.5,
        time_zone="Europe/Amsterdam",
        capacity=700,
        palette="forest",
        summary="Pipelines, warehouses and the people who keep them running, in the old stock "
        "exchange.",
        tiers=(
            Tier("Conference Pass", 34900, "All talks, lunch and the closing drinks."),
            Tier(
                "Student", 9900, "For full-time students; bring your student card.", allocation=50
            ),
        ),
        body=(
            Heading("Boring pipelines, on purpose"),
            Paragraph(
                (
                    "A day of talks about data platforms that work on Monday morning: testing "
                    "data, modelling it for humans, and keeping costs under control.",
                )
            ),
            Schedule(
                "Programme",
                (
                    Slot("09:00", "Registration and breakfast"),
                    Slot("10:00", "Keynote: in praise of boring pipelines"),
                    Slot("13:30", "Lightning talks"),
                    Slot("17:00", "Closing drinks"),
                ),
            ),
            FAQ("Practical questions", (Q_INVOICE, Q_RECORDINGS)),
            CallToAction("Student tickets are limited to 50.", "Get tickets"),
        ),
    ),
    Event(
        slug="python-testing-workshop-london",
        title="Hands-on Python Testing Workshop",
        organization=NORTHWIND,
        category="workshops",
        venue="barbican",
        starts_in_days=20,
        start_time="09:30",
        hours=7.5,
        time_zone="Europe/London",
        capacity=40,
        palette="teal",
        summary="A full-day, laptops-open workshop on testing real-world Python with pytest.",
        tiers=(
            Tier(
                "Workshop Seat", 29500, "Lunch, coffee and course notes included.", currency="GBP"
            ),
        ),
        body=(
            Heading("Bring a laptop, leave with a test suite"),
            Paragraph(
                (
                    "We start from an untested web application and, step by step, add unit, "
                    "integration and property-based tests with pytest. You will learn how to "
                    "test code that talks to databases and networks without slowing your suite "
                    "down.",
                    "You need Python 3.11 or newer and some experience writing Python.",
                )
            ),
            Lineup(
                "Your instructor",
                (
                    Person(
                        "Hannah Okafor",
                        "Instructor",
                        "Python core contributor and trainer who has taught testing to more "
                        "than two thousand developers.",
                    ),
                ),
            ),
            Schedule(
                "The day",
                (
                    Slot("09:30", "Setup and first tests"),
                    Slot("11:00", "Fixtures and test data"),
                    Slot("12:30", "Lunch"),
                    Slot("13:30", "Mocks, fakes and databases"),
                    Slot("15:30", "Property-based testing"),
                ),
            ),
            FAQ("Practical questions", (Q_INVOICE,)),
        ),
    ),
    Event(
        slug="european-security-forum",
        title="European Security Forum",
        organization=NORTHWIND,
        category="conferences",
        venue="museumsquartier",
        starts_in_days=120,
        start_time="09:00",
        hours=9,
        time_zone="Europe/Vienna",
        capacity=900,
        palette="ember",
        summary="Threat models, incident stories and practical defence for engineering teams.",
        tiers=(
            Tier(
                "Early Bird",
                24900,
                "On sale for a limited time only.",
                allocation=100,
                sales_window=(14, 60),
            ),
            Tier("Regular", 37900, "All talks and lunch."),
        ),
        body=(
            Heading("Security for people who ship"),
            Paragraph(
                (
                    "No vendor booths and no fear: engineers and incident responders share "
                    "what went wrong, what they changed and what actually helped.",
                )
            ),
            Quote(
                "Honest talks about real incidents. Rare and valuable.", "Attendee from last year"
            ),
            FAQ("Practical questions", (Q_INVOICE, Q_CONDUCT)),
        ),
    ),
    Event(
        slug="founders-breakfast-amsterdam",
        title="Founders' Breakfast",
        organization=NORTHWIND,
        category="talks",
        venue="zwijger",
        starts_in_days=8,
        start_time="08:00",
        hours=2,
        time_zone="Europe/Amsterdam",
        capacity=80,
        palette="sunset",
        summary="Coffee, croissants and honest stories from three founders on the IJ waterfront.",
        tiers=(Tier("Breakfast Ticket", 2500, "Breakfast and coffee included."),),
        body=(
            Heading("Honest stories, early"),
            Paragraph(
                (
                    "Three founders talk about the year that nearly ended their company, and "
                    "what got them through it. Questions welcome, slides forbidden.",
                )
            ),
            Lineup(
                "Founders",
                (
                    Person(
                        "Lotte Vermeulen",
                        "Founder, bike logistics",
                        "Built a delivery fleet of 400 cargo bikes.",
                    ),
                    Person(
                        "Yusuf Demir",
                        "Founder, climate software",
                        "Helps factories measure their emissions.",
                    ),
                ),
            ),
            CallToAction("Eighty seats and a lot of coffee.", "Join us"),
        ),
    ),
]


# --- German -------------------------------------------------------------------

# Texts that stay the same in German (names); slugs and digit-only texts are kept too.
SAME_IN_GERMAN = {
    "Bilten",
    "Aurora Live",
    "Northwind Conferences",
    "Neon Harbour Live",
    "Nordlicht Magazin",
    "Stadtkind Berlin",
    "Festivals",
    "Workshops",
    "Comedy",
    "Line-up",
    "Headliner",
    "Support",
    "Mara Voss",
    "The Quiet Tides",
    "DJ Kepler",
    "Lina Ost",
    "Parallel Lines",
    "Oskar Brandt",
    "Nadia Kaya",
    "Dr. Amira Haddad",
    "Jonas Reiter",
    "Priya Natarajan",
    "Tomasz Wójcik",
    "Observability",
    "Platform Engineering",
}

GERMAN = {
    # home page (created by event_pages migration 0002)
    "Find your next night out": "Ihr nächster Abend beginnt hier",
    "Concerts, conferences, festivals and talks — tickets in a minute.": (
        "Konzerte, Konferenzen, Festivals und Vorträge – Tickets in einer Minute."
    ),
    # categories
    "Concerts": "Konzerte",
    "Conferences": "Konferenzen",
    "Talks": "Vorträge",
    "Theatre": "Theater",
    # organizations
    "Aurora Live is an independent promoter from Berlin. Since 2012 we have put on more than "
    "1,400 shows in clubs, concert halls and open-air sites across Germany, from first headline "
    "tours to a two-day festival on the old Tempelhof runway.": (
        "Aurora Live ist ein unabhängiger Veranstalter aus Berlin. Seit 2012 haben wir mehr als "
        "1.400 Shows in Clubs, Konzertsälen und unter freiem Himmel in ganz Deutschland "
        "veranstaltet – von ersten Headliner-Tourneen bis zum zweitägigen Festival auf dem "
        "alten Tempelhofer Rollfeld."
    ),
    "We pay artists fairly, keep booking fees low and publish accessibility information for "
    "every venue we work with.": (
        "Wir bezahlen Künstlerinnen und Künstler fair, halten die Vorverkaufsgebühren niedrig "
        "und veröffentlichen für jeden Veranstaltungsort Informationen zur Barrierefreiheit."
    ),
    "Northwind Conferences organises practical, well-run conferences and workshops for people "
    "who build software and companies. Our events are single-track where possible, have a "
    "diverse line-up of speakers and stay small enough that you can actually talk to people.": (
        "Northwind Conferences organisiert praxisnahe, gut geführte Konferenzen und Workshops "
        "für Menschen, die Software und Unternehmen aufbauen. Unsere Veranstaltungen haben "
        "möglichst nur einen Track, ein vielfältiges Programm und bleiben klein genug, dass "
        "man wirklich miteinander ins Gespräch kommt."
    ),
    "We have offices in Vienna and Amsterdam and run events across Europe.": (
        "Wir haben Büros in Wien und Amsterdam und veranstalten in ganz Europa."
    ),
    # shared questions
    "Is the venue accessible?": "Ist der Veranstaltungsort barrierefrei?",
    "Yes. All areas can be reached step-free and there are accessible toilets. Write to us if "
    "you need a free companion ticket.": (
        "Ja. Alle Bereiche sind stufenlos erreichbar, und es gibt barrierefreie Toiletten. "
        "Schreiben Sie uns, wenn Sie ein kostenloses Ticket für eine Begleitperson brauchen."
    ),
    "Can my company get an invoice?": "Bekommt meine Firma eine Rechnung?",
    "Yes. Enter your company name and VAT number at checkout and the invoice arrives with "
    "your tickets.": (
        "Ja. Geben Sie beim Bezahlen den Firmennamen und die USt-IdNr. an, dann kommt die "
        "Rechnung zusammen mit Ihren Tickets."
    ),
    "Will the talks be recorded?": "Werden die Vorträge aufgezeichnet?",
    "Yes. Recordings are published for ticket holders two weeks after the event.": (
        "Ja. Die Aufzeichnungen stehen allen Ticketinhabern zwei Wochen nach der "
        "Veranstaltung zur Verfügung."
    ),
    "Is there a code of conduct?": "Gibt es einen Verhaltenskodex?",
    "Yes. Every attendee, speaker and sponsor agrees to our code of conduct, and our awareness "
    "team is on site during the whole event.": (
        "Ja. Alle Teilnehmenden, Vortragenden und Sponsoren stimmen unserem Verhaltenskodex zu, "
        "und unser Awareness-Team ist während der gesamten Veranstaltung vor Ort."
    ),
    # Neon Harbour Live
    "Synth-pop under the harbour lights: Mara Voss headlines a three-band night at the "
    "Markthalle.": (
        "Synthpop unter den Hafenlichtern: Mara Voss ist Headlinerin eines Abends mit drei "
        "Bands in der Markthalle."
    ),
    "Early Bird": "Frühbucher",
    "First release, while they last.": "Erste Verkaufsphase, solange der Vorrat reicht.",
    "General Admission": "Stehplatz",
    "Standing on the main floor.": "Stehplatz im Innenraum.",
    "Balcony": "Balkon",
    "Seated balcony with its own bar.": "Sitzplatz auf dem Balkon mit eigener Bar.",
    "A night in neon": "Eine Nacht in Neon",
    "After a sold-out spring tour, Mara Voss brings her glittering, bass-heavy synth-pop back "
    "to Hamburg for one night only. Expect the songs from her second album, a light show built "
    "for the high ceilings of the Markthalle and two of the most exciting new bands from the "
    "north.": (
        "Nach einer ausverkauften Frühjahrstour bringt Mara Voss ihren glitzernden, basslastigen "
        "Synthpop für eine einzige Nacht zurück nach Hamburg. Freuen Sie sich auf die Songs ihres "
        "zweiten Albums, eine Lichtshow für die hohen Decken der Markthalle und zwei der "
        "spannendsten neuen Bands aus dem Norden."
    ),
    "Doors open at 19:00. The show ends around midnight, in good time for the last trains.": (
        "Einlass ist um 19:00 Uhr. Die Show endet gegen Mitternacht, rechtzeitig für die "
        "letzten Bahnen."
    ),
    "Hamburg-born producer and singer whose second album spent eleven weeks in the German "
    "indie charts.": (
        "Produzentin und Sängerin aus Hamburg, deren zweites Album elf Wochen in den deutschen "
        "Indie-Charts stand."
    ),
    "A four-piece from Kiel playing dreamy guitar pop with a drum machine at its heart.": (
        "Ein Quartett aus Kiel mit verträumtem Gitarrenpop rund um einen Drumcomputer."
    ),
    "Late set": "Spätes Set",
    "Closes the night with Italo disco and new wave until the lights come on.": (
        "Beschließt die Nacht mit Italo Disco und New Wave, bis das Licht angeht."
    ),
    "Running order": "Ablauf",
    "Doors open": "Einlass",
    "About 100 minutes, with an acoustic encore.": "Etwa 100 Minuten, mit akustischer Zugabe.",
    "Voss writes choruses that feel like the last warm night of the summer.": (
        "Voss schreibt Refrains, die sich wie die letzte warme Nacht des Sommers anfühlen."
    ),
    "Good to know": "Gut zu wissen",
    "Is there an age limit?": "Gibt es eine Altersgrenze?",
    "The concert is open to all ages. Under-16s must come with an adult.": (
        "Das Konzert ist für alle Altersgruppen offen. Unter 16-Jährige kommen in Begleitung "
        "eines Erwachsenen."
    ),
    "Can I bring a bag?": "Darf ich eine Tasche mitbringen?",
    "Small bags up to A4 size are fine. Larger bags can go in the cloakroom for two euros.": (
        "Kleine Taschen bis A4 sind kein Problem. Größere Taschen können Sie für zwei Euro an "
        "der Garderobe abgeben."
    ),
    "Early Bird tickets are limited to the first 150 fans.": (
        "Frühbuchertickets gibt es nur für die ersten 150 Fans."
    ),
    "Get tickets": "Tickets sichern",
    # Tempelhof Summer Festival
    "Tempelhof Summer Festival": "Tempelhof Sommerfestival",
    "Two days, three stages and a whole airfield of music, food and art in the middle of Berlin.": (
        "Zwei Tage, drei Bühnen und ein ganzes Flugfeld voller Musik, Essen und Kunst mitten "
        "in Berlin."
    ),
    "Weekend Pass": "Wochenendticket",
    "Both days, all three stages.": "Beide Tage, alle drei Bühnen.",
    "Saturday Ticket": "Samstagsticket",
    "Saturday only.": "Nur Samstag.",
    "Sunday Ticket": "Sonntagsticket",
    "Sunday only.": "Nur Sonntag.",
    "VIP Weekend": "VIP-Wochenende",
    "Lounge with bar, fast-lane entry and the viewing deck above the main stage.": (
        "Lounge mit Bar, Schnelleinlass und die Aussichtsplattform über der Hauptbühne."
    ),
    "Summer on the runway": "Sommer auf dem Rollfeld",
    "For one weekend the old airfield becomes a festival site: three stages, more than thirty "
    "acts, street food from the best kitchens in Berlin and art installations between the "
    "runways.": (
        "Ein Wochenende lang wird das alte Flugfeld zum Festivalgelände: drei Bühnen, mehr als "
        "dreißig Acts, Streetfood aus den besten Küchen Berlins und Kunstinstallationen "
        "zwischen den Landebahnen."
    ),
    "The festival is open to all ages, runs from noon until 22:00 on both days and is easy to "
    "reach by underground and suburban train.": (
        "Das Festival ist für alle Altersgruppen, läuft an beiden Tagen von 12 bis 22 Uhr und "
        "ist mit U-Bahn und S-Bahn gut zu erreichen."
    ),
    "Headliners": "Headliner",
    "Main stage": "Hauptbühne",
    "Berlin songwriter whose festival sets have become a summer ritual.": (
        "Berliner Songwriterin, deren Festivalauftritte zum Sommerritual geworden sind."
    ),
    "Five-piece indie band from Leipzig, back with a new record.": (
        "Fünfköpfige Indieband aus Leipzig, zurück mit einer neuen Platte."
    ),
    "Hangar stage": "Hangar-Bühne",
    "Techno producer and live act, playing the sunset slot on Saturday.": (
        "Technoproduzent und Live-Act, spielt am Samstag zum Sonnenuntergang."
    ),
    "Garden stage": "Gartenbühne",
    "Jazz-influenced singer with a voice made for warm evenings.": (
        "Jazzbeeinflusste Sängerin mit einer Stimme wie gemacht für warme Abende."
    ),
    "Impressions from last summer": "Eindrücke vom letzten Sommer",
    "Saturday at a glance": "Der Samstag im Überblick",
    "Gates open": "Einlass",
    "First acts on all stages": "Erste Acts auf allen Bühnen",
    "Sunset set on the Hangar stage.": "Sonnenuntergangs-Set auf der Hangar-Bühne.",
    "Headline set on the main stage.": "Headliner-Set auf der Hauptbühne.",
    "Last song": "Letzter Song",
    "The friendliest festival in Berlin: big names, short queues and the widest sky in the city.": (
        "Das freundlichste Festival Berlins: große Namen, kurze Schlangen und der weiteste "
        "Himmel der Stadt."
    ),
    "Festival questions": "Fragen zum Festival",
    "Can I leave and come back?": "Kann ich das Gelände verlassen und wiederkommen?",
    "Yes. Your wristband lets you leave and come back in as often as you like.": (
        "Ja. Mit Ihrem Festivalbändchen können Sie so oft raus und wieder rein, wie Sie möchten."
    ),
    "Are children welcome?": "Sind Kinder willkommen?",
    "Absolutely. Children under 12 get in free with a paying adult, and ear protection is "
    "available at the info point.": (
        "Auf jeden Fall. Kinder unter 12 Jahren haben in Begleitung eines zahlenden "
        "Erwachsenen freien Eintritt, Gehörschutz gibt es am Infopunkt."
    ),
    "Can I pay by card on site?": "Kann ich vor Ort mit Karte zahlen?",
    "The whole site is cashless. Every bar and food stand accepts cards and phones.": (
        "Das ganze Gelände ist bargeldlos. Alle Bars und Essensstände nehmen Karte und Handy."
    ),
    "VIP Weekend passes include the viewing deck and are limited to 300.": (
        "VIP-Wochenendtickets enthalten die Aussichtsplattform und sind auf 300 begrenzt."
    ),
    "Choose your pass": "Ticket wählen",
    # Cloud Native Vienna
    "Cloud Native Vienna": "Cloud Native Wien",
    "Two days of talks and labs on platforms, observability and running software calmly in "
    "production.": (
        "Zwei Tage Vorträge und Labs zu Plattformen, Observability und gelassenem "
        "Softwarebetrieb in Produktion."
    ),
    "The first 200 tickets, at the lowest price.": "Die ersten 200 Tickets zum niedrigsten Preis.",
    "Conference Pass": "Konferenzticket",
    "Both days, all talks, lunch and the evening reception.": (
        "Beide Tage, alle Vorträge, Mittagessen und der Abendempfang."
    ),
    "Workshop Day Add-on": "Workshop-Tag (Zusatzticket)",
    "Hands-on labs on the day before the conference. Needs a conference ticket.": (
        "Praxis-Labs am Tag vor der Konferenz. Nur zusammen mit einem Konferenzticket."
    ),
    "What you will take home": "Was Sie mitnehmen",
    "Cloud Native Vienna brings together the people who build and run platforms: twenty talks "
    "in one track, four hands-on labs and plenty of time to talk in between.": (
        "Cloud Native Wien bringt die Menschen zusammen, die Plattformen bauen und betreiben: "
        "zwanzig Vorträge in einem Track, vier Praxis-Labs und viel Zeit für Gespräche "
        "dazwischen."
    ),
    "Every talk is chosen by a programme committee of practitioners, and every speaker shows "
    "real systems, real incidents and real numbers.": (
        "Jeder Vortrag wird von einem Programmkomitee aus der Praxis ausgewählt, und alle "
        "Vortragenden zeigen echte Systeme, echte Störungen und echte Zahlen."
    ),
    "Speakers": "Vortragende",
    "Opening keynote": "Eröffnungskeynote",
    "Distinguished engineer who led the migration of a national rail booking system to "
    "Kubernetes.": (
        "Distinguished Engineer, die die Migration eines nationalen Bahn-Buchungssystems auf "
        "Kubernetes geleitet hat."
    ),
    "Maintainer of a popular open-source tracing library and author of a book on alerting "
    "that people actually read.": (
        "Maintainer einer beliebten Open-Source-Tracing-Bibliothek und Autor eines Buchs über "
        "Alerting, das tatsächlich gelesen wird."
    ),
    "Platform engineering": "Platform Engineering",
    "Builds internal developer platforms for a Nordic bank.": (
        "Baut interne Entwicklerplattformen für eine skandinavische Bank."
    ),
    "Closing keynote": "Abschlusskeynote",
    "Site reliability lead who has been on call for eleven years and still likes it.": (
        "SRE-Lead, seit elf Jahren in Rufbereitschaft und immer noch mit Freude dabei."
    ),
    "Day one": "Tag eins",
    "Registration and coffee": "Registrierung und Kaffee",
    "Dr. Amira Haddad on moving a railway to the cloud.": (
        "Dr. Amira Haddad darüber, wie man eine Bahn in die Cloud bringt."
    ),
    "Talks: platforms and developer experience": "Vorträge: Plattformen und Developer Experience",
    "Lunch": "Mittagessen",
    "Talks: observability in practice": "Vorträge: Observability in der Praxis",
    "Evening reception": "Abendempfang",
    "Drinks and Viennese snacks in the foyer.": "Getränke und Wiener Häppchen im Foyer.",
    "The most useful two days of my year: no sales pitches, just people who run things in "
    "production.": (
        "Die nützlichsten zwei Tage meines Jahres: keine Verkaufsgespräche, nur Leute, die "
        "Systeme in Produktion betreiben."
    ),
    "Attendee from last year": "Teilnehmer im letzten Jahr",
    "Practical questions": "Praktische Fragen",
    "Coming with your team? Groups of five or more save 15 percent.": (
        "Kommen Sie mit Ihrem Team? Gruppen ab fünf Personen sparen 15 Prozent."
    ),
    "Ask about group rates": "Gruppenpreise anfragen",
}


# --- people -------------------------------------------------------------------

USERS = [
    DemoUser(
        "admin@example.com",
        "Katrin Hoffmann",
        group="Platform admin",
        superuser=True,
        description="platform admin (superuser)",
    ),
    DemoUser(
        "organizer@example.com",
        "Jonas Weber",
        organization=AURORA,
        description="organizer, Aurora Live",
    ),
    DemoUser(
        "organizer2@example.com",
        "Eva Novak",
        organization=NORTHWIND,
        description="organizer, Northwind Conferences",
    ),
    DemoUser("support@example.com", "Samira Yilmaz", group="Support", description="support agent"),
    DemoUser(
        "fulfilment@example.com",
        "Lukas Brenner",
        group="Fulfilment",
        description="event admin (fulfilment)",
    ),
    DemoUser(
        "marketing@example.com", "Clara Meyer", group="Marketing", description="marketing editor"
    ),
    DemoUser("attendee@example.com", "Tom Becker", description="attendee"),
]

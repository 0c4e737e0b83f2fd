"""The demo's French copy, keyed by the English text of each segment (like data.GERMAN).

The events marked `french` in data.EVENTS, the home page, the organizations and
the categories are translated with it; names, slugs and numbers stay as they are.
"""

# Texts that stay the same in French (names); slugs and digit-only texts are kept too.
SAME_IN_FRENCH = {
    "Bilten",
    "Aurora Live",
    "Northwind Conferences",
    "Neon Harbour Live",
    "Nordlicht Magazin",
    "Stadtkind Berlin",
    "Festivals",
    "Line-up",
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
    "Platform Engineering",
}

FRENCH = {
    # home page (created by event_pages migration 0002)
    "Find your next night out": "Votre prochaine soirée commence ici",
    "Concerts, conferences, festivals and talks — tickets in a minute.": (
        "Concerts, conférences, festivals et débats — vos billets en une minute."
    ),
    # categories
    "Concerts": "Concerts",
    "Conferences": "Conférences",
    "Workshops": "Ateliers",
    "Talks": "Débats",
    "Comedy": "Humour",
    "Theatre": "Théâtre",
    # organizations
    "Aurora Live is an independent promoter from Berlin. Since 2012 we have put on more than "
    "1,400 shows in clubs, concert halls and open-air sites across Germany, from first headline "
    "tours to a two-day festival on the old Tempelhof runway.": (
        "Aurora Live est un organisateur indépendant basé à Berlin. Depuis 2012, nous avons "
        "monté plus de 1 400 spectacles dans des clubs, des salles de concert et en plein air "
        "dans toute l’Allemagne, des premières tournées en tête d’affiche à un festival de deux "
        "jours sur l’ancienne piste de Tempelhof."
    ),
    "We pay artists fairly, keep booking fees low and publish accessibility information for "
    "every venue we work with.": (
        "Nous rémunérons équitablement les artistes, gardons des frais de réservation bas et "
        "publions les informations d’accessibilité de chaque salle avec laquelle nous "
        "travaillons."
    ),
    "Northwind Conferences organises practical, well-run conferences and workshops for people "
    "who build software and companies. Our events are single-track where possible, have a "
    "diverse line-up of speakers and stay small enough that you can actually talk to people.": (
        "Northwind Conferences organise des conférences et des ateliers concrets et bien menés "
        "pour celles et ceux qui construisent des logiciels et des entreprises. Nos événements "
        "ont si possible une seule salle, des intervenants variés et restent assez petits pour "
        "que vous puissiez vraiment échanger."
    ),
    "We have offices in Vienna and Amsterdam and run events across Europe.": (
        "Nous avons des bureaux à Vienne et à Amsterdam et organisons des événements dans toute "
        "l’Europe."
    ),
    # shared questions
    "Is the venue accessible?": "Le lieu est-il accessible ?",
    "Yes. All areas can be reached step-free and there are accessible toilets. Write to us if "
    "you need a free companion ticket.": (
        "Oui. Tous les espaces sont accessibles sans marche et des toilettes adaptées sont "
        "disponibles. Écrivez-nous si vous avez besoin d’un billet gratuit pour un "
        "accompagnateur."
    ),
    "Can my company get an invoice?": "Mon entreprise peut-elle recevoir une facture ?",
    "Yes. Enter your company name and VAT number at checkout and the invoice arrives with "
    "your tickets.": (
        "Oui. Indiquez le nom de votre entreprise et votre numéro de TVA lors du paiement : la "
        "facture arrive avec vos billets."
    ),
    "Will the talks be recorded?": "Les conférences seront-elles enregistrées ?",
    "Yes. Recordings are published for ticket holders two weeks after the event.": (
        "Oui. Les enregistrements sont mis à disposition des détenteurs de billets deux "
        "semaines après l’événement."
    ),
    "Is there a code of conduct?": "Existe-t-il un code de conduite ?",
    "Yes. Every attendee, speaker and sponsor agrees to our code of conduct, and our awareness "
    "team is on site during the whole event.": (
        "Oui. Chaque participant, intervenant et sponsor accepte notre code de conduite, et notre "
        "équipe de prévention est présente pendant tout l’événement."
    ),
    # Neon Harbour Live
    "Synth-pop under the harbour lights: Mara Voss headlines a three-band night at the "
    "Markthalle.": (
        "De la synth-pop sous les lumières du port : Mara Voss est la tête d’affiche d’une "
        "soirée à trois groupes à la Markthalle."
    ),
    "Early Bird": "Prévente",
    "First release, while they last.": "Premiers billets, dans la limite des stocks.",
    "General Admission": "Entrée générale",
    "Standing on the main floor.": "Debout dans la fosse.",
    "Balcony": "Balcon",
    "Seated balcony with its own bar.": "Places assises au balcon, avec son propre bar.",
    "A night in neon": "Une nuit de néons",
    "After a sold-out spring tour, Mara Voss brings her glittering, bass-heavy synth-pop back "
    "to Hamburg for one night only. Expect the songs from her second album, a light show built "
    "for the high ceilings of the Markthalle and two of the most exciting new bands from the "
    "north.": (
        "Après une tournée de printemps à guichets fermés, Mara Voss ramène sa synth-pop "
        "scintillante et chargée en basses à Hambourg pour une seule nuit. Au programme : les "
        "chansons de son deuxième album, un spectacle de lumières conçu pour les hauts plafonds "
        "de la Markthalle et deux des nouveaux groupes les plus prometteurs du nord."
    ),
    "Doors open at 19:00. The show ends around midnight, in good time for the last trains.": (
        "Ouverture des portes à 19 h 00. Le concert se termine vers minuit, à temps pour les "
        "derniers trains."
    ),
    "Headliner": "Tête d’affiche",
    "Hamburg-born producer and singer whose second album spent eleven weeks in the German "
    "indie charts.": (
        "Productrice et chanteuse née à Hambourg, dont le deuxième album est resté onze semaines "
        "dans les classements indépendants allemands."
    ),
    "Support": "Première partie",
    "A four-piece from Kiel playing dreamy guitar pop with a drum machine at its heart.": (
        "Un quatuor de Kiel qui joue une pop à guitares rêveuse autour d’une boîte à rythmes."
    ),
    "Late set": "Set de fin de soirée",
    "Closes the night with Italo disco and new wave until the lights come on.": (
        "Clôt la nuit avec de l’italo disco et de la new wave jusqu’à ce que les lumières se "
        "rallument."
    ),
    "Running order": "Déroulé",
    "Doors open": "Ouverture des portes",
    "About 100 minutes, with an acoustic encore.": (
        "Environ 100 minutes, avec un rappel acoustique."
    ),
    "Voss writes choruses that feel like the last warm night of the summer.": (
        "Voss écrit des refrains qui ont le goût de la dernière nuit chaude de l’été."
    ),
    "Good to know": "Bon à savoir",
    "Is there an age limit?": "Y a-t-il une limite d’âge ?",
    "The concert is open to all ages. Under-16s must come with an adult.": (
        "Le concert est ouvert à tous les âges. Les moins de 16 ans doivent être accompagnés "
        "d’un adulte."
    ),
    "Can I bring a bag?": "Puis-je venir avec un sac ?",
    "Small bags up to A4 size are fine. Larger bags can go in the cloakroom for two euros.": (
        "Les petits sacs jusqu’au format A4 sont acceptés. Les sacs plus grands peuvent être "
        "déposés au vestiaire pour deux euros."
    ),
    "Early Bird tickets are limited to the first 150 fans.": (
        "Les billets en prévente sont réservés aux 150 premiers fans."
    ),
    "Get tickets": "Réserver des billets",
    # Tempelhof Summer Festival
    "Tempelhof Summer Festival": "Festival d’été de Tempelhof",
    "Two days, three stages and a whole airfield of music, food and art in the middle of Berlin.": (
        "Deux jours, trois scènes et tout un aérodrome de musique, de cuisine et d’art en plein "
        "cœur de Berlin."
    ),
    "Weekend Pass": "Pass week-end",
    "Both days, all three stages.": "Les deux jours, les trois scènes.",
    "Saturday Ticket": "Billet samedi",
    "Saturday only.": "Samedi uniquement.",
    "Sunday Ticket": "Billet dimanche",
    "Sunday only.": "Dimanche uniquement.",
    "VIP Weekend": "Week-end VIP",
    "Lounge with bar, fast-lane entry and the viewing deck above the main stage.": (
        "Salon avec bar, entrée coupe-file et terrasse panoramique au-dessus de la grande scène."
    ),
    "Summer on the runway": "L’été sur la piste",
    "For one weekend the old airfield becomes a festival site: three stages, more than thirty "
    "acts, street food from the best kitchens in Berlin and art installations between the "
    "runways.": (
        "Le temps d’un week-end, l’ancien aérodrome devient un site de festival : trois scènes, "
        "plus de trente artistes, la cuisine de rue des meilleures tables de Berlin et des "
        "installations artistiques entre les pistes."
    ),
    "The festival is open to all ages, runs from noon until 22:00 on both days and is easy to "
    "reach by underground and suburban train.": (
        "Le festival est ouvert à tous les âges, se tient de midi à 22 h les deux jours et est "
        "facile d’accès en métro et en RER."
    ),
    "Headliners": "Têtes d’affiche",
    "Main stage": "Grande scène",
    "Berlin songwriter whose festival sets have become a summer ritual.": (
        "Autrice-compositrice berlinoise dont les concerts en festival sont devenus un rituel "
        "estival."
    ),
    "Five-piece indie band from Leipzig, back with a new record.": (
        "Groupe indé de cinq musiciens venu de Leipzig, de retour avec un nouvel album."
    ),
    "Hangar stage": "Scène du hangar",
    "Techno producer and live act, playing the sunset slot on Saturday.": (
        "Producteur techno et artiste live, qui joue au coucher du soleil le samedi."
    ),
    "Garden stage": "Scène du jardin",
    "Jazz-influenced singer with a voice made for warm evenings.": (
        "Chanteuse aux influences jazz, à la voix faite pour les soirées d’été."
    ),
    "Impressions from last summer": "Souvenirs de l’été dernier",
    "Saturday at a glance": "Le samedi en un coup d’œil",
    "Gates open": "Ouverture du site",
    "First acts on all stages": "Premiers concerts sur toutes les scènes",
    "Sunset set on the Hangar stage.": "Set au coucher du soleil sur la scène du hangar.",
    "Headline set on the main stage.": "Concert de la tête d’affiche sur la grande scène.",
    "Last song": "Dernière chanson",
    "The friendliest festival in Berlin: big names, short queues and the widest sky in the city.": (
        "Le festival le plus convivial de Berlin : de grands noms, peu d’attente et le ciel le "
        "plus vaste de la ville."
    ),
    "Festival questions": "Questions sur le festival",
    "Can I leave and come back?": "Puis-je sortir et revenir ?",
    "Yes. Your wristband lets you leave and come back in as often as you like.": (
        "Oui. Votre bracelet vous permet de sortir et de revenir autant de fois que vous le "
        "souhaitez."
    ),
    "Are children welcome?": "Les enfants sont-ils les bienvenus ?",
    "Absolutely. Children under 12 get in free with a paying adult, and ear protection is "
    "available at the info point.": (
        "Bien sûr. Les enfants de moins de 12 ans entrent gratuitement avec un adulte payant, "
        "et des protections auditives sont disponibles au point info."
    ),
    "Can I pay by card on site?": "Puis-je payer par carte sur place ?",
    "The whole site is cashless. Every bar and food stand accepts cards and phones.": (
        "Tout le site fonctionne sans espèces. Chaque bar et chaque stand accepte les cartes et "
        "le paiement mobile."
    ),
    "VIP Weekend passes include the viewing deck and are limited to 300.": (
        "Les pass Week-end VIP donnent accès à la terrasse panoramique et sont limités à 300."
    ),
    "Choose your pass": "Choisir votre pass",
    # Cloud Native Vienna
    "Cloud Native Vienna": "Cloud Native Vienne",
    "Two days of talks and labs on platforms, observability and running software calmly in "
    "production.": (
        "Deux jours de conférences et d’ateliers sur les plateformes, l’observabilité et "
        "l’exploitation sereine des logiciels en production."
    ),
    "The first 200 tickets, at the lowest price.": "Les 200 premiers billets, au meilleur prix.",
    "Conference Pass": "Pass conférence",
    "Both days, all talks, lunch and the evening reception.": (
        "Les deux jours, toutes les conférences, le déjeuner et la réception du soir."
    ),
    "Workshop Day Add-on": "Journée d’ateliers (supplément)",
    "Hands-on labs on the day before the conference. Needs a conference ticket.": (
        "Ateliers pratiques la veille de la conférence. Nécessite un billet pour la conférence."
    ),
    "What you will take home": "Ce que vous en retiendrez",
    "Cloud Native Vienna brings together the people who build and run platforms: twenty talks "
    "in one track, four hands-on labs and plenty of time to talk in between.": (
        "Cloud Native Vienne réunit celles et ceux qui construisent et exploitent des "
        "plateformes : vingt conférences dans une seule salle, quatre ateliers pratiques et "
        "beaucoup de temps pour échanger entre les deux."
    ),
    "Every talk is chosen by a programme committee of practitioners, and every speaker shows "
    "real systems, real incidents and real numbers.": (
        "Chaque conférence est choisie par un comité de programme composé de praticiens, et "
        "chaque intervenant montre de vrais systèmes, de vrais incidents et de vrais chiffres."
    ),
    "Speakers": "Intervenants",
    "Opening keynote": "Keynote d’ouverture",
    "Distinguished engineer who led the migration of a national rail booking system to "
    "Kubernetes.": (
        "Ingénieure émérite qui a mené la migration d’un système national de réservation "
        "ferroviaire vers Kubernetes."
    ),
    "Observability": "Observabilité",
    "Maintainer of a popular open-source tracing library and author of a book on alerting "
    "that people actually read.": (
        "Mainteneur d’une bibliothèque open source de traçage très utilisée et auteur d’un livre "
        "sur les alertes que l’on lit vraiment."
    ),
    "Platform engineering": "Ingénierie de plateforme",
    "Builds internal developer platforms for a Nordic bank.": (
        "Construit des plateformes internes pour les développeurs d’une banque nordique."
    ),
    "Closing keynote": "Keynote de clôture",
    "Site reliability lead who has been on call for eleven years and still likes it.": (
        "Responsable de la fiabilité, d’astreinte depuis onze ans et toujours avec plaisir."
    ),
    "Day one": "Premier jour",
    "Registration and coffee": "Accueil et café",
    "Dr. Amira Haddad on moving a railway to the cloud.": (
        "Dr. Amira Haddad raconte comment faire passer un réseau ferroviaire dans le cloud."
    ),
    "Talks: platforms and developer experience": (
        "Conférences : plateformes et expérience développeur"
    ),
    "Lunch": "Déjeuner",
    "Talks: observability in practice": "Conférences : l’observabilité en pratique",
    "Evening reception": "Réception du soir",
    "Drinks and Viennese snacks in the foyer.": "Boissons et en-cas viennois dans le foyer.",
    "The most useful two days of my year: no sales pitches, just people who run things in "
    "production.": (
        "Les deux jours les plus utiles de mon année : aucun discours commercial, seulement des "
        "gens qui font tourner des systèmes en production."
    ),
    "Attendee from last year": "Participant de l’an dernier",
    "Practical questions": "Questions pratiques",
    "Coming with your team? Groups of five or more save 15 percent.": (
        "Vous venez en équipe ? Les groupes de cinq personnes ou plus économisent 15 %."
    ),
    "Ask about group rates": "Demander les tarifs de groupe",
}

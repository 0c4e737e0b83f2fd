#!/usr/bin/env python3
"""Event search at size: 1,000 realistic searches against a running server.

Replays 1,000 different searches (words, artists, cities with and without
accents, typos, filters, sorts and pages, in English, German and French) against
GET /api/v1/events/, twice:

  uncached  right after the search cache's generation is bumped (each search is
            a distinct cache key, so every request computes its answer)
  cached    the same searches again (answered from the cache; which events are
            sold out is still read fresh)

then 300 autocomplete prefixes against GET /api/v1/search/suggest/ (cold, then
warm), and prints P50/P95/P99 in ms. One client, one request at a time (keep-alive),
so the figures are the server's latency, not queueing.

    createdb -h 127.0.0.1 -U postgres bilten_s1
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bilten_s1
    export REDIS_URL=redis://127.0.0.1:6379/4
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_catalogue --events 10000
    # a server on the same database and Redis, e.g. production settings + gunicorn:
    DJANGO_SETTINGS_MODULE=bilten.settings.production DJANGO_SECRET_KEY=bench \
      TICKET_SECRET_KEY=bench SECURE_SSL_REDIRECT=0 RATE_LIMITS=off \
      .venv/bin/gunicorn bilten.wsgi -c deploy/gunicorn.conf.py -w 2 -b 127.0.0.1:8200 &
    .venv/bin/python bench/search.py --url http://127.0.0.1:8200

The script bumps the generation through Django's cache (the same REDIS_URL as the
server), so it needs the server's environment.
"""

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilten.settings.dev")
os.environ.setdefault("LOG_LEVEL", "WARNING")

WORDS = [
    "jazz", "techno", "festival", "konzert", "concert", "soirée", "conférence", "summit",
    "beethoven", "mozart", "requiem", "hamlet", "faust", "comedy", "kabarett", "workshop",
    "atelier", "open air", "data engineering", "climate", "klimaschutz", "design", "piano",
    "swing", "soul", "live", "nacht", "night", "tournee", "photography", "ausstellung",
]  # fmt: skip
ARTISTS = [
    "Dubois", "Müller", "Mueller", "Lefèvre", "Lefevre", "Kjær", "Schäfer", "Nyström",
    "Léa", "Zoë", "Ólafur", "Chloé", "Neon Harbour", "Kollektiv Turmstrasse", "Nordlicht",
    "Orchestre du Léman", "Velvet Transit", "Silver Lanterns", "Rhein Brass",
]  # fmt: skip
CITIES = [
    "Köln", "Koln", "Zürich", "Zurich", "München", "Munchen", "Genève", "Geneve", "Berlin",
    "Hamburg", "Wien", "Paris", "Lyon", "Basel", "Düsseldorf",
]  # fmt: skip
TYPOS = ["jaz", "tecno", "festivl", "beethoven", "mozzart", "zurch", "muenchen", "kolnn", "geneva"]
CATEGORIES = [
    "concerts", "festivals", "conferences", "theatre", "comedy", "workshops", "classical",
    "exhibitions",
]  # fmt: skip
DATES = ["today", "weekend", "week", "month"]
SORTS = ["date", "relevance", "price"]


def searches(count: int, rng: random.Random) -> list[tuple[str, dict]]:
    """`count` distinct (language, query) pairs, as visitors mix them."""
    seen, result = set(), []
    while len(result) < count:
        query = {}
        kind = rng.random()
        if kind < 0.35:
            query["q"] = rng.choice(WORDS)
        elif kind < 0.5:
            query["q"] = rng.choice(ARTISTS)
        elif kind < 0.6:
            query["q"] = rng.choice(CITIES)
        elif kind < 0.67:
            query["q"] = rng.choice(TYPOS)
        elif kind < 0.75:
            query["q"] = f"{rng.choice(WORDS)} {rng.choice(CITIES)}"
        # else: browsing with filters only
        if rng.random() < 0.35:
            query["city"] = rng.choice(CITIES)
        if rng.random() < 0.3:
            query["category"] = rng.choice(CATEGORIES)
        if rng.random() < 0.3:
            query["date"] = rng.choice(DATES)
        elif rng.random() < 0.1:
            query["date_from"] = f"2026-12-{rng.randint(1, 15):02d}"
            query["date_to"] = f"2027-0{rng.randint(1, 3)}-{rng.randint(10, 28):02d}"
        if rng.random() < 0.2:
            query["price_max"] = str(rng.choice([1000, 2000, 3000, 5000, 10000]))
        if rng.random() < 0.2:
            query["available"] = "1"
        if rng.random() < 0.4:
            query["sort"] = rng.choice(SORTS)
        language = rng.choices(["en", "de", "fr"], weights=[55, 30, 15])[0]
        key = (language, tuple(sorted(query.items())))
        if key in seen:
            continue
        seen.add(key)
        if rng.random() < 0.25:
            query["page"] = str(rng.randint(2, 3))
        result.append((language, query))
    return result


def prefixes(count: int, rng: random.Random) -> list[tuple[str, str]]:
    names = WORDS + ARTISTS + CITIES
    seen, result = set(), []
    while len(result) < count:
        name = rng.choice(names)
        typed = name[: rng.randint(2, min(6, len(name)))]
        language = rng.choice(["en", "de", "fr"])
        if (language, typed.lower()) not in seen:
            seen.add((language, typed.lower()))
            result.append((language, typed))
    return result


class Client:
    def __init__(self, url: str):
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)

    def get(self, path: str, language: str) -> tuple[float, int, bytes]:
        started = time.perf_counter()
        self.connection.request("GET", path, headers={"Accept-Language": language})
        response = self.connection.getresponse()
        body = response.read()
        return (time.perf_counter() - started) * 1000, response.status, body


def percentiles(times: list[float]) -> str:
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return f"P50 {cuts[49]:6.1f}  P95 {cuts[94]:6.1f}  P99 {cuts[98]:6.1f} ms  (n={len(times)})"


def timed(client, requests) -> tuple[list[float], list]:
    times, failures = [], []
    for language, path in requests:
        elapsed, status, body = client.get(path, language)
        times.append(elapsed)
        if status != 200:
            failures.append((status, path, body[:200]))
    return times, failures


def slowest(label: str, requests, times, count: int) -> None:
    ranked = sorted(zip(times, requests, strict=True), key=lambda pair: -pair[0])[:count]
    for elapsed, (language, path) in ranked:
        print(f"  slowest {label}: {elapsed:6.1f} ms  {language} {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8200")
    parser.add_argument("--searches", type=int, default=1000)
    parser.add_argument("--prefixes", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--slowest", type=int, default=0, help="list the N slowest of each")
    args = parser.parse_args()

    import django

    django.setup()
    from event_pages.models import EventPage
    from search.cache import bump_generation

    rng = random.Random(args.seed)
    client = Client(args.url)
    live = EventPage.objects.live().count()
    print(f"{live} live event pages; {args.searches} searches, {args.prefixes} prefixes")

    search_requests = [
        (language, f"/api/v1/events/?{urlencode(query)}")
        for language, query in searches(args.searches, rng)
    ]
    suggest_requests = [
        (language, f"/api/v1/search/suggest/?{urlencode({'q': typed})}")
        for language, typed in prefixes(args.prefixes, rng)
    ]
    timed(client, search_requests[:20])  # warm the workers (imports, connections)

    bump_generation()
    uncached, failures = timed(client, search_requests)
    cached, more_failures = timed(client, search_requests)
    bump_generation()
    suggest_cold, suggest_failures = timed(client, suggest_requests)
    suggest_warm, _ = timed(client, suggest_requests)

    sample = json.loads(client.get(search_requests[0][1], "en")[2])
    print(f"search uncached      {percentiles(uncached)}")
    print(f"search cached        {percentiles(cached)}")
    print(f"autocomplete cold    {percentiles(suggest_cold)}")
    print(f"autocomplete warm    {percentiles(suggest_warm)}")
    print(f"first search: {search_requests[0][1]} -> {sample['count']} events")
    if args.slowest:
        slowest("uncached", search_requests, uncached, args.slowest)
        slowest("cached", search_requests, cached, args.slowest)
        slowest("autocomplete", suggest_requests, suggest_cold, args.slowest)
    for status, path, body in (failures + more_failures + suggest_failures)[:5]:
        print(f"  {status} {path} {body!r}")
    if failures or more_failures or suggest_failures:
        sys.exit(1)


if __name__ == "__main__":
    main()

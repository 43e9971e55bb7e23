"""The reach figures at size: how long the region ranking, a municipality's page and "Meine Beteiligung"
take, and how many queries they make, with many contributions.

What it does
    1. Migrates a database of its own (var/bench/places.sqlite3, or DATABASE_URL when given) and fills it
       once, in bulk: the ten MYK municipalities, ``--people`` people (two in three with a home
       municipality), ``--ideas`` public ideas spread over the municipalities and channels, supports and
       comments (``--per-idea`` of each per idea on average) and ``--registrations`` confirmed event
       registrations over 50 events, all spread over the last two years.
    2. Renders each page in-process (Django's test client, no server) ``--runs`` times and prints the
       median and the slowest time and the number of SQL queries.

How to read it
    The queries must not change with the data (one grouped query per contribution source); the time grows
    with the rows the database groups. Compare across changes on the same machine; it asserts nothing.

Usage: .venv/bin/python bench/places.py [--people 2000] [--ideas 5000] [--per-idea 8] [--registrations 10000]
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
(ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'places.sqlite3'}")
os.environ.setdefault("TASK_BACKEND", "immediate")
# The rendering path: anonymous visitors would mostly get the pages from the page cache.
os.environ.setdefault("PAGE_CACHE_SECONDS", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from smartregion.accounts.models import User  # noqa: E402
from smartregion.events.models import Event, EventFormat, Registration  # noqa: E402
from smartregion.network import demo as network_demo  # noqa: E402
from smartregion.network.models import Municipality  # noqa: E402
from smartregion.participation.models import Channel, Comment, Idea, IdeaStatus, Process, Support  # noqa: E402

MARKER = "bench-places"


def seed(people: int, ideas: int, per_idea: int, registrations: int) -> None:
    call_command("migrate", verbosity=0)
    if Process.objects.filter(slug=MARKER).exists():
        return
    rng = random.Random(7)
    now = timezone.now()

    def when() -> datetime.datetime:
        return now - datetime.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))

    with transaction.atomic():
        region = network_demo.seed_region()
        towns = network_demo.seed_municipalities(region) or list(Municipality.objects.all())
        process = Process.objects.create(
            slug=MARKER, title="Bench", summary="Bench", visibility=Process.Visibility.PUBLIC
        )
        users = User.objects.bulk_create(
            User(
                email=f"{MARKER}-{n}@example.org",
                display_name=f"Person {n}",
                home_municipality=rng.choice(towns) if n % 3 else None,
            )
            for n in range(people)
        )
        channels = [c for c, _label in Channel.choices]
        idea_rows = Idea.objects.bulk_create(
            Idea(
                process=process,
                title=f"{MARKER} {n}",
                body="Text",
                body_html="<p>Text</p>",
                municipality=rng.choice(towns) if n % 5 else None,
                channel=rng.choice(channels),
                author=rng.choice(users) if n % 4 else None,
                status=IdeaStatus.PUBLISHED,
                published_at=when(),
            )
            for n in range(ideas)
        )
        pairs = {(rng.randrange(len(idea_rows)), rng.randrange(len(users))) for _ in range(ideas * per_idea)}
        Support.objects.bulk_create(Support(idea=idea_rows[i], user=users[u]) for i, u in pairs)
        Support.objects.update(created_at=now - datetime.timedelta(days=30))
        Comment.objects.bulk_create(
            Comment(
                idea=rng.choice(idea_rows),
                author=rng.choice(users),
                body="Gute Idee",
                body_html="<p>Gute Idee</p>",
                created_at=when(),
            )
            for _ in range(ideas * per_idea)
        )
        events = Event.objects.bulk_create(
            Event(
                title=f"{MARKER} {n}",
                slug=f"{MARKER}-{n}",
                summary="Bench",
                format=EventFormat.WORKSHOP,
                status=Event.Status.PUBLISHED,
                municipality=rng.choice(towns),
                starts_at=when(),
                ends_at=now + datetime.timedelta(days=400),
            )
            for n in range(50)
        )
        seen: set[tuple[int, int]] = set()
        rows = []
        for n in range(registrations):
            key = (rng.randrange(len(events)), rng.randrange(len(users)))
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                Registration(
                    event=events[key[0]],
                    user=users[key[1]],
                    status=Registration.Status.CONFIRMED,
                    token=f"{MARKER}-{n}",
                    confirmed_at=when(),
                )
            )
        Registration.objects.bulk_create(rows)


def measure(client: Client, url: str, runs: int) -> tuple[float, float, int]:
    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries = len(captured)
    return statistics.median(times) * 1000, max(times) * 1000, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--ideas", type=int, default=5000)
    parser.add_argument("--per-idea", type=int, default=8)
    parser.add_argument("--registrations", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    seed(args.people, args.ideas, args.per_idea, args.registrations)
    print(f"data ready in {time.perf_counter() - started:.1f} s on {connection.vendor}")
    counts = {
        "ideas": Idea.objects.count(),
        "supports": Support.objects.count(),
        "comments": Comment.objects.count(),
        "registrations": Registration.objects.count(),
    }
    print("rows: " + ", ".join(f"{name} {n:,}" for name, n in counts.items()))
    client = Client(HTTP_HOST="localhost")
    person = User.objects.filter(email__startswith=MARKER).order_by("pk").first()
    signed_in = Client(HTTP_HOST="localhost")
    signed_in.force_login(person)
    print(f"{'page':<42} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for label, who, url in (
        ("region ranking /kommunen/", client, "/kommunen/"),
        ("ranking, last 90 days", client, "/kommunen/?since=90d"),
        ("municipality page /kommunen/mendig/", client, "/kommunen/mendig/"),
        ("municipality page by quarter", client, "/kommunen/mendig/?by=quarter"),
        ("Meine Beteiligung", signed_in, "/meine-beteiligung/"),
    ):
        median, slowest, queries = measure(who, url, args.runs)
        print(f"{label:<42} {median:>10.1f} {slowest:>8.1f} {queries:>8}")
    print(f"load average (1, 5, 15 min): {os.getloadavg()}")


if __name__ == "__main__":
    main()

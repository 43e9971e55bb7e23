"""Insights at a state's scale: search, similar ideas and index freshness over 100,000 ideas.

What it does
    1. Seeds 100,000 ideas (``--ideas``) into a database of its own (var/bench/insights.sqlite3, or the
       PostgreSQL database smartregion_bench_insights): five processes, one per data set of
       ../shared/data/cimt_proposals_de.csv (read at run time, never copied). Each idea is a real
       proposal's title and text with one sentence of another proposal appended, so that 4,700 texts
       become 100,000 distinct ones with real German vocabulary; 5 % are hidden or awaiting moderation. Then
       ``index_rebuild`` builds the search index (timed). A seeded database of the same size is reused.
    2. In-process, through the selectors the pages call: 20 realistic German queries, each 5 times, on the
       idea list (``participation.idea_list_pages`` with the query, page 1 and its count, as the view does)
       and on the search page (``insights.selectors.search_everything``: all kinds, counts per kind,
       snippets); similar ideas for 20 texts of real ideas (``insights.selectors.similar_ideas``).
    3. Through HTTP: gunicorn (2 sync workers, bench/settings.py, page cache off) answers the same
       queries on /suche/, /ideen/ and /api/v1/ideas, and similar ideas on the htmx endpoint; one client.
    4. Freshness: a db_worker (``--interval 0.2``, as deploy/systemd runs it), once it has run a first task
       (its start-up is not measured), serves the task queue while ideas are submitted through
       ``participation.services.idea_create``; for each, the time from the service's return (commit) until
       the idea is findable by a word only it contains, and the time the service itself took.

Figures are p50 and p95 in milliseconds. The CPU is shared with other work; the script prints the load
average before it starts, and reports, it asserts nothing.

Usage: .venv/bin/python bench/insights.py [--db sqlite|postgres|both] [--ideas 100000] [--postgres-url URL]
"""

import argparse
import csv
import http.client
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.participation import (  # noqa: E402
    BENCH_DIR,
    Call,
    django_setup,
    postgres_database_create,
    send,
    serving,
)

# ../shared/data next to the checkout, or next to the folder of worktrees; BENCH_TEXTS names another file.
TEXTS_CSV = next(
    (
        path
        for path in (
            Path(os.environ.get("BENCH_TEXTS", "/nonexistent")),
            ROOT.parent / "shared" / "data" / "cimt_proposals_de.csv",
            ROOT.parent.parent / "shared" / "data" / "cimt_proposals_de.csv",
        )
        if path.is_file()
    ),
    ROOT.parent / "shared" / "data" / "cimt_proposals_de.csv",
)
SQLITE_URL = f"sqlite:///{BENCH_DIR / 'insights.sqlite3'}"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/smartregion_bench_insights"
SEED_VERSION = 1
SEED = 20_261_206
REPEAT = 5

QUERIES = [
    "Radweg",
    "Fahrradstraße Innenstadt",
    "Bushaltestelle",
    "Spielplatz",
    "Beleuchtung",
    "Ampel Kreuzung",
    "Parkplätze",
    "Bäume pflanzen",
    "Tempo 30",
    "Schulweg",
    "Radwege sicherer machen",
    "Carsharing",
    "Bahnhof",
    "Mülleimer",
    "barrierefrei",
    "Straßenbahn",
    "Lastenrad",
    "Fußgänger Ampel",
    "Grünfläche Park",
    "Abstellanlage Fahrräder",
]


def percentile(samples: Sequence[float], percent: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def figures(samples: Sequence[float]) -> str:
    median, p95 = statistics.median(samples), percentile(samples, 95)
    return f"p50 {median:7.1f}   p95 {p95:7.1f}   max {max(samples):7.1f}"


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def read_texts() -> dict[str, list[tuple[str, str]]]:
    """(title, text) per data set of the CIMT corpus."""
    by_set: dict[str, list[tuple[str, str]]] = {}
    with TEXTS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text = row["text"].strip()
            if not text:
                continue
            title = (row["title"].strip() or " ".join(text.split()[:8]))[:150]
            by_set.setdefault(row["dataset"], []).append((title, text[:9000]))
    return by_set


def marker(ideas: int) -> str:
    return f"bench-insights-v{SEED_VERSION}-{ideas}"


def seed(*, ideas: int) -> None:
    """Processes, ideas and the index; skipped when this size's seed is there already."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from smartregion.insights.index import index_rebuild
    from smartregion.participation.models import Idea, IdeaStatus, Phase, Process
    from smartregion.strategy.models import Domain

    call_command("migrate", interactive=False, verbosity=0)
    if Process.objects.filter(slug=f"{marker(ideas)}-0").exists():
        print("Seeded database found; reusing it.")
        return
    call_command("flush", interactive=False, verbosity=0)
    rng = random.Random(SEED)
    texts = read_texts()
    user = get_user_model().objects.create_user(
        email="bench@example.org", password=None, display_name="Bench"
    )
    domain = Domain.objects.create(name="Mobilität", slug="mobilitaet")
    now = timezone.now()
    processes = []
    for number, name in enumerate(sorted(texts)):
        process = Process.objects.create(
            title=f"Beteiligung {name}",
            slug=f"{marker(ideas)}-{number}",
            summary="Bench",
            body="Bench",
            body_html="<p>Bench</p>",
            visibility=Process.Visibility.PUBLIC,
        )
        Phase.objects.create(
            process=process,
            kind=Phase.Kind.IDEA_COLLECTION,
            starts_at=now - timezone.timedelta(days=30),
            ends_at=now + timezone.timedelta(days=365),
        )
        process.domains.set([domain])
        processes.append((process, texts[name]))
    everything = [text for _process, some in processes for text in some]
    started = time.perf_counter()
    batch: list[Idea] = []
    for number in range(ideas):
        process, own = processes[number % len(processes)]
        title, body = own[(number // len(processes)) % len(own)]
        _other_title, other = rng.choice(everything)
        sentence = other.split(". ")[0][:300]
        status = IdeaStatus.PUBLISHED
        if rng.random() < 0.05:
            status = rng.choice([IdeaStatus.HIDDEN, IdeaStatus.SUBMITTED])
        batch.append(
            Idea(
                process=process,
                title=title,
                body=f"{body} {sentence}.",
                body_html="",
                author=user,
                status=status,
                published_at=now,
            )
        )
        if len(batch) == 2000:
            with transaction.atomic():
                Idea.objects.bulk_create(batch)
            batch = []
    if batch:
        Idea.objects.bulk_create(batch)
    print(f"Seeded {ideas:,} ideas in {time.perf_counter() - started:.0f} s.")
    started = time.perf_counter()
    written = index_rebuild()
    print(f"index_rebuild: {written} in {time.perf_counter() - started:.0f} s.")
    if Idea.objects.count() != ideas:
        raise SystemExit("seeding failed")


def in_process() -> None:
    from django.core.paginator import Paginator

    from smartregion.insights.selectors import search_everything, similar_ideas
    from smartregion.participation import selectors
    from smartregion.participation.models import Idea, Process

    def idea_list_page(q: str) -> None:
        rows = selectors.idea_list_pages(viewer=None, filters=selectors.IdeaFilters(q=q, sort="relevance"))
        page = Paginator(rows, 20).get_page(1)
        list(page.object_list)

    def search_page(q: str) -> None:
        search_everything(q=q)

    for name, call in (
        ("idea list (q, page 1 + count)", idea_list_page),
        ("search page (all kinds)", search_page),
    ):
        for q in QUERIES:  # warm the caches once
            call(q)
        samples = [timed(lambda q=q, call=call: call(q)) for _ in range(REPEAT) for q in QUERIES]
        print(f"  in-process  {name:34} {figures(samples)}   (target p95 < 30)")
    processes = list(Process.objects.filter(slug__startswith="bench-insights"))
    rng = random.Random(SEED)
    picks = [
        rng.choice(list(Idea.objects.filter(process=process).values_list("pk", flat=True)[:2000]))
        for process in processes
        for _ in range(4)
    ]
    probes = [
        (idea.process, f"{idea.title}\n{idea.body}")
        for idea in Idea.objects.filter(pk__in=picks).select_related("process")
    ]
    for process, text in probes:
        similar_ideas(process=process, text=text)
    samples = [
        timed(lambda p=process, t=text: similar_ideas(process=p, text=t))
        for _ in range(REPEAT)
        for process, text in probes
    ]
    print(f"  in-process  {'similar ideas (5 best)':34} {figures(samples)}   (target p95 < 50)")


def over_http(database_url: str) -> None:
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    from smartregion.participation.models import Idea, Process

    with serving(database_url=database_url, page_cache=False) as server:

        def get(path: str) -> float:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            started = time.perf_counter()
            status, _location = send(connection, Call("GET", path))
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            return elapsed

        for label, prefix in (
            ("/suche/", "/suche/?"),
            ("/ideen/", "/ideen/?"),
            ("/api/v1/ideas", "/api/v1/ideas?"),
        ):
            for q in QUERIES:
                get(prefix + urlencode({"q": q}))
            samples = [get(prefix + urlencode({"q": q})) for _ in range(REPEAT) for q in QUERIES]
            print(f"  HTTP        GET {label:30} {figures(samples)}")
        secret = _get_new_csrf_string()
        token = _mask_cipher_secret(secret)
        process = Process.objects.filter(slug__startswith="bench-insights").first()
        texts = list(Idea.objects.filter(process=process).values_list("title", "body")[:20])

        def similar(title: str, body: str) -> float:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            payload = urlencode({"csrfmiddlewaretoken": token, "title": title, "body": body[:2000]})
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={secret}",
                "HX-Request": "true",
            }
            started = time.perf_counter()
            connection.request(
                "POST", f"/suche/aehnliche-ideen/{process.slug}/", body=payload, headers=headers
            )
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                raise RuntimeError(f"similar ideas answered {response.status}")
            return elapsed

        for title, body in texts:
            similar(title, body)
        samples = [similar(title, body) for _ in range(REPEAT) for title, body in texts]
        print(f"  HTTP        POST {'similar ideas (htmx)':29} {figures(samples)}")


def worker_ready(task: Any) -> None:
    """Wait until the worker has started and run a task: a fixed three seconds were not enough for its
    start-up at a load of 10 and more, and the first idea's figure was then the worker's start (3 s)."""
    from django_tasks.base import TaskResultStatus

    result = task.enqueue(kind="idea", ids=[])
    started = time.perf_counter()
    while result.status != TaskResultStatus.SUCCESSFUL:
        if time.perf_counter() - started > 120:
            raise RuntimeError("the worker did not run a task within 120 s")
        time.sleep(0.05)
        result.refresh()


def freshness(database_url: str) -> None:
    from django.contrib.auth import get_user_model

    from smartregion.insights import search, tasks
    from smartregion.participation import services
    from smartregion.participation.models import Idea, Process

    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "TASK_BACKEND": "database",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        worker_ready(tasks.search_index_update)
        user = get_user_model().objects.get(email="bench@example.org")
        process = Process.objects.filter(slug__startswith="bench-insights").first()
        domain = process.domains.first()
        submit, findable = [], []
        for number in range(10):
            word = f"Zaunkoenigweg{number}x{random.randrange(10**6)}"
            started = time.perf_counter()
            idea = services.idea_create(
                author=user,
                process=process,
                title=f"Neue Idee am {word}",
                body="Eine Bank zum Ausruhen wäre schön.",
                domains=[domain],
            )
            committed = time.perf_counter()
            submit.append((committed - started) * 1000)
            while not search.ranked_ids(word, kind="idea"):
                if time.perf_counter() - committed > 10:
                    raise RuntimeError("the new idea did not become findable within 10 s")
                time.sleep(0.005)
            findable.append((time.perf_counter() - committed) * 1000)
            Idea.objects.filter(pk=idea.pk).delete()
            time.sleep(0.3)
        print(f"  freshness   {'idea_create (the form’s save)':34} {figures(submit)}")
        print(
            f"  freshness   {'commit → findable (db_worker 0.2 s)':34} {figures(findable)}   (target < 1000)"
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def run(database: str, ideas: int, postgres_url: str) -> None:
    url = SQLITE_URL if database == "sqlite" else postgres_url
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if database == "postgres":
        postgres_database_create(url)
    os.environ["TASK_BACKEND"] = "database"
    os.environ.setdefault("PAGE_CACHE_SECONDS", "0")
    django_setup(url)
    from django.db import connection

    print(
        f"\n== {database}: {ideas:,} ideas; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs =="
    )
    seed(ideas=ideas)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
    else:
        with connection.cursor() as cursor:
            # Every table: without statistics on the freshly seeded ideas the planner walked a whole index
            # to find 20 ideas by id (100 ms instead of 3 ms).
            cursor.execute("VACUUM ANALYZE")
    in_process()
    over_http(url)
    freshness(url)
    print(f"  load average after: {os.getloadavg()[0]:.2f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="the PostgreSQL bench database")
    args = parser.parse_args(argv)
    if args.db == "both":
        # Django is set up once per process: each database gets a process of its own.
        for database in ("sqlite", "postgres"):
            subprocess.run(  # noqa: S603 - this script and manage.py of this checkout
                [
                    sys.executable,
                    __file__,
                    *("--db", database, "--ideas", str(args.ideas)),
                    *("--postgres-url", args.postgres_url),
                ],
                check=True,
            )
        return 0
    run(args.db, args.ideas, args.postgres_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())

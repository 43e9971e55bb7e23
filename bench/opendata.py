"""Open-data downloads at size: how long each dataset takes in each format, how much memory it needs, and
how many queries it makes, on the demo data plus many generated ideas and measures.

What it does
    1. Migrates a database of its own (var/bench/opendata.sqlite3, or DATABASE_URL when given), loads the
       demo data (seed_demo) once, and adds ``--ideas`` public ideas (every second one with a location) and
       ``--measures`` published measures with four budget lines, two milestones and an indicator with
       three values each, in bulk. A database that already holds them is reused. Then ANALYZE, as
       autovacuum would a minute after a bulk load: without statistics PostgreSQL's plans for the rows
       were several times slower.
    2. Writes every dataset in every format as the task does (opendata/publish.py) into var/bench/opendata
       and prints per download: rows, bytes, seconds and rows per second for writing (the fastest of
       WRITES writes: the first meets a cold cache), the peak of Python
       memory allocated meanwhile (tracemalloc), and, in-process with Django's test client, the time to
       first byte of the download served from the current file and from the previous file while a new
       one is due, and the SQL queries of serving it.

How to read it
    The figures depend on the machine; compare the ratios across changes. Memory should stay flat as the
    rows grow (the rows are read in chunks of datasets.CHUNK_SIZE). Serving a file costs the version's
    query whatever its size. The script reports; it asserts nothing.

Usage: .venv/bin/python bench/opendata.py [--ideas 100000] [--measures 1000]
       (DATABASE_URL=postgres://... for PostgreSQL, a database of its own that it creates if missing; the
       issue's size is --ideas 100000)
"""

import argparse
import datetime
import math
import os
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
(ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'opendata.sqlite3'}")
os.environ.setdefault("TASK_BACKEND", "immediate")

import django  # noqa: E402

from bench.participation import postgres_database_create  # noqa: E402

if os.environ["DATABASE_URL"].startswith("postgres"):
    postgres_database_create(os.environ["DATABASE_URL"])
django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from smartregion.core.markdown import render_markdown  # noqa: E402
from smartregion.opendata import publish  # noqa: E402
from smartregion.opendata.datasets import DATASETS  # noqa: E402
from smartregion.participation.models import Idea, IdeaStatus, Process  # noqa: E402
from smartregion.program.models import BudgetLine, FundingSource, Indicator, IndicatorValue, Milestone  # noqa: E402
from smartregion.strategy.models import Domain, Measure, Strategy  # noqa: E402

MARKER = "bench-opendata"
# Writes per download; the fastest counts (the others met a cold cache or another process on the machine).
WRITES = 3


def seed(ideas: int, measures: int) -> None:
    call_command("migrate", verbosity=0)
    if not Process.objects.exists():
        call_command("seed_demo", verbosity=0)
    if Idea.objects.filter(title__startswith=MARKER).exists():
        return
    process = Process.objects.filter(visibility=Process.Visibility.PUBLIC).order_by("pk").first()
    domain = Domain.objects.order_by("pk").first()
    strategy = Strategy.objects.order_by("pk").first()
    sources = list(FundingSource.objects.order_by("pk")[:2])
    if not (process and domain and strategy and len(sources) == 2):
        raise SystemExit("seed_demo did not load the demo program")
    now = timezone.now()
    body = "Ein **Vorschlag** für die Region, mit etwas Text, damit die Zeilen eine übliche Länge haben. " * 3
    html = render_markdown(body)
    with transaction.atomic():
        created = Idea.objects.bulk_create(
            Idea(
                process=process,
                title=f"{MARKER} Idee {n}",
                body=body,
                body_html=html,
                status=IdeaStatus.PUBLISHED,
                published_at=now,
                latitude=Decimal("50.35") + Decimal(n % 100) / 1000 if n % 2 else None,
                longitude=Decimal("7.30") + Decimal(n % 100) / 1000 if n % 2 else None,
                support_count=n % 50,
            )
            for n in range(ideas)
        )
        Idea.domains.through.objects.bulk_create(
            Idea.domains.through(idea_id=idea.pk, domain_id=domain.pk) for idea in created
        )
        made = Measure.objects.bulk_create(
            Measure(
                strategy=strategy,
                title=f"{MARKER} Maßnahme {n}",
                slug=f"{MARKER}-{n}",
                summary="Kurz.",
                is_published=True,
                budget_planned=Decimal(4000),
            )
            for n in range(measures)
        )
        Measure.domains.through.objects.bulk_create(
            Measure.domains.through(measure_id=m.pk, domain_id=domain.pk) for m in made
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(measure=m, source=source, year=year, planned=Decimal(1000))
            for m in made
            for source in sources
            for year in (2026, 2027)
        )
        day = datetime.date(2026, 1, 31)
        Milestone.objects.bulk_create(
            Milestone(measure=m, title=f"Schritt {k}", due_on=day, done_on=day if k else None)
            for m in made
            for k in range(2)
        )
        indicators = Indicator.objects.bulk_create(
            Indicator(measure=m, name="Nutzung", unit="Personen", baseline=Decimal(0), target=Decimal(100))
            for m in made
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator=i,
                measured_on=day + datetime.timedelta(days=30 * k),
                value=Decimal(k),
                source="Zählung",
            )
            for i in indicators
            for k in range(3)
        )


def _download(client: Client, url: str) -> int:
    response = client.get(url)
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(b"".join(response))


def _first_byte(client: Client, url: str) -> tuple[float, int, int]:
    """Milliseconds until the first byte of the body is there, the status, and the queries made."""
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            next(iter(response.streaming_content), b"")
        elapsed = (time.perf_counter() - started) * 1000
    if response.streaming:
        response.close()
    return elapsed, response.status_code, len(queries)


def measure() -> None:
    """Per download: writing the file (the task's work, rows per second), its memory peak, and the time to
    first byte of a download served from the current file and from the previous one while a new one is due
    (the queued case: the data changed and the task has not run yet)."""
    client = Client()
    print(
        f"{'dataset':<16}{'format':<9}{'rows':>8}{'bytes':>12}{'write s':>9}{'rows/s':>9}{'peak MiB':>10}"
        f"{'TTFB ms':>9}{'stale ms':>9}{'SQL':>5}"
    )
    cache.clear()
    for dataset in DATASETS:
        for fmt in dataset.formats:
            url = reverse("opendata:download", kwargs={"slug": dataset.slug, "fmt": fmt})
            seconds = math.inf
            for _attempt in range(WRITES):
                reset_queries()  # the log keeps 9,000 queries; a full log would count none
                started = time.perf_counter()
                published, rows = publish.write(dataset, fmt)
                seconds = min(seconds, time.perf_counter() - started)
            # Again for the memory: tracemalloc slows Python down several times.
            tracemalloc.start()
            published, rows = publish.write(dataset, fmt)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            ttfb, status, queries = _first_byte(client, url)
            # The data changed and the task is queued: the previous file is served meanwhile.
            previous = published.path.with_name(f"{dataset.slug}-{'0' * 32}.{fmt}")
            published.path.rename(previous)
            cache.add(f"opendata:pending:{dataset.slug}:{fmt}", 1, timeout=60)
            stale, stale_status, _queries = _first_byte(client, url)
            previous.rename(published.path)
            cache.delete(f"opendata:pending:{dataset.slug}:{fmt}")
            if (status, stale_status) != (200, 200):
                print(f"warning: {dataset.slug}.{fmt} answered {status} / {stale_status}")
            print(
                f"{dataset.slug:<16}{fmt:<9}{rows:>8}{published.path.stat().st_size:>12}{seconds:>9.2f}"
                f"{rows / seconds if seconds else 0:>9.0f}{peak:>10.1f}{ttfb:>9.1f}{stale:>9.1f}{queries:>5}"
            )
    print(
        "targets: time to first byte < 1000 ms for every download (TTFB, stale); writing >= 50,000 rows/s "
        "(the large datasets)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ideas", type=int, default=100000)
    parser.add_argument("--measures", type=int, default=1000)
    arguments = parser.parse_args()
    seed(arguments.ideas, arguments.measures)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with override_settings(ALLOWED_HOSTS=["testserver"], OPENDATA_ROOT=ROOT / "var" / "bench" / "opendata"):
        measure()


if __name__ == "__main__":
    main()

"""Open-data downloads at size: how long each dataset takes in each format, how much memory it needs, and
how many queries it makes, on the demo data plus many generated ideas and measures.

What it does
    1. Migrates a database of its own (var/bench/opendata.sqlite3, or DATABASE_URL when given), loads the
       demo data (seed_demo) once, and adds ``--ideas`` public ideas (every second one with a location) and
       ``--measures`` published measures with four budget lines, two milestones and an indicator with
       three values each, in bulk. A database that already holds them is reused.
    2. Downloads every dataset in every format in-process (Django's test client, so no server), reading the
       whole streamed body, and prints per download: rows, bytes, seconds, the peak of Python memory
       allocated meanwhile (tracemalloc), and the SQL queries.

How to read it
    The figures depend on the machine; compare the ratios across changes. Memory should stay flat as the
    rows grow (the rows are streamed in chunks of datasets.CHUNK_SIZE); queries grow by one main query plus
    one per prefetch for every further chunk. The script reports; it asserts nothing.

Usage: .venv/bin/python bench/opendata.py [--ideas 20000] [--measures 1000]
"""

import argparse
import datetime
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

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from smartregion.core.markdown import render_markdown  # noqa: E402
from smartregion.opendata.datasets import DATASETS  # noqa: E402
from smartregion.participation.models import Idea, IdeaStatus, Process  # noqa: E402
from smartregion.program.models import BudgetLine, FundingSource, Indicator, IndicatorValue, Milestone  # noqa: E402
from smartregion.strategy.models import Domain, Measure, Strategy  # noqa: E402

MARKER = "bench-opendata"


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


def measure() -> None:
    client = Client()
    print(f"{'dataset':<16}{'format':<9}{'rows':>8}{'bytes':>12}{'seconds':>9}{'peak MiB':>10}{'SQL':>5}")
    for dataset in DATASETS:
        rows = sum(1 for _row in dataset.rows())
        for fmt in dataset.formats:
            url = reverse("opendata:download", kwargs={"slug": dataset.slug, "fmt": fmt})
            reset_queries()  # the log keeps 9,000 queries; a full log would count none
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                size = _download(client, url)
                seconds = time.perf_counter() - started
            # A second download for the memory: tracemalloc slows Python down several times.
            tracemalloc.start()
            _download(client, url)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            print(
                f"{dataset.slug:<16}{fmt:<9}{rows:>8}{size:>12}{seconds:>9.2f}{peak:>10.1f}{len(queries):>5}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ideas", type=int, default=20000)
    parser.add_argument("--measures", type=int, default=1000)
    arguments = parser.parse_args()
    seed(arguments.ideas, arguments.measures)
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        measure()


if __name__ == "__main__":
    main()

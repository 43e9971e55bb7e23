"""The API under load: the idea list and a measure's detail, cached, conditional (304) and rendered.

What it does
    1. Reuses the participation benchmark's database (bench/participation.py seeds it on first use: 10,000
       published ideas with 200,000 supports at scale 1) and adds one published measure with 20 linked
       ideas, 4 funding sources x 7 years of budget lines, 12 milestones and 4 indicators with 24 values
       each, unless it is there already.
    2. Serves it with gunicorn (2 sync workers, bench/settings.py) on a free loopback port.
    3. Sends load from 16 threads for a fixed time per endpoint after a warm-up: the trivial view (the
       ceiling), GET /api/v1/ideas?sort=supported, GET /api/v1/measures/<slug>, the same two with the
       ETag of a previous answer in If-None-Match (304), and, on a second server with the cache off
       (PAGE_CACHE_SECONDS=0), both rendered for every request.

How to read the table: as in bench/participation.py (req/s, p50/p99 as a client sees them, the share of
the ceiling, SQL queries per request counted in-process, other work on the machine meanwhile).
Targets (issue 5): at least 0.5 of the ceiling for the reads, at least 0.8 for the 304 answers.

Usage: .venv/bin/python bench/api.py [--db sqlite|postgres|both] [--scale 1.0] [--duration 10]
"""

import argparse
import datetime
import subprocess
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.participation import (
    BENCH_DIR,
    CONCURRENCY,
    PING,
    SQLITE_URL,
    Call,
    Endpoint,
    LoadResult,
    Sample,
    count_queries,
    cpu_ticks,
    database_prepare,
    database_title,
    django_setup,
    load,
    other_cpu_share,
    postgres_database_create,
    repeat,
    serving,
)
from bench.participation import POSTGRES_URL as PARTICIPATION_POSTGRES_URL

MEASURE_SLUG = "bench-api-massnahme"
READ_SHARE = 0.5
NOT_MODIFIED_SHARE = 0.8


def measure_prepare() -> str:
    """One published measure with a full detail page's worth of data (idempotent); returns its slug."""
    from django.db import transaction

    from smartregion.participation.models import Idea
    from smartregion.program.models import BudgetLine, FundingSource, Indicator, IndicatorValue, Milestone
    from smartregion.strategy.models import Goal, IdeaLink, Measure, MeasureStatus, Strategy

    if Measure.objects.filter(slug=MEASURE_SLUG).exists():
        return MEASURE_SLUG
    with transaction.atomic():
        goal, _ = Goal.objects.get_or_create(slug="bench-ziel", defaults={"title": "Benchmark-Ziel"})
        strategy, _ = Strategy.objects.get_or_create(
            slug="bench-strategie", defaults={"goal": goal, "title": "Benchmark-Strategie"}
        )
        measure = Measure.objects.create(
            strategy=strategy,
            slug=MEASURE_SLUG,
            title="Digitale Mitfahrbänke in allen Orten",
            summary="Eine Maßnahme mit allem, was eine Detailseite zeigt.",
            is_published=True,
            status=MeasureStatus.RUNNING,
        )
        sources = [
            FundingSource.objects.get_or_create(
                name=f"Bench-Quelle {n}",
                defaults={"kind": FundingSource.Kind.THIRD_PARTY, "amount": Decimal("10000000.00")},
            )[0]
            for n in range(4)
        ]
        BudgetLine.objects.bulk_create(
            BudgetLine(measure=measure, source=source, year=2025 + year, planned=Decimal("10000.00"))
            for source in sources
            for year in range(7)
        )
        start = datetime.date(2025, 1, 1)
        Milestone.objects.bulk_create(
            Milestone(
                measure=measure, title=f"Meilenstein {n}", due_on=start + datetime.timedelta(days=60 * n)
            )
            for n in range(12)
        )
        for n in range(4):
            indicator = Indicator.objects.create(
                measure=measure,
                name=f"Kennzahl {n}",
                unit="Fahrten",
                baseline=Decimal(0),
                target=Decimal(1000),
            )
            IndicatorValue.objects.bulk_create(
                IndicatorValue(
                    indicator=indicator,
                    measured_on=start + datetime.timedelta(days=30 * month),
                    value=Decimal(10 * month),
                    source="Zählung",
                )
                for month in range(24)
            )
        ideas = Idea.objects.filter(status="published").order_by("-support_count")[:20]
        IdeaLink.objects.bulk_create(
            IdeaLink(measure=measure, idea=idea, note="Aufgenommen.") for idea in ideas
        )
    return MEASURE_SLUG


def etag_of(port: int, path: str) -> str:
    """The ETag the running server gives ``path`` (the conditional requests send it back)."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.getheader("ETag", "")
    finally:
        connection.close()


def report(title: str, rows: list[tuple[str, int, LoadResult, int, float, str, bool | None]]) -> None:
    ceiling = rows[0][2].rate
    print(f"\n{title}")
    header = (
        f"{'endpoint':<30} {'SQL':>4} {'requests':>9} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'ceiling':>8} {'errors':>6} {'other':>6}  {'target':<18} result"
    )
    print(header)
    print("-" * len(header))
    for name, queries, result, errors, other, target, passed in rows:
        verdict = "" if passed is None else ("PASS" if passed else "FAIL")
        share = result.rate / ceiling if ceiling else float("nan")
        print(
            f"{name:<30} {queries:>4} {len(result.measured):>9,} {result.rate:>8.1f} "
            f"{result.percentile_ms(50):>7.1f} {result.percentile_ms(99):>7.1f} {share:>8.2f} "
            f"{errors:>6} {other:>6.0%}  {target:<18} {verdict}"
        )


def run(*, database: str, args: argparse.Namespace) -> int:
    url = SQLITE_URL if database == "sqlite" else args.postgres_url
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if database == "postgres":
        postgres_database_create(url)
    django_setup(url)
    from django.core.management import call_command
    from django.db import connection

    database_prepare(url=url, scale=args.scale)
    call_command("collectstatic", interactive=False, verbosity=0)
    slug = measure_prepare()
    ideas = Call("GET", "/api/v1/ideas?sort=supported")
    measure = Call("GET", f"/api/v1/measures/{slug}")
    queries = {call.path: count_queries(call)[2] for call in (Call("GET", PING), ideas, measure)}
    connection.close()

    def ok(status: int) -> Callable[[Sample], bool]:
        return lambda sample: sample.status == status

    rows = []
    print(f"Load: {args.concurrency} clients, {args.warmup:g} s warm-up + {args.duration:g} s per endpoint.")
    ceiling_rate = 0.0
    for cached in (True, False):
        with serving(database_url=url, page_cache=cached) as server:
            if cached:
                endpoints = [
                    Endpoint(
                        "trivial view (ceiling)", repeat(Call("GET", PING)), Call("GET", PING), ok(200), ""
                    ),
                    Endpoint("ideas, most supported", repeat(ideas), ideas, ok(200), "read"),
                    Endpoint("measure detail", repeat(measure), measure, ok(200), "read"),
                ]
                for call, name in (
                    (ideas, "ideas, If-None-Match (304)"),
                    (measure, "measure, If-None-Match (304)"),
                ):
                    conditional = Call(
                        "GET", call.path, headers=(("If-None-Match", etag_of(server.port, call.path)),)
                    )
                    endpoints.append(Endpoint(name, repeat(conditional), conditional, ok(304), "304"))
            else:
                endpoints = [
                    Endpoint("ideas, rendered (no cache)", repeat(ideas), ideas, ok(200), ""),
                    Endpoint("measure, rendered (no cache)", repeat(measure), measure, ok(200), ""),
                ]
            for endpoint in endpoints:
                before = cpu_ticks(server.pid)
                result = load(
                    port=server.port,
                    source=endpoint.source,
                    concurrency=args.concurrency,
                    warmup=args.warmup,
                    duration=args.duration,
                )
                other = other_cpu_share(before, cpu_ticks(server.pid))
                errors = sum(1 for sample in result.samples if not endpoint.succeeded(sample))
                if endpoint.probe.path == PING:
                    ceiling_rate = result.rate
                share = result.rate / ceiling_rate if ceiling_rate else 0.0
                target, passed = "", None
                if endpoint.kind == "read":
                    target, passed = f">= {READ_SHARE} x ceiling", errors == 0 and share >= READ_SHARE
                elif endpoint.kind == "304":
                    target = f">= {NOT_MODIFIED_SHARE} x ceiling"
                    passed = errors == 0 and share >= NOT_MODIFIED_SHARE
                count = 0 if endpoint.kind == "304" else queries[endpoint.probe.path]
                rows.append((endpoint.name, count, result, errors, other, target, passed))
    report(database_title(url, args.scale), rows)
    return 0 if all(row[6] is not False for row in rows) else 1


def arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the seeded sizes (default 1.0)")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per endpoint")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each endpoint")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY, help="client threads")
    parser.add_argument(
        "--postgres-url", default=PARTICIPATION_POSTGRES_URL, help="the PostgreSQL bench database"
    )
    args = parser.parse_args(argv)
    if args.scale <= 0 or args.duration <= 0 or args.warmup < 0 or args.concurrency < 1:
        parser.error("scale, duration and concurrency must be positive, warm-up not negative")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    if args.db != "both":
        return run(database=args.db, args=args)
    forwarded = [
        f"--scale={args.scale}",
        f"--duration={args.duration}",
        f"--warmup={args.warmup}",
        f"--concurrency={args.concurrency}",
        f"--postgres-url={args.postgres_url}",
    ]
    codes = [
        subprocess.run([sys.executable, __file__, f"--db={db}", *forwarded], check=False).returncode  # noqa: S603
        for db in ("sqlite", "postgres")
    ]
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())

"""Rendering cost of the busiest pages, in-process: milliseconds per request without a server (issue 15).

What it does
    Seeds (or reuses) bench/participation.py's campaign (PostgreSQL by default, or its SQLite file) and
    requests, through Django's test client in this process, the pages bench/peak.py measures from outside:
    the idea list (most supported, page 1) and the page of the idea with 50 comments, each signed in (as a
    seeded citizen) and anonymous with the page cache off. It prints the median and the best milliseconds per
    request, the queries and the size of each page; with ``--profile`` also where the time goes (cProfile,
    sorted by cumulative time).

Why in-process: a request's CPU time is what limits 2 sync workers; measured here it is free of the
listen queue and of the load generator, so before/after comparisons hold even on a busy machine
(still: the load average is printed, and figures taken under load are higher).

Usage: .venv/bin/python bench/rendering.py [--db postgres|sqlite] [--scale 1] [--requests 30]
           [--profile] [--top 40]
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import participation as bench  # noqa: E402


def _client(*, signed_in_as: Any) -> Any:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if signed_in_as is not None:
        client.force_login(signed_in_as)
    return client


def _timed(get: Callable[[], Any], requests: int) -> list[float]:
    """Milliseconds of each of ``requests`` requests after one unmeasured warm-up request."""
    get()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        get()
        times.append(1000 * (time.perf_counter() - started))
    return times


def _measure(name: str, mode: str, client: Any, path: str, args: argparse.Namespace) -> None:
    """Print one page's figures (and its profile with ``--profile``)."""
    from django.db import connection

    def get() -> Any:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)  # noqa: S101
        return response

    queries: list[str] = []

    def counted(execute: Callable[..., Any], sql: str, *rest: Any) -> Any:
        queries.append(sql)
        return execute(sql, *rest)

    get()  # fills the fragments in the warm mode: the queries counted are those of a hit
    with connection.execute_wrapper(counted):
        size = len(get().content)
    times = _timed(get, args.requests)
    print(
        f"{name:<38} {mode:<5} {statistics.median(times):>9.1f} {min(times):>8.1f} {len(queries):>8} "
        f"{size / 1024:>6.0f}"
    )
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [get() for _ in range(5)])
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


def run(args: argparse.Namespace) -> int:
    """Seed or reuse the campaign, then time (and optionally profile) each page."""
    url = bench.SQLITE_URL if args.db == "sqlite" else args.postgres_url
    bench.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if args.db == "postgres":
        bench.postgres_database_create(url)
    bench.django_setup(url)
    from django.test.utils import override_settings
    from django.urls import reverse

    from smartregion.accounts.models import User

    campaign = bench.database_prepare(url=url, scale=args.scale)
    reader = User.objects.filter(email__endswith="@bench.example.org").order_by("pk").first()
    idea_list = f"{reverse('participation:idea_list')}?{urlencode({'sort': 'supported', 'page': 1})}"
    idea_page = reverse("participation:idea", kwargs={"pk": campaign.detail_idea_id})
    cases = [
        ("idea list, signed in", idea_list, reader),
        ("idea page, 50 comments, signed in", idea_page, reader),
        ("idea list, rendered (no page cache)", idea_list, None),
        ("idea page, 50 comments, rendered", idea_page, None),
    ]
    print(bench.database_title(url, args.scale))
    print(f"{args.requests} requests per page in-process; load average {os.getloadavg()[0]:.1f}")
    print("cold: no page cache, no fragments (FRAGMENT_CACHE_SECONDS=0); warm: shared fragments cached\n")
    print(f"{'page':<38} {'mode':<5} {'median ms':>9} {'best ms':>8} {'queries':>8} {'KB':>6}")
    for mode, fragments in (("cold", 0), ("warm", 15)):
        with override_settings(PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE_SECONDS=fragments):
            for name, path, person in cases:
                _measure(name, mode, _client(signed_in_as=person), path, args)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="print cProfile's cumulative top per page")
    parser.add_argument("--top", type=int, default=40, help="functions per profile")
    parser.add_argument("--postgres-url", default=bench.POSTGRES_URL)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

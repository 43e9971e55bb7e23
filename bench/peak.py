"""A campaign's peak (issue 15): the page cache under writes, signed-in and rendered pages, a worker's memory.

What it does
    Seeds (or reuses) bench/participation.py's campaign on PostgreSQL and serves it with gunicorn (2 sync
    workers, bench/settings.py), then measures in one run, each as a share of the trivial view's rate on
    the same server (the ceiling):
    1. with Redis (REDIS_URL, the scale-out set-up) and the page cache: the anonymous idea list and idea
       page while signed-in people support ideas at --write-rate per second (20) in the background; the
       supports' own latency and the check that every acknowledged support is stored exactly once;
    2. the same pages signed in (never from the page cache) and anonymous with the page cache off;
    3. with the local-memory page cache (the embedded set-up, no Redis): --requests (10,000) requests for
       distinct URLs (idea pages and list pages), then each worker's resident memory.

Targets (issue 15): anonymous pages under writes >= 0.30 of the ceiling; signed-in and rendered pages
>= 0.10 of the ceiling and p99 < 150 ms; memory < 150 MiB per worker. Supporting at 16 clients
(>= 300/s) is bench/participation.py's row. The "other" column is the share of the CPUs that other work
used meanwhile: above 10 %, the figures understate the stack.

Usage: .venv/bin/python bench/peak.py [--scale 1] [--duration 10] [--warmup 3] [--requests 10000]
           [--redis-url redis://127.0.0.1:6379/15] [--postgres-url postgres://.../smartregion_bench]
"""

import argparse
import math
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import participation as bench  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/15"
WRITE_RATE = 20.0
PAGE_SHARE = 0.30
RENDERED_SHARE = 0.10
P99_LIMIT_MS = 150.0
MEMORY_LIMIT_MIB = 150.0


WRITERS = 4


def paced_writer(
    port: int, calls: Sequence[bench.Call], rate: float
) -> tuple["Writer", list, threading.Event]:
    """Threads that send the calls at ``rate`` per second in all until stopped (several, so that a slow
    answer does not hold back the next support); their samples land in the list."""
    import http.client

    samples: list[bench.Sample] = []
    stop = threading.Event()
    started = time.perf_counter()

    def run(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=bench.CLIENT_TIMEOUT)
        for index in range(offset, len(calls), WRITERS):
            due = started + index / rate
            if stop.wait(max(0.0, due - time.perf_counter())):
                break
            began = time.perf_counter()
            status, location = bench.send(connection, calls[index])
            samples.append(bench.Sample(calls[index], began, time.perf_counter(), status, location))
        connection.close()

    return Writer([threading.Thread(target=run, args=(offset,)) for offset in range(WRITERS)]), samples, stop


class Writer:
    def __init__(self, threads: list[threading.Thread]) -> None:
        self.threads = threads

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        for thread in self.threads:
            thread.join()


def signed_in(call: bench.Call, supporter: bench.Supporter) -> bench.Call:
    from django.conf import settings

    cookies = (
        f"{settings.SESSION_COOKIE_NAME}={supporter.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={supporter.csrf_token}"
    )
    return bench.Call(call.method, call.path, headers=(("Cookie", cookies), ("X-Real-IP", supporter.address)))


def worker_rss_mib(server_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (the children of the master)."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if int(bench._stat_fields(int(entry.name))[1]) != server_pid:
                continue
            status = (entry / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sorted(sizes)


class Table:
    def __init__(self) -> None:
        self.ceiling = math.nan
        header = (
            f"{'measured':<44} {'requests':>9} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'ceiling':>8} "
            f"{'errors':>6} {'other':>6}  {'target':<34} result"
        )
        print(header)
        print("-" * len(header))

    def row(
        self,
        name: str,
        result: bench.LoadResult,
        other: float,
        *,
        share: float | None = None,
        p99: float | None = None,
    ) -> None:
        if math.isnan(self.ceiling):
            self.ceiling = result.rate
        errors = sum(1 for sample in result.measured if sample.status != 200)
        ratio = result.rate / self.ceiling if self.ceiling else math.nan
        target, verdict = "", ""
        if share is not None:
            target = f">= {share:.2f} x ceiling" + (f", p99 < {p99:.0f} ms" if p99 else "")
            passed = errors == 0 and ratio >= share and (p99 is None or result.percentile_ms(99) < p99)
            verdict = "PASS" if passed else "FAIL"
        print(
            f"{name:<44} {len(result.measured):>9,} {result.rate:>8.1f} {result.percentile_ms(50):>7.1f} "
            f"{result.percentile_ms(99):>7.1f} {ratio:>8.2f} {errors:>6} {other:>6.0%}  "
            f"{target:<34} {verdict}"
        )


def measured(
    server: bench.Server, source: bench.CallSource, args: argparse.Namespace
) -> tuple[bench.LoadResult, float]:
    before = bench.cpu_ticks(server.pid)
    result = bench.load(
        port=server.port,
        source=source,
        concurrency=args.concurrency,
        warmup=args.warmup,
        duration=args.duration,
    )
    return result, bench.other_cpu_share(before, bench.cpu_ticks(server.pid))


def run(args: argparse.Namespace) -> int:  # noqa: PLR0915 (one run, in order)
    import redis
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse

    bench.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    bench.postgres_database_create(args.postgres_url)
    bench.django_setup(args.postgres_url)
    campaign = bench.database_prepare(url=args.postgres_url, scale=args.scale)
    call_command("collectstatic", interactive=False, verbosity=0)
    sizes = bench.Sizes.at(args.scale)
    supporters = bench.supporters_sign_in(count=min(bench.SUPPORTERS, sizes.users))
    per_page = math.ceil(args.write_rate * (args.warmup + args.duration) * 1.5) + 10
    pairs = bench.plan_support_pairs(campaign=campaign, supporters=supporters[1:], count=2 * per_page)
    writes = [bench.support_call(supporter, idea_id) for supporter, idea_id in pairs]
    total_before = bench.support_total(campaign)
    idea_list = bench.Call(
        "GET", f"{reverse('participation:idea_list')}?{urlencode({'sort': 'supported', 'page': 1})}"
    )
    idea_page = bench.Call("GET", reverse("participation:idea", kwargs={"pk": campaign.detail_idea_id}))
    reader = supporters[0]
    from smartregion.participation.views.public import PAGE_SIZE

    # Every page of the list in three orders (at most 30 % of the requests), the rest idea pages.
    pages = max(1, len(campaign.idea_ids) // PAGE_SIZE)
    distinct = [
        bench.Call("GET", f"{reverse('participation:idea_list')}?{urlencode({'sort': sort, 'page': page})}")
        for sort in ("supported", "newest", "discussed")
        for page in range(1, pages + 1)
    ][: args.requests * 3 // 10]
    distinct += [
        bench.Call("GET", reverse("participation:idea", kwargs={"pk": pk}))
        for pk in campaign.idea_ids[: args.requests - len(distinct)]
    ]
    connection.close()

    print(bench.database_title(args.postgres_url, args.scale))
    print(
        f"Load: {args.concurrency} clients, {args.warmup:g} s warm-up + {args.duration:g} s per row; "
        f"supports at {args.write_rate:g}/s during the anonymous rows; load average before: "
        f"{os.getloadavg()[0]:.1f}\n"
    )
    table = Table()
    write_samples: list[bench.Sample] = []
    redis.Redis.from_url(args.redis_url).flushdb()
    os.environ["REDIS_URL"] = args.redis_url
    with bench.serving(database_url=args.postgres_url, page_cache=True) as server:
        table.row(
            "trivial view (ceiling), Redis",
            *measured(server, bench.repeat(bench.Call("GET", bench.PING)), args),
        )
        for index, (name, call) in enumerate(
            (("idea list", idea_list), ("idea page, 50 comments", idea_page))
        ):
            thread, samples, stop = paced_writer(
                server.port, writes[index * per_page : (index + 1) * per_page], args.write_rate
            )
            thread.start()
            result, other = measured(server, bench.repeat(call), args)
            stop.set()
            thread.join()
            write_samples += samples
            table.row(f"{name}, anonymous, {args.write_rate:g} supports/s", result, other, share=PAGE_SHARE)
            window = [s for s in samples if s.status]
            latencies = sorted(s.ended - s.started for s in window)
            if latencies:
                print(
                    f"{'':<4}supports meanwhile: {len(window)} sent, "
                    f"p50 {1000 * latencies[len(latencies) // 2]:.0f} ms, "
                    f"p99 {1000 * latencies[max(0, math.ceil(0.99 * len(latencies)) - 1)]:.0f} ms"
                )
        for name, call in (("idea list", idea_list), ("idea page, 50 comments", idea_page)):
            result, other = measured(server, bench.repeat(signed_in(call, reader)), args)
            table.row(f"{name}, signed in", result, other, share=RENDERED_SHARE, p99=P99_LIMIT_MS)
    with bench.serving(database_url=args.postgres_url, page_cache=False) as server:
        for name, call in (("idea list", idea_list), ("idea page, 50 comments", idea_page)):
            result, other = measured(server, bench.repeat(call), args)
            table.row(
                f"{name}, rendered (no page cache)", result, other, share=RENDERED_SHARE, p99=P99_LIMIT_MS
            )
    del os.environ["REDIS_URL"]
    with bench.serving(database_url=args.postgres_url, page_cache=True) as server:
        started = time.perf_counter()
        crawl = bench.load(
            port=server.port,
            source=bench.each_once(distinct),
            concurrency=args.concurrency,
            warmup=0,
            duration=3600,
        )
        rss = worker_rss_mib(server.pid)
        print(
            f"\nmemory, local-memory page cache: {len(crawl.samples):,} requests for distinct URLs in "
            f"{time.perf_counter() - started:.0f} s "
            f"({sum(1 for s in crawl.samples if s.status != 200)} not 200); "
            f"worker RSS {', '.join(f'{size:.0f}' for size in rss)} MiB; "
            f"target < {MEMORY_LIMIT_MIB:.0f} MiB: "
            f"{'PASS' if rss and max(rss) < MEMORY_LIMIT_MIB else 'FAIL'}"
        )

    acknowledged = {
        s.call.pair
        for s in write_samples
        if s.call.pair and s.status == 302 and s.location.startswith(s.call.redirect)
    }
    check = bench.support_check(
        campaign=campaign, samples=write_samples, acknowledged=acknowledged, total_before=total_before
    )
    print(
        f"support check: {check.acknowledged:,} acknowledged, {check.stored_once:,} stored exactly once, "
        f"{check.missing} missing, {check.stored_unacknowledged} stored without acknowledgement; support "
        f"counts grew by {check.count_growth:,}, {check.ideas_miscounted} ideas miscounted: "
        f"{'PASS' if check.ok else 'FAIL'}"
    )
    bench.campaign_reset(campaign)
    return 0 if check.ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=bench.CONCURRENCY)
    parser.add_argument("--write-rate", type=float, default=WRITE_RATE)
    parser.add_argument("--requests", type=int, default=10_000, help="distinct URLs for the memory row")
    parser.add_argument("--redis-url", default=REDIS_URL)
    parser.add_argument("--postgres-url", default=bench.POSTGRES_URL)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

"""Participation under load: the idea list, an idea's page and supporting, at ten times MYK's expected size.

What it does
    1. Seeds a campaign into a database of its own (var/bench/participation.sqlite3, or the PostgreSQL
       database smartregion_bench): 20,000 people, 10,000 published ideas in one process whose idea
       collection is running, 200,000 supports and 50,000 comments (a quarter of them replies), with every
       count the services keep (support_count, comment_count, idea_count) computed from the rows inserted.
       One idea has exactly 50 comments, for the idea page. ``--scale`` multiplies the sizes; a seeded
       database of the same scale is reused (the process's slug is the marker), so repeated runs are quick.
       Titles and texts come from ../shared/data/cimt_proposals_de.csv (next to the checkout) when it
       exists, read at run time and never copied; otherwise they are generated.
    2. Serves it with gunicorn (2 sync workers, bench/settings.py: production's settings without the HTTPS
       redirect) on a free port of 127.0.0.1.
    3. Sends load from 16 threads for a fixed time per endpoint after a warm-up: a trivial view that only
       passes the middleware (the ceiling), the list sorted by most supported (page 1), the page of the idea
       with 50 comments, and supporting: POSTs by thousands of signed-in people (sessions written straight
       into the database), each for another (idea, person) pair.
    4. Checks that every acknowledged support is stored exactly once and that the ideas' support counts
       grew by exactly the number acknowledged, then removes the supports and sessions the run added.

How to read the table
    req/s      responses completed per second in the measured window (the warm-up is not counted)
    p50, p99   latency in milliseconds as a client sees it, including the wait in the listen queue: with
               16 clients and 2 workers a request waits for about 8 others, so p99 grows with the
               time one request takes
    ceiling    req/s relative to the trivial view on the same server: which share of the stack's
               capacity the page leaves, independent of how fast the machine is
    SQL        queries one request makes (counted in-process with the test client before the load)
    other      share of the CPUs that work other than the benchmark (its client, gunicorn, the database
               backends serving it) used meanwhile; when it is more than a few percent, run again
    targets    list and idea page: at least 0.35 of the ceiling and p99 below 150 ms; supporting: at
               least 300 per second (issue 15), every acknowledged support stored exactly once;
               bench/peak.py measures the other targets of issue 15

The load generator shares the machine with the server, so absolute figures depend on the machine; the
ratios and the query counts are what to compare across changes. The script reports; it asserts nothing
(it exits with 1 only when a support was lost or doubled).

Usage: .venv/bin/python bench/participation.py [--db sqlite|postgres|both] [--scale 1.0] [--duration 10]
"""

import argparse
import csv
import datetime
import http.client
import math
import os
import random
import socket
import sqlite3
import string
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SQLITE_URL = f"sqlite:///{BENCH_DIR / 'participation.sqlite3'}"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/smartregion_bench"
TEXTS_CSV = ROOT.parent / "shared" / "data" / "cimt_proposals_de.csv"
SETTINGS_MODULE = "bench.settings"
PING = "/bench/ping/"
# Bump when the seeded data changes shape, so that older bench databases are seeded again.
SEED_VERSION = 2
SEED = 20_261_124

USERS = 20_000
IDEAS = 10_000
SUPPORTS = 200_000
COMMENTS = 50_000
DETAIL_COMMENTS = 50
DETAIL_REPLIES = 15
REPLY_SHARE = 0.3
BATCH = 2_000
# People signed in for the supporting load; support pairs are prepared for this many per second.
SUPPORTERS = 4_000
SUPPORT_RATE_CAP = 2_000

CONCURRENCY = 16
WORKERS = 2
MAX_REQUESTS = 100_000
CLIENT_TIMEOUT = 30.0
CEILING_SHARE = 0.35
P99_LIMIT_MS = 150.0
SUPPORT_RATE = 300.0  # issue 15

T = TypeVar("T")


# --- Sizes and texts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    """How much to seed."""

    users: int
    ideas: int
    supports: int
    comments: int

    @classmethod
    def at(cls, scale: float) -> "Sizes":
        users, ideas = max(50, round(USERS * scale)), max(20, round(IDEAS * scale))
        return cls(
            users=users,
            ideas=ideas,
            # One support per person and idea: never more than a tenth of all possible pairs.
            supports=min(round(SUPPORTS * scale), users * ideas // 10),
            comments=max(DETAIL_COMMENTS, round(COMMENTS * scale)),
        )

    def describe(self) -> str:
        return (
            f"{self.users:,} people, {self.ideas:,} ideas, {self.supports:,} supports, "
            f"{self.comments:,} comments"
        )


@dataclass(frozen=True)
class Text:
    """A contribution's text with what the services derive from it."""

    title: str
    body: str
    body_html: str
    search_text: str
    comment: str
    comment_html: str


def _title_from(text: str) -> str:
    words = text.split()
    title = " ".join(words[:8])
    return title if len(words) <= 8 else f"{title} …"


def _first_sentences(text: str, limit: int = 400) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(". ", 0, limit)
    return text[: cut + 1] if cut > 40 else f"{text[:limit].rstrip()} …"


def read_raw_texts(path: Path) -> list[tuple[str, str]]:
    """(title, text) pairs from the CIMT corpus; untitled answers get their first words as a title."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(row["title"].strip(), row["text"].strip()) for row in csv.DictReader(handle)]
    return [((title or _title_from(text))[:150], text[:10_000]) for title, text in rows if text]


def generated_raw_texts(rng: random.Random, count: int = 600) -> list[tuple[str, str]]:
    """Plausible German texts for when the corpus is not at hand."""
    subjects = ("Radweg", "Bushaltestelle", "Spielplatz", "Glasfaser", "Ladesäule", "Bürgerbüro", "Dorfplatz")
    places = ("in Andernach", "in Mendig", "am Rhein", "in Mayen", "an der Schule", "im Neubaugebiet")
    wishes = (
        "sollte sicherer werden",
        "fehlt seit Jahren",
        "braucht eine bessere Beleuchtung",
        "wäre für Familien eine große Hilfe",
        "sollte digital buchbar sein",
    )
    texts = []
    for _ in range(count):
        sentences = [
            f"Der {rng.choice(subjects)} {rng.choice(places)} {rng.choice(wishes)}."
            for _ in range(rng.randint(1, 6))
        ]
        body = " ".join(sentences)
        texts.append((_title_from(body)[:150], body))
    return texts


def prepare_texts(raw: Sequence[tuple[str, str]]) -> list[Text]:
    """Render each text once as the services would (Markdown to safe HTML, German stems for search)."""
    from smartregion.core.markdown import render_markdown
    from smartregion.core.text import search_document

    texts = []
    for title, body in raw:
        comment = _first_sentences(body)
        texts.append(
            Text(
                title=title,
                body=body,
                body_html=render_markdown(body),
                search_text=search_document(title, body),
                comment=comment,
                comment_html=render_markdown(comment),
            )
        )
    return texts


# --- Seeding ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Campaign:
    """The seeded process: what the load asks for, and when seeding ended (later supports are the run's)."""

    process_id: int
    detail_idea_id: int
    idea_ids: list[int]
    seeded_at: datetime.datetime


@dataclass(frozen=True)
class PlannedComment:
    idea: int
    author: int
    text: int
    reply_to: int | None  # position among the top-level comments


def marker_slug(scale: float) -> str:
    """The bench process's slug, which records the seed's version and scale."""
    return f"bench-v{SEED_VERSION}-scale-{scale:g}".replace(".", "-")


def chunks(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    """Consecutive lists of at most ``size`` items."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def popularity(rng: random.Random, count: int) -> list[float]:
    """Cumulative weights with a long tail: few ideas gather many supports and comments, most few."""
    ranks = list(range(count))
    rng.shuffle(ranks)
    return list(accumulate(1 / (rank + 5) ** 0.8 for rank in ranks))


def plan_supports(rng: random.Random, sizes: Sizes, weights: list[float]) -> list[tuple[int, int]]:
    """Distinct (idea index, person index) pairs, sorted (inserting in index order is faster)."""
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < sizes.supports:
        for idea in rng.choices(range(sizes.ideas), cum_weights=weights, k=sizes.supports - len(pairs)):
            pairs.add((idea, rng.randrange(sizes.users)))
    return sorted(pairs)


def plan_comments(
    rng: random.Random, sizes: Sizes, weights: list[float], text_count: int
) -> list[PlannedComment]:
    """Comments with one level of replies; idea 0 (the idea page measured) gets exactly DETAIL_COMMENTS."""
    others = [weight - weights[0] for weight in weights]  # idea 0's share removed: it draws no more
    ideas = [0] * DETAIL_COMMENTS + rng.choices(
        range(sizes.ideas), cum_weights=others, k=sizes.comments - DETAIL_COMMENTS
    )
    plan: list[PlannedComment] = []
    tops_of: dict[int, list[int]] = {}
    top_count = 0
    for position, idea in enumerate(ideas):
        if position < DETAIL_COMMENTS:
            wants_reply = position >= DETAIL_COMMENTS - DETAIL_REPLIES
        else:
            wants_reply = rng.random() < REPLY_SHARE
        tops = tops_of.setdefault(idea, [])
        reply_to = rng.choice(tops) if wants_reply and tops else None
        if reply_to is None:
            tops.append(top_count)
            top_count += 1
        plan.append(PlannedComment(idea, rng.randrange(sizes.users), rng.randrange(text_count), reply_to))
    return plan


def campaign_find(scale: float) -> Campaign | None:
    """The campaign seeded earlier at this scale, or None."""
    from django.utils import timezone

    from smartregion.participation.models import Idea, Phase, Process

    process = Process.objects.filter(slug=marker_slug(scale)).first()
    if process is None or process.idea_count != Sizes.at(scale).ideas:
        return None
    # Keep the idea collection running however long ago the database was seeded.
    Phase.objects.filter(process=process).update(ends_at=timezone.now() + datetime.timedelta(days=365))
    idea_ids = list(Idea.objects.filter(process=process).order_by("pk").values_list("pk", flat=True))
    return Campaign(
        process_id=process.pk, detail_idea_id=idea_ids[0], idea_ids=idea_ids, seeded_at=process.updated_at
    )


def seed(*, scale: float, texts: Sequence[Text]) -> Campaign:
    """Bulk-insert the campaign with every count and derived field the services would have kept."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from smartregion.accounts.models import User
    from smartregion.network import demo as network_demo
    from smartregion.participation.models import (
        Comment,
        Follow,
        Idea,
        IdeaEvent,
        IdeaStatus,
        Phase,
        Process,
        Support,
    )
    from smartregion.strategy import demo as strategy_demo

    sizes = Sizes.at(scale)
    rng = random.Random(SEED)
    weights = popularity(rng, sizes.ideas)
    supports = plan_supports(rng, sizes, weights)
    comments = plan_comments(rng, sizes, weights, len(texts))
    support_counts = Counter(idea for idea, _person in supports)
    comment_counts = Counter(comment.idea for comment in comments)
    now = timezone.now()

    with transaction.atomic():
        region = network_demo.seed_region()
        municipalities = network_demo.seed_municipalities(region)
        domains = strategy_demo.seed_domains()
        process = Process.objects.create(
            title="Mobil im Kreis – Ihre Ideen (Benchmark)",
            slug=marker_slug(scale),
            summary="Ideensammlung in zehnfacher Größe der für MYK erwarteten Beteiligung.",
            visibility=Process.Visibility.PUBLIC,
        )
        Phase.objects.create(
            process=process,
            kind=Phase.Kind.IDEA_COLLECTION,
            starts_at=now - datetime.timedelta(days=60),
            ends_at=now + datetime.timedelta(days=365),
        )

        first_names = ("Anna", "Ben", "Clara", "David", "Elif", "Jonas", "Lea", "Mehmet", "Nina", "Paul")
        people = User.objects.bulk_create(
            (
                User(
                    email=f"person{index}@bench.example.org",
                    display_name=f"{first_names[index % len(first_names)]} {index}",
                    password=make_password(None),
                )
                for index in range(sizes.users)
            ),
            batch_size=BATCH,
        )
        user_ids = [person.pk for person in people]
        for batch in chunks(people):
            EmailAddress.objects.bulk_create(
                EmailAddress(user_id=person.pk, email=person.email, verified=True, primary=True)
                for person in batch
            )

        authors = [rng.randrange(sizes.users) for _ in range(sizes.ideas)]
        ideas = Idea.objects.bulk_create(
            (
                Idea(
                    process=process,
                    title=texts[index % len(texts)].title,
                    body=texts[index % len(texts)].body,
                    body_html=texts[index % len(texts)].body_html,
                    search_text=texts[index % len(texts)].search_text,
                    municipality=rng.choice([*municipalities, None]),
                    author_id=user_ids[authors[index]],
                    status=IdeaStatus.PUBLISHED,
                    published_at=now - datetime.timedelta(minutes=rng.uniform(0, 60 * 24 * 60)),
                    support_count=support_counts[index],
                    comment_count=comment_counts[index],
                )
                for index in range(sizes.ideas)
            ),
            batch_size=BATCH,
        )
        idea_ids = [idea.pk for idea in ideas]
        Idea.domains.through.objects.bulk_create(
            (
                Idea.domains.through(idea_id=idea_id, domain_id=domain.pk)
                for idea_id in idea_ids
                for domain in rng.sample(domains, rng.choice((1, 1, 2)))
            ),
            batch_size=BATCH,
        )
        # What idea_create writes besides the idea: its history and the author following it.
        IdeaEvent.objects.bulk_create(
            (
                event
                for idea_id, author in zip(idea_ids, authors, strict=True)
                for event in (
                    IdeaEvent(
                        idea_id=idea_id,
                        actor_id=user_ids[author],
                        kind=IdeaEvent.Kind.SUBMITTED,
                        to_status=IdeaStatus.SUBMITTED,
                    ),
                    IdeaEvent(
                        idea_id=idea_id,
                        actor_id=user_ids[author],
                        kind=IdeaEvent.Kind.STATUS_CHANGED,
                        from_status=IdeaStatus.SUBMITTED,
                        to_status=IdeaStatus.PUBLISHED,
                    ),
                )
            ),
            batch_size=BATCH,
        )
        for support_batch in chunks(supports, 5 * BATCH):
            Support.objects.bulk_create(
                Support(idea_id=idea_ids[idea], user_id=user_ids[person]) for idea, person in support_batch
            )

        tops = [comment for comment in comments if comment.reply_to is None]
        top_ids = [
            row.pk
            for top_batch in chunks(tops)
            for row in Comment.objects.bulk_create(
                Comment(
                    idea_id=idea_ids[comment.idea],
                    author_id=user_ids[comment.author],
                    body=texts[comment.text].comment,
                    body_html=texts[comment.text].comment_html,
                )
                for comment in top_batch
            )
        ]
        Comment.objects.bulk_create(
            (
                Comment(
                    idea_id=idea_ids[comment.idea],
                    parent_id=top_ids[comment.reply_to],
                    author_id=user_ids[comment.author],
                    body=texts[comment.text].comment,
                    body_html=texts[comment.text].comment_html,
                )
                for comment in comments
                if comment.reply_to is not None
            ),
            batch_size=BATCH,
        )
        # comment_create makes every commenter follow the idea.
        follows = {(author, index) for index, author in enumerate(authors)}
        follows.update((comment.author, comment.idea) for comment in comments)
        Follow.objects.bulk_create(
            (Follow(user_id=user_ids[person], idea_id=idea_ids[idea]) for person, idea in sorted(follows)),
            batch_size=BATCH,
        )
        process.idea_count = len(idea_ids)
        # updated_at marks the end of seeding: supports created later come from a benchmark run.
        process.save(update_fields=["idea_count", "updated_at"])
    return Campaign(
        process_id=process.pk, detail_idea_id=idea_ids[0], idea_ids=idea_ids, seeded_at=process.updated_at
    )


def database_prepare(*, url: str, scale: float) -> Campaign:
    """Create and migrate the bench database and seed it, unless it holds this scale's campaign already."""
    from django.core.management import call_command

    from smartregion.participation.models import Process

    call_command("migrate", interactive=False, verbosity=0)
    campaign = campaign_find(scale)
    if campaign is not None:
        print(f"Reusing the campaign seeded at scale {scale:g}.")
        campaign_reset(campaign)
        vacuum()
        return campaign
    if Process.objects.exists():
        print("The bench database holds another scale or seed version: emptying it.")
        call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    if TEXTS_CSV.exists():
        raw = read_raw_texts(TEXTS_CSV)
        print(f"Texts: {len(raw):,} contributions from {TEXTS_CSV} (CIMT corpus, CC BY-SA 4.0).")
    else:
        raw = generated_raw_texts(random.Random(SEED))
        print(f"Texts: {TEXTS_CSV} not found, {len(raw):,} generated texts.")
    campaign = seed(scale=scale, texts=prepare_texts(raw))
    vacuum()
    print(f"Seeded {Sizes.at(scale).describe()} in {time.perf_counter() - started:.0f} s.")
    return campaign


def vacuum() -> None:
    """On PostgreSQL, what autovacuum does soon after a bulk load or after a run's supports were removed.

    Fresh statistics, no dead rows and a visibility map make every run start from the same state.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def campaign_reset(campaign: Campaign) -> None:
    """Remove what a benchmark run added (supports after seeding, sessions) and recount the ideas touched."""
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from smartregion.participation.models import Idea, Support

    with transaction.atomic():
        added = Support.objects.filter(
            idea__process_id=campaign.process_id, created_at__gt=campaign.seeded_at
        )
        touched = set(added.values_list("idea_id", flat=True))
        added.delete()
        rows = (
            Support.objects.filter(idea_id=OuterRef("pk"))
            .values("idea_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        Idea.objects.filter(pk__in=touched).update(support_count=Coalesce(Subquery(rows), 0))
        Session.objects.all().delete()


# --- Signed-in supporters -----------------------------------------------------------------------


@dataclass(frozen=True)
class Supporter:
    """A signed-in person: the session and CSRF cookies a browser would hold after signing in."""

    user_id: int
    session_key: str
    csrf_token: str
    address: str  # the client address the proxy reports (X-Real-IP), one per person


def supporters_sign_in(*, count: int) -> list[Supporter]:
    """Sessions written straight into the database, so that the load measures supporting, not signing in."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from smartregion.accounts.models import User

    session_model = SessionStore.get_model_class()
    expires = timezone.now() + datetime.timedelta(days=1)
    people = list(User.objects.filter(email__endswith="@bench.example.org").order_by("pk")[:count])
    supporters, sessions = [], []
    for person in people:
        data = {
            SESSION_KEY: str(person.pk),
            BACKEND_SESSION_KEY: "smartregion.accounts.backends.AuthenticationBackend",
            HASH_SESSION_KEY: person.get_session_auth_hash(),
        }
        key = get_random_string(32, string.ascii_lowercase + string.digits)
        sessions.append(
            session_model(session_key=key, session_data=SessionStore().encode(data), expire_date=expires)
        )
        # An unmasked 32-character secret is a valid token for both the cookie and the form field.
        supporters.append(
            Supporter(
                user_id=person.pk,
                session_key=key,
                csrf_token=get_random_string(32),
                address=f"10.{person.pk >> 16 & 255}.{person.pk >> 8 & 255}.{person.pk & 255}",
            )
        )
    session_model.objects.bulk_create(sessions, batch_size=BATCH)
    return supporters


def plan_support_pairs(
    *, campaign: Campaign, supporters: Sequence[Supporter], count: int
) -> list[tuple[Supporter, int]]:
    """(supporter, idea id) pairs, each a support that does not exist yet; supporters take turns.

    Nobody is given more than half of the ideas, so that picking one they do not support yet stays quick
    (seeded people support a tenth of them on average at most); small scales may get fewer pairs.
    """
    from smartregion.participation.models import Support

    count = min(count, len(supporters) * (len(campaign.idea_ids) // 2))
    rng = random.Random(SEED + 1)
    taken = set(
        Support.objects.filter(user_id__in=[supporter.user_id for supporter in supporters]).values_list(
            "user_id", "idea_id"
        )
    )
    pairs = []
    for index in range(count):
        supporter = supporters[index % len(supporters)]
        idea_id = rng.choice(campaign.idea_ids)
        while (supporter.user_id, idea_id) in taken:
            idea_id = rng.choice(campaign.idea_ids)
        taken.add((supporter.user_id, idea_id))
        pairs.append((supporter, idea_id))
    return pairs


# --- HTTP load ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request the load sends; ``pair`` is the (person, idea) a support request is for."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    pair: tuple[int, int] | None = None
    redirect: str = ""  # where a successful POST sends the browser


@dataclass(frozen=True)
class Sample:
    call: Call
    started: float
    ended: float
    status: int
    location: str


@dataclass(frozen=True)
class LoadResult:
    """What one endpoint's load produced: the measured samples and every sample (warm-up included)."""

    measured: list[Sample]
    window: float
    samples: list[Sample]

    @property
    def rate(self) -> float:
        return len(self.measured) / self.window if self.window > 0 else 0.0

    def percentile_ms(self, percent: float) -> float:
        """Nearest-rank percentile of the measured latencies."""
        latencies = sorted(sample.ended - sample.started for sample in self.measured)
        if not latencies:
            return math.nan
        return 1000 * latencies[max(0, math.ceil(percent / 100 * len(latencies)) - 1)]


CallSource = Callable[[], Call | None]


def repeat(call: Call) -> CallSource:
    """The same request again and again."""
    return lambda: call


def each_once(calls: Sequence[Call]) -> CallSource:
    """Every request once, shared by all client threads."""
    lock = threading.Lock()
    remaining = iter(calls)

    def next_call() -> Call | None:
        with lock:
            return next(remaining, None)

    return next_call


def send(connection: http.client.HTTPConnection, call: Call) -> tuple[int, str]:
    """Send one request and read the whole response; status 0 stands for a connection error."""
    try:
        connection.request(call.method, call.path, body=call.body or None, headers=dict(call.headers))
        response = connection.getresponse()
        response.read()
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        return 0, type(error).__name__
    return response.status, response.getheader("Location", "")


def load(*, port: int, source: CallSource, concurrency: int, warmup: float, duration: float) -> LoadResult:
    """Clients send requests back to back; those inside the window after the warm-up are measured.

    gunicorn's sync workers close the connection after each response, so http.client reconnects for the
    next request: the latency includes a loopback TCP handshake, as it would for browsers without keep-alive.
    """
    start = time.perf_counter()
    measure_from, stop = start + warmup, start + warmup + duration
    budget = threading.Semaphore(MAX_REQUESTS)
    per_client: list[list[Sample]] = [[] for _ in range(concurrency)]

    def client(samples: list[Sample]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
        try:
            while time.perf_counter() < stop and budget.acquire(blocking=False):
                call = source()
                if call is None:
                    return
                started = time.perf_counter()
                status, location = send(connection, call)
                samples.append(Sample(call, started, time.perf_counter(), status, location))
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(samples,)) for samples in per_client]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    samples = [sample for samples in per_client for sample in samples]
    measured = [sample for sample in samples if sample.started >= measure_from and sample.ended <= stop]
    last = max((sample.ended for sample in measured), default=measure_from)
    # The window ends early when a bounded source (the support pairs) ran dry.
    window = duration if any(sample.ended > stop for sample in samples) else last - measure_from
    return LoadResult(measured=measured, window=window, samples=samples)


# --- Server -------------------------------------------------------------------------------------


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    port: int
    pid: int


@contextmanager
def serving(*, database_url: str, page_cache: bool) -> Iterator[Server]:
    """gunicorn with WORKERS sync workers on a free loopback port, for as long as the block runs.

    Without ``page_cache`` every page is rendered for every request (PAGE_CACHE_SECONDS=0).
    """
    port = free_port()
    log_path = BENCH_DIR / "gunicorn.log"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE, "DATABASE_URL": database_url}
    if not page_cache:
        environment["PAGE_CACHE_SECONDS"] = "0"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        f"--workers={WORKERS}",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
    ]
    with log_path.open("ab") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}; see {log_path}")
            status, _location = send(
                http.client.HTTPConnection("127.0.0.1", port, timeout=5), Call("GET", PING)
            )
            if status == 200:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within 60 s; see {log_path}")
            time.sleep(0.2)
        yield Server(port=port, pid=server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- Other work on the machine ------------------------------------------------------------------


@dataclass(frozen=True)
class CpuTicks:
    """Clock ticks since boot: the machine's busy and total time, and each of the benchmark's processes."""

    busy: int
    total: int
    ours: dict[int, int]


def _stat_fields(pid: int) -> list[str]:
    """/proc/<pid>/stat after the command name (which may contain spaces): state, ppid, ..."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def our_pids(server_pid: int) -> set[int]:
    """This process (the load generator), gunicorn and its workers, and the database's backends for us."""
    from django.db import connection

    pids = {os.getpid(), server_pid}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat_fields(int(entry.name))[1]) == server_pid:
                    pids.add(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            pids.update(pid for (pid,) in cursor.fetchall())
    return pids


def cpu_ticks(server_pid: int) -> CpuTicks | None:
    """The machine's CPU time and the benchmark's share of it (Linux /proc; None elsewhere)."""
    try:
        # user nice system idle iowait irq softirq steal; guest time is already counted in user.
        ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    ours = {}
    for pid in our_pids(server_pid):
        try:
            fields = _stat_fields(pid)
        except (OSError, IndexError):
            continue
        ours[pid] = int(fields[11]) + int(fields[12])  # utime + stime
    return CpuTicks(busy=sum(ticks) - ticks[3] - ticks[4], total=sum(ticks), ours=ours)


def other_cpu_share(before: CpuTicks | None, after: CpuTicks | None) -> float:
    """Which share of the CPUs work other than the benchmark used between two samples (NaN if unknown).

    Approximate: the kernel's loopback networking for our own requests counts as other work too.
    """
    if before is None or after is None or after.total <= before.total:
        return math.nan
    ours = sum(ticks - before.ours.get(pid, 0) for pid, ticks in after.ours.items())
    return max(0.0, (after.busy - before.busy - ours) / (after.total - before.total))


# --- Endpoints, checks and the report ----------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """A measured endpoint: the load it gets, a request for the query count, what counts as success."""

    name: str
    source: CallSource
    probe: Call
    succeeded: Callable[[Sample], bool]
    # "ceiling", "page" and "support" are judged against the targets; "rendered" pages are served with
    # the page cache off, to show what rendering costs when a page is not in the cache.
    kind: str


def support_call(supporter: Supporter, idea_id: int) -> Call:
    """A signed-in person's POST supporting an idea, with the session and CSRF cookies a browser sends."""
    from django.conf import settings
    from django.urls import reverse

    cookies = "; ".join(
        (
            f"{settings.SESSION_COOKIE_NAME}={supporter.session_key}",
            f"{settings.CSRF_COOKIE_NAME}={supporter.csrf_token}",
        )
    )
    return Call(
        "POST",
        reverse("participation:idea_support", kwargs={"pk": idea_id}),
        headers=(
            ("Cookie", cookies),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("X-Real-IP", supporter.address),
        ),
        body=urlencode({"action": "add", "csrfmiddlewaretoken": supporter.csrf_token}).encode(),
        pair=(supporter.user_id, idea_id),
        redirect=reverse("participation:idea", kwargs={"pk": idea_id}),
    )


def endpoints_build(*, campaign: Campaign, pairs: Sequence[tuple[Supporter, int]]) -> list[Endpoint]:
    """The endpoints, ceiling first; the first support pair is kept for the query count."""
    from django.urls import reverse

    def page_ok(sample: Sample) -> bool:
        return sample.status == 200

    def support_ok(sample: Sample) -> bool:
        # The view acknowledges with a redirect back to the idea (post/redirect/get); a redirect to the
        # login page, a 403 (CSRF, rules) or a 429 (rate limit) is no acknowledgement.
        return sample.status == 302 and sample.location.startswith(sample.call.redirect)

    idea_list = Call(
        "GET", f"{reverse('participation:idea_list')}?{urlencode({'sort': 'supported', 'page': 1})}"
    )
    idea_page = Call("GET", reverse("participation:idea", kwargs={"pk": campaign.detail_idea_id}))
    supports = [support_call(supporter, idea_id) for supporter, idea_id in pairs]
    return [
        Endpoint("trivial view (ceiling)", repeat(Call("GET", PING)), Call("GET", PING), page_ok, "ceiling"),
        Endpoint("idea list, most supported", repeat(idea_list), idea_list, page_ok, "page"),
        Endpoint(f"idea page, {DETAIL_COMMENTS} comments", repeat(idea_page), idea_page, page_ok, "page"),
        Endpoint("supporting (POST)", each_once(supports[1:]), supports[0], support_ok, "support"),
        Endpoint("idea list, rendered", repeat(idea_list), idea_list, page_ok, "rendered"),
        Endpoint("idea page, rendered", repeat(idea_page), idea_page, page_ok, "rendered"),
    ]


def count_queries(call: Call) -> tuple[int, str, int]:
    """(status, Location, SQL queries) of one request through Django's test client in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    headers = dict(call.headers)
    for cookie in filter(None, headers.pop("Cookie", "").split("; ")):
        name, value = cookie.split("=", 1)
        client.cookies[name] = value
    content_type = headers.pop("Content-Type", "text/plain")
    with CaptureQueriesContext(connection) as queries:
        response = client.generic(call.method, call.path, call.body, content_type, headers=headers)
    return response.status_code, response.get("Location", ""), len(queries)


@dataclass(frozen=True)
class SupportCheck:
    """Whether every acknowledged support was stored exactly once and counted exactly once."""

    acknowledged: int
    stored_once: int
    missing: int
    stored_unacknowledged: int
    count_growth: int
    ideas_miscounted: int

    @property
    def ok(self) -> bool:
        return (
            self.stored_once == self.acknowledged
            and self.missing == 0
            and self.count_growth == self.acknowledged + self.stored_unacknowledged
            and self.ideas_miscounted == 0
        )


def support_total(campaign: Campaign) -> int:
    """The sum of the campaign's ideas' support counts."""
    from django.db.models import Sum

    from smartregion.participation.models import Idea

    total: int = (
        Idea.objects.filter(process_id=campaign.process_id).aggregate(n=Sum("support_count"))["n"] or 0
    )
    return total


def support_check(
    *, campaign: Campaign, samples: Sequence[Sample], acknowledged: set[tuple[int, int]], total_before: int
) -> SupportCheck:
    """Count the rows stored for the pairs sent, and compare the ideas' counts with their rows."""
    from django.db.models import Count, F

    from smartregion.participation.models import Idea, Support

    sent = {sample.call.pair for sample in samples if sample.call.pair is not None}
    rows = Counter(
        pair
        for pair in Support.objects.filter(
            idea__process_id=campaign.process_id, created_at__gt=campaign.seeded_at
        ).values_list("user_id", "idea_id")
        if pair in sent
    )
    touched = {idea_id for _user_id, idea_id in sent}
    miscounted = (
        Idea.objects.filter(pk__in=touched)
        .annotate(rows=Count("supports"))
        .exclude(support_count=F("rows"))
        .count()
    )
    return SupportCheck(
        acknowledged=len(acknowledged),
        stored_once=sum(1 for pair in acknowledged if rows[pair] == 1),
        missing=sum(1 for pair in acknowledged if rows[pair] == 0),
        stored_unacknowledged=sum(1 for pair in rows if pair not in acknowledged),
        count_growth=support_total(campaign) - total_before,
        ideas_miscounted=miscounted,
    )


@dataclass(frozen=True)
class Row:
    """One line of the report."""

    name: str
    queries: int
    result: LoadResult
    errors: int
    other_cpu: float
    target: str
    passed: bool | None


def rows_build(
    *,
    endpoints: Sequence[Endpoint],
    results: Sequence[LoadResult],
    queries: Sequence[int],
    others: Sequence[float],
    check: SupportCheck,
) -> list[Row]:
    """Rows with the targets from the issue; the ceiling has none."""
    ceiling = results[0].rate
    rows = []
    for endpoint, result, count, other in zip(endpoints, results, queries, others, strict=True):
        errors = sum(1 for sample in result.samples if not endpoint.succeeded(sample))
        if endpoint.kind in ("ceiling", "rendered"):
            target, passed = "", None
        elif endpoint.kind == "page":
            target = f">= {CEILING_SHARE:.2f} x ceiling, p99 < {P99_LIMIT_MS:.0f} ms"
            passed = (
                errors == 0
                and result.rate >= CEILING_SHARE * ceiling
                and result.percentile_ms(99) < P99_LIMIT_MS
            )
        else:
            target = f">= {SUPPORT_RATE:.0f}/s, each stored once"
            passed = errors == 0 and result.rate >= SUPPORT_RATE and check.ok
        rows.append(Row(endpoint.name, count, result, errors, other, target, passed))
    return rows


def report_print(*, title: str, rows: Sequence[Row], check: SupportCheck) -> None:
    """The table for one database, and the support check."""
    ceiling = rows[0].result.rate
    print(f"\n{title}")
    header = (
        f"{'endpoint':<28} {'SQL':>4} {'requests':>9} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'ceiling':>8} {'errors':>6} {'other':>6}  {'target':<36} result"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        verdict = "" if row.passed is None else ("PASS" if row.passed else "FAIL")
        share = row.result.rate / ceiling if ceiling else math.nan
        print(
            f"{row.name:<28} {row.queries:>4} {len(row.result.measured):>9,} {row.result.rate:>8.1f} "
            f"{row.result.percentile_ms(50):>7.1f} {row.result.percentile_ms(99):>7.1f} "
            f"{share:>8.2f} {row.errors:>6} {row.other_cpu:>6.0%}  {row.target:<36} {verdict}"
        )
    print(
        f"support check: {check.acknowledged:,} acknowledged, {check.stored_once:,} stored exactly once, "
        f"{check.missing} missing, {check.stored_unacknowledged} stored without acknowledgement; "
        f"support counts grew by {check.count_growth:,}, {check.ideas_miscounted} ideas miscounted: "
        f"{'PASS' if check.ok else 'FAIL'}"
    )


# --- Running ------------------------------------------------------------------------------------


def postgres_database_create(url: str) -> None:
    """Create the bench database on the server unless it exists."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def django_setup(database_url: str) -> None:
    """Configure Django in this process with the bench settings and the chosen database."""
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    os.environ["DATABASE_URL"] = database_url
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    django.setup()


def database_title(url: str, scale: float) -> str:
    """Which database, data and machine the table is about."""
    from django.db import connection

    parts = urlsplit(url)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            engine = f"PostgreSQL {cursor.fetchone()[0].split()[0]} ({parts.hostname}{parts.path})"
    else:
        engine = f"SQLite {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})"
    return (
        f"{engine}, scale {scale:g}: {Sizes.at(scale).describe()}\n"
        f"gunicorn {WORKERS} sync workers; {os.cpu_count()} CPUs shared with the load generator"
    )


def run(*, database: str, args: argparse.Namespace) -> int:
    """Seed (or reuse), serve, load and report one database; returns 1 when a support got lost or doubled."""
    url = SQLITE_URL if database == "sqlite" else args.postgres_url
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if database == "postgres":
        postgres_database_create(url)
    django_setup(url)
    from django.core.management import call_command
    from django.db import connection

    campaign = database_prepare(url=url, scale=args.scale)
    call_command("collectstatic", interactive=False, verbosity=0)
    supporters = supporters_sign_in(count=min(SUPPORTERS, Sizes.at(args.scale).users))
    pairs = plan_support_pairs(
        campaign=campaign,
        supporters=supporters,
        count=round(SUPPORT_RATE_CAP * (args.warmup + args.duration)),
    )
    endpoints = endpoints_build(campaign=campaign, pairs=pairs)
    queries = []
    for endpoint in endpoints:
        status, location, count = count_queries(endpoint.probe)
        if not endpoint.succeeded(Sample(endpoint.probe, 0, 0, status, location)):
            print(f"warning: {endpoint.name} answered {status} in-process")
        queries.append(count)
    total_before = support_total(campaign)
    connection.close()

    # Filled in endpoint order, although the rendered pages are measured on a second server.
    results: dict[int, LoadResult] = {}
    others: dict[int, float] = {}
    print(f"Load: {args.concurrency} clients, {args.warmup:g} s warm-up + {args.duration:g} s per endpoint.")
    for page_cache in (True, False):
        with serving(database_url=url, page_cache=page_cache) as server:
            for index, endpoint in enumerate(endpoints):
                if (endpoint.kind == "rendered") == page_cache:
                    continue
                before = cpu_ticks(server.pid)
                results[index] = load(
                    port=server.port,
                    source=endpoint.source,
                    concurrency=args.concurrency,
                    warmup=args.warmup,
                    duration=args.duration,
                )
                others[index] = other_cpu_share(before, cpu_ticks(server.pid))
    support_index = next(index for index, endpoint in enumerate(endpoints) if endpoint.kind == "support")
    support, supported = endpoints[support_index], results[support_index]
    acknowledged = {
        sample.call.pair for sample in supported.samples if sample.call.pair and support.succeeded(sample)
    }
    check = support_check(
        campaign=campaign, samples=supported.samples, acknowledged=acknowledged, total_before=total_before
    )
    rows = rows_build(
        endpoints=endpoints,
        results=[results[index] for index in range(len(endpoints))],
        queries=queries,
        others=[others[index] for index in range(len(endpoints))],
        check=check,
    )
    report_print(title=database_title(url, args.scale), rows=rows, check=check)
    campaign_reset(campaign)
    return 0 if check.ok else 1


def arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the seeded sizes (default 1.0)")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per endpoint")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each endpoint")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY, help="client threads")
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="the PostgreSQL bench database")
    args = parser.parse_args(argv)
    if args.scale <= 0 or args.duration <= 0 or args.warmup < 0 or args.concurrency < 1:
        parser.error("scale, duration and concurrency must be positive, warm-up not negative")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run one database in this process, or both, each in a process of its own (Django configures once)."""
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

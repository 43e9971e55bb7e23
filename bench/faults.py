"""Faults under write load: does every acknowledged write survive, exactly once, and does the site recover?

What it does
    1. Prepares a small world in a database of its own (PostgreSQL ``smartregion_faults`` or
       var/bench/faults.sqlite3, created afresh): a running idea collection with ideas, an open event, a
       measure with a budget line, citizens with API tokens and program-office people with sessions.
    2. Starts what production runs (bench/settings.py): gunicorn with 2 sync workers, a Redis of its own
       on a free port for cache and rate limits, and ``manage.py db_worker`` sending mails into files.
    3. Sends a bounded write load from several threads, spread over the whole run: supports and comments
       through the API with tokens, guest registrations for the event and expense bookings through the
       pages' forms; one more thread reads anonymous pages and the API. Meanwhile, one after the other:
       it kills one gunicorn worker with SIGKILL, restarts the task worker (SIGTERM, then a new one), cuts
       every database connection of the app and the worker (``pg_terminate_backend``; PostgreSQL only),
       and stops Redis for 10 seconds.
    4. Afterwards checks, from the database and the mail files: every write that got a 2xx (or the form's
       redirect) is stored exactly once; the kept counts (supports, comments, registrations, committed
       money) equal their rows; every queued mail was sent once; and the site answers without a restart.

How to read it
    writes     acknowledged / stored / lost (acknowledged, not stored) / duplicated (stored twice); writes
               without an answer (the killed worker's) may or may not be stored and are counted apart
    phases     per fault: requests answered while it lasted and the seconds after, with their 5xx (503 is
               the database's "come back in a moment", 500 an error) and those without an answer

Usage: .venv/bin/python bench/faults.py [--db sqlite|postgres] [--writes 600] [--redis-seconds 10]
tests/test_faults.py runs the same on the test database with fewer writes (marked slow and postgres).
"""

import argparse
import datetime
import http.client
import os
import signal
import string
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SETTINGS_MODULE = "bench.settings"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/smartregion_faults"
SQLITE_PATH = BENCH_DIR / "faults.sqlite3"
APP_NAME = "sr-faults-app"
WORKER_NAME = "sr-faults-worker"
WORKERS = 2
KINDS = ("support", "comment", "registration", "booking")
CLIENT_TIMEOUT = 20.0


# --- The world the load writes to -----------------------------------------------------------------


@dataclass
class World:
    """What the load needs to know: ids, slugs and the credentials of the people writing."""

    idea_ids: list[int]
    event_slug: str
    measure_slug: str
    budget_line_id: int
    tokens: list[tuple[str, int]]  # (secret, owner's id) of citizens
    sessions: list[tuple[str, str]]  # (session key, CSRF secret) of program-office people
    reads: list[str]  # anonymous pages and API reads


def world_create(*, citizens: int = 40, ideas: int = 30, office: int = 8) -> World:
    """Create the world with the services and factories the tests use; sessions for the server's key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import override_settings
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from bench.settings import SECRET_KEY as SERVER_SECRET_KEY
    from smartregion.accounts.models import Role
    from smartregion.api import services as tokens
    from smartregion.program import services as program
    from smartregion.program.models import FundingSource, ProgramPhase
    from smartregion.strategy.models import Goal, Measure, Strategy
    from tests.events.factories import EventFactory
    from tests.factories import MunicipalityFactory, RegionFactory, RoleGrantFactory, UserFactory
    from tests.participation.factories import IdeaFactory, ProcessFactory

    municipality = MunicipalityFactory(region=RegionFactory(), name="Andernach", slug="andernach")
    process = ProcessFactory(title="Mobil im Kreis", slug="faults", phase="active")
    idea_ids = [IdeaFactory(process=process, title=f"Idee Nummer {n}").pk for n in range(ideas)]
    event = EventFactory(slug="werkstatt-faults", capacity=100_000)
    year = timezone.localdate().year
    ProgramPhase.objects.create(
        name="Programm",
        kind=ProgramPhase.Kind.IMPLEMENTATION,
        starts_on=datetime.date(year - 1, 1, 1),
        ends_on=datetime.date(year + 1, 12, 31),
    )
    source = FundingSource.objects.create(
        name="Bund", kind=FundingSource.Kind.FEDERAL, amount=10_000_000, max_rate=65
    )
    goal = Goal.objects.create(title="Mobil", slug="mobil")
    strategy = Strategy.objects.create(goal=goal, title="Geteilt", slug="geteilt")
    measure = Measure.objects.create(
        strategy=strategy, title="Mitfahrbänke", slug="faults", is_published=True
    )
    measure.municipalities.set([municipality])
    people = [UserFactory() for _ in range(office)]
    for person in people:
        RoleGrantFactory(user=person, role=Role.PROGRAM_OFFICE)
    line = program.budget_line_set(
        actor=people[0], measure=measure, source=source, year=year, planned="1000000"
    )
    secrets = []
    for _ in range(citizens):
        citizen = UserFactory()
        secrets.append((tokens.token_create(user=citizen, name="Last", lifetime_days=30)[1], citizen.pk))
    sessions = []
    with override_settings(SECRET_KEY=SERVER_SECRET_KEY):
        for person in people:
            store = SessionStore()
            store.update(
                {
                    SESSION_KEY: str(person.pk),
                    BACKEND_SESSION_KEY: "smartregion.accounts.backends.AuthenticationBackend",
                    HASH_SESSION_KEY: person.get_session_auth_hash(),
                }
            )
            store.create()
            sessions.append((store.session_key or "", get_random_string(32, string.ascii_letters)))
    return World(
        idea_ids=idea_ids,
        event_slug=event.slug,
        measure_slug=measure.slug,
        budget_line_id=line.pk,
        tokens=secrets,
        sessions=sessions,
        reads=[
            reverse("participation:idea_list"),
            reverse("participation:idea", args=[idea_ids[0]]),
            "/api/v1/ideas",
        ],
    )


# --- Writes and reads over HTTP ------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    """One planned write; ``key`` finds it in the database afterwards."""

    kind: str
    key: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    acknowledged: Callable[[int], bool]


def _form(world: World, index: int, path: str, fields: dict[str, str]) -> tuple[dict[str, str], bytes]:
    session, csrf = world.sessions[index % len(world.sessions)]
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={csrf}",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Real-IP": f"10.9.{index >> 8 & 255}.{index & 255}",
    }
    return headers, urlencode({**fields, "csrfmiddlewaretoken": csrf}).encode()


def plan_writes(world: World, count: int) -> list[Write]:
    """``count`` writes, the four kinds taking turns; supports go to (token, idea) pairs not used before."""
    pairs = iter([(token, idea) for idea in world.idea_ids for token in world.tokens])
    writes = []
    for index in range(count):
        kind = KINDS[index % len(KINDS)]
        marker = uuid.uuid4().hex[:12]
        if kind == "support":
            (token, user_id), idea = next(pairs)
            headers = {
                "Authorization": f"Bearer {token}",
                "X-Real-IP": f"10.8.{index >> 8 & 255}.{index & 255}",
            }
            path = f"/api/v1/ideas/{idea}/support"
            writes.append(Write(kind, f"{user_id}:{idea}", "PUT", path, headers, b"", _api_ok))
        elif kind == "comment":
            token, _user_id = world.tokens[index % len(world.tokens)]
            idea = world.idea_ids[index % len(world.idea_ids)]
            headers = {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "X-Real-IP": f"10.7.{index >> 8 & 255}.{index & 255}",
            }
            body = f'{{"body": "Kommentar unter Last {marker}"}}'.encode()
            writes.append(
                Write(
                    kind,
                    f"Kommentar unter Last {marker}",
                    "POST",
                    f"/api/v1/ideas/{idea}/comments",
                    headers,
                    body,
                    _api_ok,
                )
            )
        elif kind == "registration":
            email = f"gast-{marker}@faults.example.org"
            path = f"/veranstaltungen/{world.event_slug}/anmelden/"
            headers, body = _form(world, index, path, {"name": f"Gast {marker}", "email": email})
            headers["Cookie"] = headers["Cookie"].split("; ")[1]  # a guest: the CSRF cookie, no session
            writes.append(Write(kind, email, "POST", path, headers, body, _redirected))
        else:
            path = f"/strategie/massnahmen/{world.measure_slug}/verwalten/ausgabe/"
            fields = {
                "budget_line": str(world.budget_line_id),
                "kind": "commitment",
                "amount": "1,00",
                "booked_on": datetime.date.today().isoformat(),  # noqa: DTZ011 - the server's date too
                "description": f"Buchung unter Last {marker}",
            }
            headers, body = _form(world, index, path, fields)
            writes.append(
                Write(kind, f"Buchung unter Last {marker}", "POST", path, headers, body, _redirected)
            )
    return writes


def _api_ok(status: int) -> bool:
    return 200 <= status < 300


def _redirected(status: int) -> bool:
    return status == 302  # a form that saved redirects; a refused one answers 400 with the form


@dataclass(frozen=True)
class Answer:
    """What a request got: its status (0 without an answer) and the phase in which the answer came."""

    kind: str
    key: str
    status: int
    phase: str
    acknowledged: bool


def send(port: int, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> int:
    """One request on a fresh connection; 0 when the server closed it without an answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    try:
        connection.request(method, path, body=body or None, headers={"Host": "127.0.0.1", **headers})
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        connection.close()


# --- Processes ------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def with_application_name(url: str, name: str) -> str:
    """A PostgreSQL URL whose connections say who they are (pg_stat_activity.application_name)."""
    return f"{url}{'&' if '?' in url else '?'}application_name={name}" if url.startswith("postgres") else url


@dataclass
class Stack:
    """gunicorn, the task worker and Redis, started for one run."""

    database_url: str
    mail_dir: Path
    log_path: Path
    port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    gunicorn: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    redis: subprocess.Popen[bytes] | None = None

    def _environment(self, name: str) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
            "DATABASE_URL": with_application_name(self.database_url, name),
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "EMAIL_URL": f"filemail:///{self.mail_dir}",  # an absolute path after the scheme's three slashes
            "PYTHONUNBUFFERED": "1",
        }

    def _spawn(self, command: list[str], name: str) -> subprocess.Popen[bytes]:
        with self.log_path.open("ab") as log:
            return subprocess.Popen(  # noqa: S603 - our own interpreter and programs
                command, cwd=ROOT, env=self._environment(name), stdout=log, stderr=subprocess.STDOUT
            )

    def redis_start(self) -> None:
        self.redis = self._spawn(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            "redis",
        )
        wait(lambda: _port_open(self.redis_port), "Redis")

    def redis_stop(self) -> None:
        _stop(self.redis)
        self.redis = None

    def worker_start(self) -> None:
        self.worker = self._spawn(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--no-startup-delay",
                "--no-reload",
            ],
            WORKER_NAME,
        )

    def worker_restart(self) -> None:
        _stop(self.worker)
        self.worker_start()

    def start(self) -> None:
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        self.redis_start()
        self.gunicorn = self._spawn(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                f"--workers={WORKERS}",
                f"--bind=127.0.0.1:{self.port}",
                "--graceful-timeout=5",
                "--log-level=warning",
            ],
            APP_NAME,
        )
        wait(lambda: send(self.port, "GET", "/bench/ping/", {}) == 200, "gunicorn", timeout=60)
        self.worker_start()

    def app_workers(self) -> list[int]:
        """The pids of gunicorn's worker processes (the master's children)."""
        if self.gunicorn is None:
            return []
        children = Path(f"/proc/{self.gunicorn.pid}/task/{self.gunicorn.pid}/children").read_text()
        return [int(pid) for pid in children.split()]

    def stop(self) -> None:
        for process in (self.worker, self.gunicorn):
            _stop(process)
        self.redis_stop()


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait(condition: Callable[[], object], what: str, timeout: float = 30) -> None:
    """Poll ``condition`` until it holds; RuntimeError naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.1)


def connections_cut(database_url: str) -> int:
    """Terminate every PostgreSQL connection of the app and the task worker; how many were cut."""
    import psycopg

    parts = urlsplit(database_url)
    with psycopg.connect(parts._replace(path="/postgres", query="").geturl(), autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name IN (%s, %s)",
            (APP_NAME, WORKER_NAME),
        ).fetchall()
    return len(rows)


# --- The run --------------------------------------------------------------------------------------


@dataclass
class Phase:
    """A stretch of the run: a fault and the seconds after it."""

    name: str
    seconds: float
    fault: Callable[[], None] | None = None
    end: Callable[[], None] | None = None


@dataclass
class Outcome:
    """What came back, and what the database and the mail files hold afterwards."""

    answers: list[Answer]
    reads: list[Answer]
    phases: list[str]
    stored: dict[str, Counter[str]]
    counts_ok: dict[str, bool]
    mails: Counter[str]
    tasks_left: int
    answers_after: list[int]

    def acknowledged(self, kind: str | None = None) -> list[Answer]:
        return [a for a in self.answers if a.acknowledged and (kind is None or a.kind == kind)]

    def lost(self) -> list[Answer]:
        return [a for a in self.acknowledged() if self.stored[a.kind][a.key] == 0]

    def duplicated(self) -> list[str]:
        return [f"{kind}:{key}" for kind, stored in self.stored.items() for key, n in stored.items() if n > 1]

    def mails_missing(self) -> list[str]:
        return [a.key for a in self.acknowledged("registration") if self.mails[a.key] == 0]

    def mails_duplicated(self) -> list[str]:
        return [address for address, n in self.mails.items() if n > 1]


def run_load(
    *,
    stack: Stack,
    world: World,
    writes: int,
    phases: list[Phase],
    threads: int = 6,
) -> tuple[list[Answer], list[Answer]]:
    """Send the planned writes spread over the phases while the faults happen; the answers, writes first."""
    planned = plan_writes(world, writes)
    total = sum(phase.seconds for phase in phases)
    interval = total / max(len(planned), 1)
    current = {"phase": phases[0].name}
    answers: list[Answer] = []
    reads: list[Answer] = []
    lock = threading.Lock()
    next_index = iter(range(len(planned)))
    stopping = threading.Event()

    def writer() -> None:
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            delay = start + index * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            write = planned[index]
            status = send(stack.port, write.method, write.path, write.headers, write.body)
            phase = current["phase"]  # when the answer came: a request that saw a fault counts there
            with lock:
                answers.append(Answer(write.kind, write.key, status, phase, write.acknowledged(status)))

    def reader() -> None:
        paths = world.reads
        index = 0
        while not stopping.is_set():
            status = send(stack.port, "GET", paths[index % len(paths)], {})
            phase = current["phase"]
            with lock:
                reads.append(Answer("read", paths[index % len(paths)], status, phase, 200 <= status < 400))
            index += 1
            time.sleep(0.05)

    # Every worker process renders each page once before the clock starts (templates, URL resolver).
    for path in world.reads * 2 * WORKERS:
        send(stack.port, "GET", path, {})
    start = time.monotonic()
    workers = [threading.Thread(target=writer) for _ in range(threads)]
    reading = threading.Thread(target=reader)
    for thread in (*workers, reading):
        thread.start()
    try:
        for phase in phases:
            current["phase"] = phase.name
            if phase.fault is not None:
                phase.fault()
            time.sleep(phase.seconds)
            if phase.end is not None:
                phase.end()
    finally:
        for thread in workers:
            thread.join()
        stopping.set()
        reading.join()
    return answers, reads


def fault_phases(stack: Stack, *, redis_seconds: float, calm_seconds: float) -> list[Phase]:
    """Baseline, then the four faults one after another, each followed by calm seconds, then calm."""
    vendor = "postgresql" if stack.database_url.startswith("postgres") else "sqlite"
    phases = [
        Phase("baseline", calm_seconds),
        Phase(
            "app worker killed", calm_seconds, fault=lambda: os.kill(stack.app_workers()[0], signal.SIGKILL)
        ),
        Phase("task worker restarted", calm_seconds, fault=stack.worker_restart),
    ]
    if vendor == "postgresql":
        phases.append(
            Phase(
                "DB connections cut", calm_seconds, fault=lambda: connections_cut(stack.database_url) and None
            )
        )
    phases += [
        Phase("Redis away", redis_seconds, fault=stack.redis_stop, end=stack.redis_start),
        Phase("after", calm_seconds),
    ]
    return phases


def examine(
    *, world: World, answers: list[Answer], reads: list[Answer], phases: list[Phase], stack: Stack
) -> Outcome:
    """Count what is stored, compare the kept counts with their rows, count mails; in this process."""
    from django.db import close_old_connections
    from django.db.models import Count, F, Q, Sum
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from smartregion.events.models import Event, Registration
    from smartregion.participation.models import Comment, Idea, Support
    from smartregion.program.models import BudgetLine, Expense
    from smartregion.strategy.models import Measure

    close_old_connections()
    answers_after = [send(stack.port, "GET", path, {}) for path in world.reads]
    queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    with suppress(RuntimeError):  # what is still queued then is reported
        wait(lambda: not queued.exists(), "the task queue to drain", timeout=60)
    tasks_left = queued.count()

    stored: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    supports = Support.objects.filter(idea_id__in=world.idea_ids).values_list("user_id", "idea_id")
    stored["support"].update(f"{user_id}:{idea_id}" for user_id, idea_id in supports)
    stored["comment"].update(
        Comment.objects.filter(body__startswith="Kommentar unter Last").values_list("body", flat=True)
    )
    stored["registration"].update(
        Registration.objects.filter(email__endswith="@faults.example.org").values_list("email", flat=True)
    )
    stored["booking"].update(
        Expense.objects.filter(description__startswith="Buchung unter Last").values_list(
            "description", flat=True
        )
    )

    ideas = Idea.objects.filter(pk__in=world.idea_ids).annotate(
        n_supports=Count("supports", distinct=True),
        n_comments=Count(
            "comments", filter=Q(comments__is_hidden=False, comments__is_deleted=False), distinct=True
        ),
    )
    event = Event.objects.get(slug=world.event_slug)
    statuses = Counter(Registration.objects.filter(event=event).values_list("status", flat=True))
    line = BudgetLine.objects.get(pk=world.budget_line_id)
    committed = (
        Expense.objects.filter(budget_line=line, kind=Expense.Kind.COMMITMENT).aggregate(s=Sum("amount"))["s"]
        or 0
    )
    measure = Measure.objects.get(slug=world.measure_slug)
    counts_ok = {
        "Idea.support_count": not ideas.exclude(support_count=F("n_supports")).exists(),
        "Idea.comment_count": not ideas.exclude(comment_count=F("n_comments")).exists(),
        "Event.registered_count": event.registered_count == statuses[Registration.Status.CONFIRMED],
        "Event.waiting_count": event.waiting_count == statuses[Registration.Status.WAITING],
        "BudgetLine.committed": line.committed == committed,
        "Measure.budget_committed": measure.budget_committed == committed,
    }
    return Outcome(
        answers=answers,
        reads=reads,
        phases=[phase.name for phase in phases],
        stored=stored,
        counts_ok=counts_ok,
        mails=mail_recipients(stack.mail_dir),
        tasks_left=tasks_left,
        answers_after=answers_after,
    )


def mail_recipients(mail_dir: Path) -> Counter[str]:
    """How many mails each address got, from the file backend's files."""
    return Counter(
        line.removeprefix("To: ").strip()
        for path in mail_dir.glob("*.log")
        for line in path.read_text(errors="replace").splitlines()
        if line.startswith("To: ")
    )


def faults_run(
    *, database_url: str, work_dir: Path, writes: int, redis_seconds: float = 10, calm_seconds: float = 3
) -> Outcome:
    """Start the stack on ``database_url`` (Django set up on it), load it through the faults, examine."""
    world = world_create()
    stack = Stack(database_url=database_url, mail_dir=work_dir / "mail", log_path=work_dir / "stack.log")
    stack.start()
    try:
        phases = fault_phases(stack, redis_seconds=redis_seconds, calm_seconds=calm_seconds)
        answers, reads = run_load(stack=stack, world=world, writes=writes, phases=phases)
        return examine(world=world, answers=answers, reads=reads, phases=phases, stack=stack)
    finally:
        stack.stop()


def report_print(title: str, outcome: Outcome) -> None:
    """The figures: writes per kind, then requests and 5xx per phase."""
    print(f"\n{title}")
    print(f"{'writes':<14}{'sent':>6}{'acked':>7}{'stored':>8}{'lost':>6}{'dup':>5}{'stored, not acked':>19}")
    lost, duplicated = outcome.lost(), outcome.duplicated()
    for kind in (*KINDS, None):
        mine = [a for a in outcome.answers if kind is None or a.kind == kind]
        stored = [a for a in mine if outcome.stored[a.kind][a.key] > 0]
        print(
            f"{kind or 'all':<14}{len(mine):>6}{sum(a.acknowledged for a in mine):>7}{len(stored):>8}"
            f"{sum(1 for a in lost if kind in (None, a.kind)):>6}"
            f"{sum(1 for d in duplicated if kind is None or d.startswith(kind + ':')):>5}"
            f"{sum(not a.acknowledged for a in stored):>19}"
        )
    refused = Counter(f"{a.kind} {a.status or 'no answer'}" for a in outcome.answers if not a.acknowledged)
    print("not acknowledged: " + (", ".join(f"{what}: {n}" for what, n in sorted(refused.items())) or "none"))
    heading = ("phase", "writes", "500", "503", "no answer", "reads", "5xx", "no answer")
    widths = (24, 7, 5, 5, 10, 7, 5, 10)
    print(
        "\n"
        + "".join(
            f"{text:>{width}}" if i else f"{text:<{width}}"
            for i, (text, width) in enumerate(zip(heading, widths, strict=True))
        )
    )
    for phase in outcome.phases:
        w = [a.status for a in outcome.answers if a.phase == phase]
        r = [a.status for a in outcome.reads if a.phase == phase]
        cells = (len(w), w.count(500), w.count(503), w.count(0), len(r), sum(s >= 500 for s in r), r.count(0))
        print(
            f"{phase:<24}"
            + "".join(f"{cell:>{width}}" for cell, width in zip(cells, widths[1:], strict=True))
        )
    print(
        "\nkept counts equal their rows: "
        + ", ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in outcome.counts_ok.items())
    )
    print(
        f"mails: {sum(outcome.mails.values())} sent, {len(outcome.mails_missing())} missing for acknowledged "
        f"registrations, {len(outcome.mails_duplicated())} addresses with duplicates; tasks still queued: "
        f"{outcome.tasks_left}"
    )
    print(f"after the faults, without a restart: {outcome.answers_after}")


# --- Command line ---------------------------------------------------------------------------------


@contextmanager
def fresh_database(kind: str) -> Iterator[str]:
    """A migrated, empty database of the bench's own; its URL."""
    import django

    if kind == "postgres":
        import psycopg
        from psycopg import sql

        parts = urlsplit(POSTGRES_URL)
        name = parts.path.lstrip("/")
        with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url = POSTGRES_URL
    else:
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{SQLITE_PATH}"
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    os.environ["DATABASE_URL"] = url
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    yield url


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--writes", type=int, default=600)
    parser.add_argument("--redis-seconds", type=float, default=10)
    parser.add_argument("--calm-seconds", type=float, default=5)
    args = parser.parse_args()
    work_dir = BENCH_DIR / f"faults-{args.db}"
    if work_dir.exists():
        import shutil

        shutil.rmtree(work_dir)
    work_dir.mkdir(parents=True)
    with fresh_database(args.db) as url:
        outcome = faults_run(
            database_url=url,
            work_dir=work_dir,
            writes=args.writes,
            redis_seconds=args.redis_seconds,
            calm_seconds=args.calm_seconds,
        )
    report_print(
        f"{args.db}: {args.writes} writes, gunicorn {WORKERS} workers, Redis away {args.redis_seconds:g} s",
        outcome,
    )
    failed = outcome.lost() or outcome.duplicated() or not all(outcome.counts_ok.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

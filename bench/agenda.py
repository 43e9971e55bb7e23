"""The Digitale Agenda, monitoring and reminders at the demo's size and at 10x: time and SQL queries.

What it does
    1. Seeds the demo (``seed_all``: about 40 measures, the adopted agenda 2025 and the draft 2026) into a
       fresh SQLite file under build/bench/, unless it is there.
    2. Times, in process, with the median of 5 runs: freezing every published measure's profile, the
       monitoring board, the due reminders, comparing two agendas and printing the agenda as a PDF.
    3. Repeats compare and PDF with agendas of 10x the profiles (the demo's profiles, copied with new
       ids), which is what a program ten times MYK's would freeze; freezing and monitoring are timed at
       the demo size and their query counts asserted equal to those at 10x in the tests.

Prints one row per step: milliseconds (median), SQL queries, and the machine's load average meanwhile.

Usage: .venv/bin/python bench/agenda.py
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = ROOT / "build" / "bench" / "agenda.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from smartregion.program import agenda, reminders  # noqa: E402
from smartregion.program.agenda_pdf import agenda_pdf  # noqa: E402
from smartregion.program.models import AgendaSnapshot  # noqa: E402
from smartregion.program.monitoring import monitoring_board  # noqa: E402
from smartregion.strategy.models import Measure  # noqa: E402


def measure(label: str, run: Callable[[], Any]) -> None:
    with CaptureQueriesContext(connection) as queries:
        run()
    times = []
    for _ in range(5):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    load = os.getloadavg()[0]
    print(f"{label:<42} {statistics.median(times):>9.1f} ms {len(queries):>5} queries   load {load:.2f}")


def scaled(snapshot: AgendaSnapshot, factor: int) -> AgendaSnapshot:
    """An unsaved copy of an agenda with each profile repeated ``factor`` times under new ids."""
    profiles = [
        {**profile, "id": profile["id"] * 1000 + copy, "title": f"{profile['title']} ({copy + 1})"}
        for copy in range(factor)
        for profile in snapshot.profiles
    ]
    return AgendaSnapshot(
        pk=snapshot.pk,
        year=snapshot.year,
        title=snapshot.title,
        status=snapshot.status,
        profiles=profiles,
        frozen_at=snapshot.frozen_at,
        schema_version=snapshot.schema_version,
        decided_by=snapshot.decided_by,
        decided_on=snapshot.decided_on,
        decision_reference=snapshot.decision_reference,
    )


def main() -> None:
    DB.parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    if not AgendaSnapshot.objects.exists():
        from smartregion.web.demo import seed_all

        seed_all()
    older, newer = AgendaSnapshot.objects.get(year=2025), AgendaSnapshot.objects.get(year=2026)
    count = Measure.objects.filter(is_published=True).count()
    today = timezone.localdate()
    print(f"{count} published measures, {len(older.profiles)} profiles per agenda, {os.cpu_count()} CPUs")
    measure("freeze the profiles (1x)", agenda.freeze_profiles)
    measure("monitoring board (1x)", lambda: monitoring_board(Measure.objects.all(), today))
    measure("due reminders (1x)", lambda: reminders.due_reminders(today))
    measure("compare two agendas (1x)", lambda: agenda.compare(older, newer))
    measure("agenda PDF (1x)", lambda: agenda_pdf(older))
    big_older, big_newer = scaled(older, 10), scaled(newer, 10)
    measure("compare two agendas (10x)", lambda: agenda.compare(big_older, big_newer))
    measure("agenda PDF (10x)", lambda: agenda_pdf(big_older))
    print(f"PDF size 1x: {len(agenda_pdf(older)) // 1024} KiB, 10x: {len(agenda_pdf(big_older)) // 1024} KiB")


if __name__ == "__main__":
    main()

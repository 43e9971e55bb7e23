"""``manage.py db_worker``: django-tasks-db's worker, made to outlive a database restart.

The library's worker loop raises any database error other than a locked SQLite file, so a PostgreSQL
restart (or a cut connection) ends the process and queued mails wait until someone starts it again. This
command runs the same loop, and when the database cannot be reached it closes the broken connections,
waits (1, 2, 4 … at most 30 seconds) and starts the loop again. A task is claimed in a committed
transaction before it runs, so a task interrupted by the outage is not run a second time; a claim
that never committed leaves the task ready for the next attempt. It shadows the library's command
because ``smartregion.core`` comes first in INSTALLED_APPS; systemd restarts it should it stop anyway.
"""

import logging
import time
from typing import Any

from django.db import connections
from django_tasks_db.management.commands import db_worker

from smartregion.core.http import DATABASE_UNAVAILABLE

logger = logging.getLogger("django_tasks_db")

FIRST_WAIT_SECONDS = 1.0
LONGEST_WAIT_SECONDS = 30.0
# A loop that ran this long without a database error starts the next wait from the beginning.
HEALTHY_AFTER_SECONDS = 60.0


class ReconnectingWorker(db_worker.Worker):
    """The library's worker, restarted after a database outage instead of ending with it."""

    def run(self) -> None:
        wait = FIRST_WAIT_SECONDS
        while self.running:
            started = time.monotonic()
            try:
                super().run()
            except DATABASE_UNAVAILABLE as error:
                if time.monotonic() - started > HEALTHY_AFTER_SECONDS:
                    wait = FIRST_WAIT_SECONDS
                logger.warning("Database unavailable (%s); trying again in %.0f s", error, wait)
                for wrapper in connections.all(initialized_only=True):
                    wrapper.close()
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT_SECONDS)
            else:
                return


class Command(db_worker.Command):
    help = "Run the background task worker; it survives database restarts."

    def handle(self, *args: Any, **options: Any) -> None:
        # The library's handle() builds its own Worker; this one differs in that class only.
        original = db_worker.Worker
        db_worker.Worker = ReconnectingWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]

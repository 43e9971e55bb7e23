"""Queue the daily e-mail digest for everybody who switched it on and has unmailed notifications."""

from typing import Any

from django.core.management.base import BaseCommand

from smartregion.participation import tasks


class Command(BaseCommand):
    help = (
        "Queue the daily digest mail for every person who switched it on and has notifications not "
        "mailed yet; each notification is mailed once, so running it twice sends nothing new. "
        "Run it once a day from cron or a systemd timer, e.g. '15 7 * * * manage.py send_digests'; "
        "with TASK_BACKEND=database the worker (manage.py db_worker) sends the mails."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queued = tasks.digests_enqueue()
        self.stdout.write(f"queued {queued} digests")

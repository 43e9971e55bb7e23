"""The daily reminders of the program: stale measures, milestones due or overdue, indicator values due,
and once a week the program office's digest."""

from typing import Any

from django.core.management.base import BaseCommand

from smartregion.program import reminders


class Command(BaseCommand):
    help = (
        "Send the reminders that are due to the people responsible for each measure (a measure not "
        "updated for MEASURE_STALE_DAYS days, a milestone due within 14 days or overdue, an indicator "
        "value due per its cadence) and, once per week from PROGRAM_DIGEST_WEEKDAY on, the program "
        "office's digest of what slipped. Each reminder goes out once, so running it twice sends nothing "
        "new. Run it daily (smartregion-program-reminders.timer); with TASK_BACKEND=database the worker "
        "sends the mails."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = reminders.reminders_send()
        digests = reminders.digest_send()
        self.stdout.write(f"sent {sent} reminders and {digests} weekly digests")

"""The daily reminders of the funder's proof-of-use deadlines."""

from typing import Any

from django.core.management.base import BaseCommand

from smartregion.program import tasks


class Command(BaseCommand):
    help = (
        "Remind the program office by e-mail and in-app of proof-of-use deadlines 90, 30 and 7 days ahead "
        "and once overdue; each step is sent once, so running it twice sends nothing new. Run it once a "
        "day (deploy/systemd/smartregion-grant-reminders.timer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = tasks.deadline_reminders_send()
        self.stdout.write(f"sent {sent} deadline reminders")

"""The daily housekeeping of events: reminders, expired guest registrations, anonymisation."""

from typing import Any

from django.core.management.base import BaseCommand

from smartregion.events import tasks


class Command(BaseCommand):
    help = (
        "Queue the reminder mail for everybody with a confirmed place at an event that starts tomorrow "
        "(each person is reminded once, so running it twice sends nothing new), expire guest registrations "
        "that were not confirmed in time, and anonymise registrations of events that ended longer ago "
        "than EVENT_PERSONAL_DATA_RETENTION_DAYS. Run it once a day from cron or a systemd timer, e.g. "
        "'30 7 * * * manage.py send_event_reminders'; with TASK_BACKEND=database the worker sends the mails."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queued = tasks.reminders_enqueue()
        tasks.registrations_expire.enqueue()
        tasks.registrations_anonymise.enqueue()
        self.stdout.write(f"queued {queued} reminders, the expiry and the anonymisation")

"""Daily work of the program: reminders of the funder's proof-of-use deadlines to the program office.

``manage.py send_grant_reminders`` runs it once a day (deploy/systemd/smartregion-grant-reminders.timer).
Each step (90, 30 and 7 days before a deadline, and once it is overdue) is sent exactly once: the step's
row in DeadlineReminder is inserted in the transaction that queues the mails and notifications, and its
unique constraint turns a second run (or two at once) into a no-op.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from smartregion.accounts.models import Role, User
from smartregion.core.mail import compose, email_enqueue
from smartregion.participation.models import Notification
from smartregion.participation.tasks import notify

from . import selectors
from .models import DeadlineReminder


def reminder_step(days_left: int) -> int | None:
    """The reminder step a deadline ``days_left`` away has reached: 90, 30, 7, 0 (overdue) or None."""
    if days_left < 0:
        return 0
    reached = [step for step in selectors.REMINDER_STEPS if days_left <= step]
    return min(reached) if reached else None


def _office() -> list[User]:
    return list(
        User.objects.filter(is_active=True, roles__role=Role.PROGRAM_OFFICE).distinct().order_by("pk")
    )


def _message(deadline: selectors.Deadline, step: int) -> tuple[str, str]:
    """The subject and the one-line message of a reminder, in the site's language."""
    values: dict[str, Any] = {
        "number": deadline.commitment.number,
        "phase": deadline.phase_letter,
        "due": date_format(deadline.due_on, "DATE_FORMAT"),
        "days": deadline.days_left,
    }
    if step == 0:
        subject = _("Proof of use overdue: commitment %(number)s (phase %(phase)s)") % values
        message = (
            _("The proof of use for commitment %(number)s (phase %(phase)s) was due on %(due)s.") % values
        )
    else:
        subject = _("Proof of use due in %(days)s days: commitment %(number)s (phase %(phase)s)") % values
        message = (
            _(
                "The proof of use for commitment %(number)s (phase %(phase)s) is due on %(due)s, "
                "in %(days)s days."
            )
            % values
        )
    return subject, message


def deadline_reminders_send(*, today: date | None = None) -> int:
    """Remind the program office of every proof-of-use deadline that reached a new step; the number sent."""
    today = today or timezone.localdate()
    sent = 0
    office: list[User] | None = None
    for deadline in selectors.deadlines(today):
        step = reminder_step(deadline.days_left)
        if deadline.is_done or step is None:
            continue
        office = _office() if office is None else office
        with transaction.atomic():
            try:
                with transaction.atomic():
                    DeadlineReminder.objects.create(commitment=deadline.commitment, days_before=step)
            except IntegrityError:
                continue  # sent before
            with translation.override(settings.LANGUAGE_CODE):
                subject, message = _message(deadline, step)
                text = render_to_string(
                    "program/email/deadline_reminder.txt",
                    {
                        "message": message,
                        "deadline": deadline,
                        "dashboard_url": settings.SITE_URL + reverse("program:dashboard") + "#fristen",
                    },
                )
            for person in office:
                if person.email:
                    email_enqueue(compose(subject=subject, text=text, to=[person.email]))
            people: dict[int, Any] = dict.fromkeys((person.pk for person in office), None)
            notify(
                people=people,
                kind=Notification.Kind.GRANT_DEADLINE,
                message=message,
                cause=f"grant-deadline:{deadline.commitment.pk}:{step}",
            )
            sent += 1
    return sent

"""Background work for events: reminders the day before, messages to registrants, expiry and anonymisation.

Tasks take ids and are idempotent: a retried or doubled task sends nothing twice. ``manage.py
send_event_reminders`` runs the daily part (as ``send_digests`` does for participation), e.g. from cron.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tasks import task

from smartregion.core.mail import compose, email_enqueue

from . import services
from .models import Event, EventMessage, Registration


@task()
def reminder_send(*, registration_id: int) -> bool:
    """Remind one confirmed registrant of tomorrow's event; False when already reminded or no longer going."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("event")
            .filter(pk=registration_id)
            .first()
        )
        if (
            registration is None
            or registration.reminded_at is not None
            or registration.status != Registration.Status.CONFIRMED
            or not registration.email
        ):
            return False
        event = registration.event
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(
                "events/email/reminder.txt",
                {
                    "registration": registration,
                    "event": event,
                    "event_url": settings.SITE_URL + event.get_absolute_url(),
                    "cancel_url": settings.SITE_URL + reverse("events:cancel", args=[registration.token]),
                    "starts": date_format(timezone.localtime(event.starts_at), "j. F Y, H:i"),
                },
            )
            subject = _("Reminder: “%(title)s” tomorrow") % {"title": event.title}
            mail = compose(subject=subject, text=body, to=[registration.email])
        # Marked in the transaction that queues the mail: a retried task finds it reminded.
        registration.reminded_at = timezone.now()
        registration.save(update_fields=["reminded_at"])
        email_enqueue(mail)
    return True


def reminders_enqueue(*, today: datetime.date | None = None) -> int:
    """Queue a reminder for every confirmed registrant of events that start tomorrow (run daily)."""
    today = today or timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    ids = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        reminded_at__isnull=True,
        event__status=Event.Status.PUBLISHED,
        event__starts_at__gte=start,
        event__starts_at__lt=end,
    ).values_list("pk", flat=True)
    count = 0
    for registration_id in ids:
        reminder_send.enqueue(registration_id=registration_id)
        count += 1
    return count


@task()
def message_deliver(*, message_id: int) -> int:
    """Mail an organizers' message to each registrant separately (no one sees the others' addresses).

    The message is marked sent in the transaction that queues one mail task per registrant, so a retried
    task queues nothing twice and one refused address is retried alone, not with everybody's mail.
    """
    with transaction.atomic():
        message = (
            EventMessage.objects.select_for_update(of=("self",))
            .select_related("event")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.sent_at is not None:
            return 0
        statuses = [Registration.Status.CONFIRMED]
        if message.include_waiting:
            statuses.append(Registration.Status.WAITING)
        recipients = list(
            Registration.objects.filter(event=message.event, status__in=statuses)
            .exclude(email="")
            .order_by("pk")
        )
        event_url = settings.SITE_URL + message.event.get_absolute_url()
        with translation.override(settings.LANGUAGE_CODE):
            mails = [
                compose(
                    subject=message.subject,
                    text=render_to_string(
                        "events/email/message.txt",
                        {
                            "message": message,
                            "event": message.event,
                            "event_url": event_url,
                            "cancel_url": settings.SITE_URL
                            + reverse("events:cancel", args=[registration.token]),
                        },
                    ),
                    to=[registration.email],
                )
                for registration in recipients
            ]
        message.sent_at, message.recipient_count = timezone.now(), len(mails)
        message.save(update_fields=["sent_at", "recipient_count"])
        for mail in mails:
            email_enqueue(mail)
    return len(mails)


@task()
def registrations_expire() -> int:
    """Guests who did not confirm in time lose their pending registration."""
    return services.registrations_expire()


@task()
def registrations_anonymise() -> int:
    """Anonymise registrations of events that ended longer ago than EVENT_PERSONAL_DATA_RETENTION_DAYS."""
    return services.registrations_anonymise()

"""Reminders to the people responsible for a measure, and the weekly digest for the program office.

Run once a day (``manage.py send_program_reminders``, from smartregion-program-reminders.timer). Each reminder
has a cause that names what it is about and the state it reminds of:

- ``stale:<measure>:<day of the last change>``: nothing changed for ``MEASURE_STALE_DAYS`` days;
- ``due:<milestone>:<due day>``: an open milestone is due within ``MILESTONE_DUE_DAYS`` days;
- ``late:<milestone>:<due day>``: an open milestone is overdue;
- ``value:<indicator>:<period>``: no value was recorded for the indicator's last finished period
  (month, quarter or year, per its cadence);
- ``digest:<ISO year>-W<week>``: the office's weekly digest.

``ProgramReminder`` is unique per person and cause, and a reminder is mailed and notified only when its
row was inserted, in the same transaction: a second run on the same day, or the next day while nothing
changed, sends nothing again; a moved due date or a new change to the measure is a new cause.
The responsible people of a measure are the current members of its lead organizations and the
coordinators of its municipalities. Every step is a fixed number of queries, whatever the data size.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from smartregion.accounts.models import Role, RoleGrant, User
from smartregion.core.mail import compose, email_enqueue
from smartregion.network.models import Membership
from smartregion.participation.models import Notification
from smartregion.strategy.models import Measure, MeasureStatus, MonitoringState

from .models import Indicator, IndicatorValue, Milestone, ProgramReminder, Responsibility
from .monitoring import MONITORED, monitoring_of, with_monitoring

MILESTONE_DUE_DAYS = 14


def stale_days() -> int:
    return int(getattr(settings, "MEASURE_STALE_DAYS", 60))


@dataclass(frozen=True)
class Due:
    """One reminder to send: what about (cause, measure) and the sentence that says it."""

    cause: str
    measure_id: int
    message: str


def _period(cadence: str, today: date) -> tuple[str, date, date]:
    """The last finished period of a cadence before ``today``: its label, first and last day."""
    if cadence == Indicator.Cadence.MONTHLY:
        end = today.replace(day=1) - timedelta(days=1)
        return f"{end.year}-{end.month:02d}", end.replace(day=1), end
    if cadence == Indicator.Cadence.QUARTERLY:
        quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        end = quarter_start - timedelta(days=1)
        start = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
        return f"{end.year}-Q{(end.month - 1) // 3 + 1}", start, end
    return str(today.year - 1), date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)


def _day(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def due_reminders(today: date) -> list[Due]:
    """Everything that is due today across all monitored measures, in four queries."""
    monitored = Measure.objects.filter(status__in=MONITORED)
    found: list[Due] = []
    stale_before = today - timedelta(days=stale_days())
    for pk, title, last in (
        monitored.annotate(last=Coalesce(Max("events__created_at"), "created_at"))
        .values_list("pk", "title", "last")
        .order_by("pk")
    ):
        last_day = timezone.localdate(last) if isinstance(last, datetime) else last
        if last_day <= stale_before:
            found.append(
                Due(
                    f"stale:{pk}:{last_day.isoformat()}",
                    pk,
                    _("“%(title)s” has not been updated since %(day)s. Please report where it stands.")
                    % {"title": title, "day": _day(last_day)},
                )
            )
    for milestone in (
        Milestone.objects.filter(
            measure__in=monitored,
            done_on__isnull=True,
            due_on__lte=today + timedelta(days=MILESTONE_DUE_DAYS),
        )
        .select_related("measure")
        .only("pk", "title", "due_on", "measure__title")
        .order_by("due_on", "pk")
    ):
        values = {"title": milestone.title, "measure": milestone.measure.title, "day": _day(milestone.due_on)}
        if milestone.due_on < today:
            cause = f"late:{milestone.pk}:{milestone.due_on.isoformat()}"
            message = (
                _("Milestone “%(title)s” of “%(measure)s” was due on %(day)s and is not reached.") % values
            )
        else:
            cause = f"due:{milestone.pk}:{milestone.due_on.isoformat()}"
            message = _("Milestone “%(title)s” of “%(measure)s” is due on %(day)s.") % values
        found.append(Due(cause, milestone.measure_id, message))
    indicators = list(
        Indicator.objects.filter(measure__status=MeasureStatus.RUNNING)
        .select_related("measure")
        .only("pk", "name", "cadence", "measure__title")
        .order_by("pk")
    )
    periods = {indicator.pk: _period(indicator.cadence, today) for indicator in indicators}
    earliest = min((start for _label, start, _end in periods.values()), default=today)
    measured: dict[int, list[date]] = defaultdict(list)
    for indicator_id, day in IndicatorValue.objects.filter(
        indicator__in=[i.pk for i in indicators], measured_on__gte=earliest
    ).values_list("indicator_id", "measured_on"):
        measured[indicator_id].append(day)
    for indicator in indicators:
        label, start, end = periods[indicator.pk]
        if not any(start <= day <= end for day in measured[indicator.pk]):
            found.append(
                Due(
                    f"value:{indicator.pk}:{label}",
                    indicator.measure_id,
                    _("Please record the value of “%(name)s” (“%(measure)s”) for %(period)s.")
                    % {"name": indicator.name, "measure": indicator.measure.title, "period": label},
                )
            )
    return found


def responsible_people(measure_ids: set[int], today: date) -> dict[int, set[int]]:
    """Per measure, the active people responsible for it: current members of a lead organization and
    the coordinators of its municipalities (two queries)."""
    people: dict[int, set[int]] = defaultdict(set)
    for user_id, measure_id in (
        Membership.objects.filter(
            Q(until__isnull=True) | Q(until__gte=today),
            since__lte=today,
            user__is_active=True,
            organization__responsibilities__measure__in=measure_ids,
            organization__responsibilities__role=Responsibility.Role.LEAD,
        )
        .values_list("user_id", "organization__responsibilities__measure")
        .order_by()
        .distinct()
    ):
        people[measure_id].add(user_id)
    through = Measure.municipalities.through
    by_municipality: dict[int, set[int]] = defaultdict(set)
    for measure_id, municipality_id in through.objects.filter(measure_id__in=measure_ids).values_list(
        "measure_id", "municipality_id"
    ):
        by_municipality[municipality_id].add(measure_id)
    for user_id, municipality_id in RoleGrant.objects.filter(
        role=Role.COORDINATOR, municipality__in=list(by_municipality), user__is_active=True
    ).values_list("user_id", "municipality_id"):
        for measure_id in by_municipality[municipality_id]:
            people[measure_id].add(user_id)
    return people


def _claim(user_id: int, cause: str, measure_id: int | None, message: str) -> bool:
    """Insert the reminder's row; False when this person already had it (the constraint decides)."""
    try:
        with transaction.atomic():
            ProgramReminder.objects.create(
                user_id=user_id, cause=cause, measure_id=measure_id, message=message[:300]
            )
    except IntegrityError:
        return False
    return True


def _mail(user: User, subject: str, template: str, context: dict[str, Any]) -> None:
    if not user.email:
        return
    text = render_to_string(template, {"name": user.display_name or user.email, **context})
    email_enqueue(compose(subject=subject, text=text, to=[user.email]))


def _site(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def reminders_send(*, today: date | None = None) -> int:
    """Send every reminder that is due and was not sent before; returns how many were sent."""
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        due = due_reminders(today)
        people = responsible_people({item.measure_id for item in due}, today)
        fresh: dict[int, list[Due]] = defaultdict(list)
        existing = set(
            ProgramReminder.objects.filter(cause__in=[item.cause for item in due]).values_list(
                "user_id", "cause"
            )
        )
        for item in due:
            for user_id in sorted(people.get(item.measure_id, ())):
                if (user_id, item.cause) not in existing and _claim(
                    user_id, item.cause, item.measure_id, item.message
                ):
                    fresh[user_id].append(item)
        if not fresh:
            return 0
        now = timezone.now()
        Notification.objects.bulk_create(
            [
                Notification(
                    user_id=user_id,
                    kind=Notification.Kind.MEASURE_REMINDER,
                    measure_id=item.measure_id,
                    message=item.message[:300],
                    cause=item.cause[:40],
                    # Mailed below; the participation digest must not mail it again.
                    emailed_at=now,
                )
                for user_id, items in fresh.items()
                for item in items
            ],
            ignore_conflicts=True,
        )
        urls = {
            pk: _site(measure.get_absolute_url())
            for pk, measure in Measure.objects.in_bulk(
                {i.measure_id for items in fresh.values() for i in items}
            ).items()
        }
        for user in User.objects.filter(pk__in=fresh.keys()).order_by("pk"):
            _mail(
                user,
                _("Reminder: measures you are responsible for"),
                "program/email/reminder.txt",
                {"items": [(item.message, urls.get(item.measure_id, "")) for item in fresh[user.pk]]},
            )
    return sum(len(items) for items in fresh.values())


def office_people() -> list[User]:
    """The active members of the program office."""
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(roles__role=Role.PROGRAM_OFFICE) | Q(is_superuser=True))
        .distinct()
        .order_by("pk")
    )


def digest_due(today: date) -> bool:
    return today.weekday() >= int(getattr(settings, "PROGRAM_DIGEST_WEEKDAY", 0))


@transaction.atomic
def digest_send(*, today: date | None = None) -> int:
    """Mail the office once per ISO week what slipped: measures late or at risk, milestones overdue, measures
    not updated, running measures without an outcome indicator with a baseline. Returns the recipients."""
    today = today or timezone.localdate()
    if not digest_due(today):
        return 0
    year, week, _weekday = today.isocalendar()
    cause = f"digest:{year}-W{week:02d}"
    with translation.override(settings.LANGUAGE_CODE):
        states = [
            (measure, monitoring_of(measure))
            for measure in with_monitoring(Measure.objects.filter(status__in=MONITORED), today).order_by(
                "title", "pk"
            )
        ]
        slipping = [(m, s) for m, s in states if s.state in (MonitoringState.LATE, MonitoringState.AT_RISK)]
        without_outcome = [
            m
            for m, _s in states
            if m.status == MeasureStatus.RUNNING and not m.has_outcome_baseline  # type: ignore[attr-defined]
        ]
        newly_overdue = list(
            Milestone.objects.filter(
                measure__status__in=MONITORED,
                done_on__isnull=True,
                due_on__lt=today,
                due_on__gte=today - timedelta(days=7),
            )
            .select_related("measure")
            .order_by("due_on", "pk")
        )
        stale = [item for item in due_reminders(today) if item.cause.startswith("stale:")]
        context = {
            "slipping": [
                (m.title, s.label, " ".join(s.grounds) or s.reason, _site(m.get_absolute_url()))
                for m, s in slipping
            ],
            "newly_overdue": [(m.title, m.measure.title, _day(m.due_on)) for m in newly_overdue],
            "stale": [item.message for item in stale],
            "without_outcome": [m.title for m in without_outcome],
            "dashboard_url": _site("/programm/"),
            "week": week,
        }
        sent = 0
        for user in office_people():
            if _claim(user.pk, cause, None, _("Weekly digest, week %(week)s") % {"week": week}):
                _mail(user, _("What slipped this week"), "program/email/digest.txt", context)
                sent += 1
    return sent

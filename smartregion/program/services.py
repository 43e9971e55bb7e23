"""Writes for the program: budget, expenses, milestones, status, progress and indicator values.

Each service asks the permission rules (program/rules.py) itself, checks the money invariants while
holding a row lock (PostgreSQL ``SELECT ... FOR UPDATE``; SQLite runs write transactions one at a time),
keeps the denormalised sums on the measure and the funding source, and records before and after in the
measure's audit history. The database constraints on BudgetLine and FundingSource are the last guard.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from smartregion.core.permissions import authorize
from smartregion.strategy.models import Measure, MeasureEvent, MeasureStatus, MonitoringState
from smartregion.strategy.services import notify_linked_people, record

from .models import (
    ZERO,
    BudgetLine,
    Expense,
    FundCall,
    FundCallPayment,
    FundingSource,
    Indicator,
    IndicatorValue,
    Milestone,
    ProgramPhase,
    ProgramReminder,
    Responsibility,
    StaffEffort,
    StaffRole,
)

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")


def euro(amount: Decimal) -> str:
    """An amount as people read it in German: 1.234.567,89 EUR."""
    return f"{formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)} EUR"


def money(value: Any, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """A positive amount in EUR with at most two decimal places, or a ValidationError naming the field."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Please give an amount in euros, for example 1250.50.")}) from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise ValidationError({field: _("Please give an amount in euros with at most two decimal places.")})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: _("Please give an amount greater than zero.")})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: _("This amount is too large.")})
    return amount.quantize(CENT)


def _program_years() -> tuple[int, int] | None:
    phases = list(ProgramPhase.objects.values_list("starts_on", "ends_on"))
    if not phases:
        return None
    return min(start.year for start, _end in phases), max(end.year for _start, end in phases)


def _not_in_future(day: date, *, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("This date lies in the future.")})


@transaction.atomic
def budget_line_set(
    *,
    actor: Any,
    measure: Measure,
    source: FundingSource,
    year: int,
    planned: Any,
    eligible: bool = True,
) -> BudgetLine:
    """Plan what a measure draws from a funding source in a year; the source cannot be over-allocated."""
    authorize(actor, "program.plan_measure", measure)
    planned = money(planned, field="planned", allow_zero=True)
    years = _program_years()
    if years and not years[0] <= year <= years[1]:
        raise ValidationError(
            {
                "year": _("Please choose a year of the program (%(first)s to %(last)s).")
                % {"first": years[0], "last": years[1]}
            }
        )
    # Lock order everywhere: funding source, then budget line.
    source = FundingSource.objects.select_for_update().get(pk=source.pk)
    line = BudgetLine.objects.select_for_update().filter(measure=measure, source=source, year=year).first()
    before = line.planned if line else ZERO
    if line and planned < line.committed:
        raise ValidationError(
            {
                "planned": _("%(amount)s of this budget line are already committed; it cannot plan less.")
                % {"amount": euro(line.committed)}
            }
        )
    if source.allocated - before + planned > source.amount:
        raise ValidationError(
            {
                "planned": _("“%(source)s” has only %(available)s left to allocate.")
                % {"source": source.name, "available": euro(source.amount - source.allocated + before)}
            }
        )
    if line is None:
        line = BudgetLine.objects.create(
            measure=measure, source=source, year=year, planned=planned, eligible=eligible
        )
    else:
        line.planned, line.eligible = planned, eligible
        line.save(update_fields=["planned", "eligible"])
    delta = planned - before
    FundingSource.objects.filter(pk=source.pk).update(allocated=F("allocated") + delta)
    Measure.objects.filter(pk=measure.pk).update(budget_planned=F("budget_planned") + delta)
    record(
        measure,
        actor=actor,
        kind=MeasureEvent.Kind.BUDGET,
        before={"source": source.name, "year": year, "planned": str(before)},
        # "eligible" only when not: the history of lines that are (nearly all) reads as before.
        after={"source": source.name, "year": year, "planned": str(planned)}
        | ({} if eligible else {"eligible": False}),
    )
    return line


@transaction.atomic
def expense_book(
    *,
    actor: Any,
    budget_line: BudgetLine,
    kind: str,
    amount: Any,
    booked_on: date,
    description: str,
    document_reference: str = "",
    override_reason: str = "",
) -> Expense:
    """Book a commitment (within the planned amount) or a payment (within the committed amount, unless an
    override reason is given, which the history keeps)."""
    authorize(actor, "program.report_measure", budget_line.measure)
    amount = money(amount)
    _not_in_future(booked_on, field="booked_on")
    if not description.strip():
        raise ValidationError({"description": _("Please say what the money is for.")})
    # Only the line: select_related("source") would lock the source too, after the line, the reverse of
    # budget_line_set's order (source, then line), and two such bookings deadlock.
    line = BudgetLine.objects.select_for_update(of=("self",)).select_related("source").get(pk=budget_line.pk)
    before = {"committed": str(line.committed), "spent": str(line.spent)}
    override_reason = override_reason.strip()
    event_kind = MeasureEvent.Kind.EXPENSE
    if kind == Expense.Kind.COMMITMENT:
        if line.committed + amount > line.planned:
            raise ValidationError(
                {
                    "amount": _("Only %(open)s of this budget line are not yet committed.")
                    % {"open": euro(line.planned - line.committed)}
                }
            )
        line.committed += amount
        override_reason = ""
    elif kind == Expense.Kind.PAYMENT:
        if line.spent + amount > line.committed:
            if not override_reason:
                raise ValidationError(
                    {
                        "amount": _(
                            "This payment exceeds the committed amount (%(open)s still open). "
                            "Give a reason to book it anyway."
                        )
                        % {"open": euro(max(line.committed - line.spent, ZERO))}
                    }
                )
            event_kind = MeasureEvent.Kind.OVERRIDE
        else:
            override_reason = ""
        line.spent += amount
    else:
        raise ValidationError({"kind": _("Please choose commitment or payment.")})
    try:
        with transaction.atomic():
            line.save(update_fields=["committed", "spent"])
    except IntegrityError:
        # Only reachable if a concurrent booking slipped past the lock (it cannot on either database).
        raise ValidationError({"amount": _("The budget line changed meanwhile. Please try again.")}) from None
    Measure.objects.filter(pk=line.measure_id).update(
        budget_committed=F("budget_committed") + (amount if kind == Expense.Kind.COMMITMENT else ZERO),
        budget_spent=F("budget_spent") + (amount if kind == Expense.Kind.PAYMENT else ZERO),
    )
    expense = Expense.objects.create(
        budget_line=line,
        kind=kind,
        amount=amount,
        booked_on=booked_on,
        description=description.strip(),
        document_reference=document_reference.strip(),
        override_reason=override_reason,
        created_by=actor,
    )
    record(
        budget_line.measure,
        actor=actor,
        kind=event_kind,
        before=before,
        after={
            "committed": str(line.committed),
            "spent": str(line.spent),
            "expense": expense.pk,
            "kind": kind,
            "amount": str(amount),
            "document": expense.document_reference,
            "source": line.source.name,
            "year": line.year,
        },
        reason=override_reason,
    )
    return expense


def _lock_measure(measure: Measure) -> Measure:
    """The measure's row, locked: its milestone counts and progress are recounted only under this lock."""
    return Measure.objects.select_for_update().get(pk=measure.pk)


def _refresh_progress(measure: Measure) -> None:
    """Recount the milestones of a measure the caller locked (:func:`_lock_measure`), so that concurrent
    recounts follow each other and the last one counts every row; progress follows the milestones unless
    it was set by hand."""
    total = Milestone.objects.filter(measure=measure).count()
    done = Milestone.objects.filter(measure=measure, done_on__isnull=False).count()
    rows = Measure.objects.filter(pk=measure.pk)
    rows.update(milestone_count=total, milestone_done_count=done)
    rows.filter(progress_from_milestones=True).update(progress=done * 100 // total if total else 0)


@transaction.atomic
def milestone_add(*, actor: Any, measure: Measure, title: str, due_on: date) -> Milestone:
    authorize(actor, "program.plan_measure", measure)
    locked = _lock_measure(measure)
    milestone = Milestone(measure=locked, title=title.strip(), due_on=due_on)
    milestone.full_clean()
    milestone.save()
    _refresh_progress(locked)
    record(
        locked,
        actor=actor,
        kind=MeasureEvent.Kind.MILESTONE,
        after={"title": milestone.title, "due_on": str(due_on)},
    )
    return milestone


@transaction.atomic
def milestone_set_done(*, actor: Any, milestone: Milestone, done_on: date | None) -> Milestone:
    """Mark a milestone reached on a day (not in the future), or open again with ``None``."""
    authorize(actor, "program.report_measure", milestone.measure)
    if done_on is not None:
        _not_in_future(done_on, field="done_on")
    # Lock order: the measure, then its milestone. "Reached" is told once: decided on the locked row.
    measure = _lock_measure(milestone.measure)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    before = str(milestone.done_on) if milestone.done_on else None
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    _refresh_progress(measure)
    event = record(
        measure,
        actor=actor,
        kind=MeasureEvent.Kind.MILESTONE,
        before={"title": milestone.title, "done_on": before},
        after={"title": milestone.title, "done_on": str(done_on) if done_on else None},
    )
    if done_on is not None and before is None:
        notify_linked_people(event, kind="milestone", detail=milestone.title, actor=actor)
    return milestone


@transaction.atomic
def measure_set_status(*, actor: Any, measure: Measure, status: str, reason: str = "") -> Measure:
    authorize(actor, "program.plan_measure", measure)
    if status not in MeasureStatus.values:
        raise ValidationError({"status": _("Please choose one of the offered statuses.")})
    reason = reason.strip()
    if status in (MeasureStatus.PAUSED, MeasureStatus.CANCELLED) and not reason:
        raise ValidationError(
            {"reason": _("Please give a public reason for pausing or cancelling the measure.")}
        )
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    if locked.status == status:
        return locked
    before = locked.status
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    event = record(
        locked, actor=actor, kind=MeasureEvent.Kind.STATUS, before=before, after=status, reason=reason
    )
    notify_linked_people(event, kind="status", detail=status, actor=actor)
    return locked


@transaction.atomic
def measure_set_progress(*, actor: Any, measure: Measure, progress: int | None, reason: str = "") -> Measure:
    """Set the progress by hand with a reason, or (``None``) let it follow the milestones again."""
    authorize(actor, "program.plan_measure", measure)
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    before = locked.progress
    reason = reason.strip()
    if progress is None:
        locked.progress_from_milestones, locked.progress_reason = True, ""
        locked.save(update_fields=["progress_from_milestones", "progress_reason"])
        _refresh_progress(locked)
        locked.refresh_from_db()
    else:
        if not 0 <= progress <= 100:
            raise ValidationError({"progress": _("Please give a progress between 0 and 100 percent.")})
        if not reason:
            raise ValidationError({"reason": _("Please say why the progress differs from the milestones.")})
        locked.progress, locked.progress_from_milestones, locked.progress_reason = progress, False, reason
        locked.save(update_fields=["progress", "progress_from_milestones", "progress_reason", "updated_at"])
    record(
        locked,
        actor=actor,
        kind=MeasureEvent.Kind.PROGRESS,
        before=before,
        after=locked.progress,
        reason=reason,
    )
    return locked


@transaction.atomic
def responsibility_add(*, actor: Any, measure: Measure, organization: Any, role: str) -> Responsibility:
    authorize(actor, "program.plan_measure", measure)
    taken = ValidationError({"organization": _("This organization already has this role in the measure.")})
    if Responsibility.objects.filter(measure=measure, organization=organization, role=role).exists():
        raise taken
    responsibility = Responsibility(measure=measure, organization=organization, role=role)
    responsibility.full_clean()
    _insert_once(responsibility, taken)
    return responsibility


def _insert_once(row: Any, taken: ValidationError) -> None:
    """Insert a row whose uniqueness was checked before: one inserted meanwhile (a double submit) gets the
    check's answer, as the unique constraint decides."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise taken from None


@transaction.atomic
def indicator_value_add(
    *, actor: Any, indicator: Indicator, measured_on: date, value: Any, source: str
) -> IndicatorValue:
    authorize(actor, "program.report_measure", indicator.measure)
    _not_in_future(measured_on, field="measured_on")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({"value": _("Please give a number, for example 12.5.")}) from None
    if not source.strip():
        raise ValidationError({"source": _("Please say where the number comes from.")})
    taken = ValidationError({"measured_on": _("There is already a value for this day.")})
    if IndicatorValue.objects.filter(indicator=indicator, measured_on=measured_on).exists():
        raise taken
    entry = IndicatorValue(indicator=indicator, measured_on=measured_on, value=number, source=source.strip())
    entry.full_clean()
    _insert_once(entry, taken)
    record(
        indicator.measure,
        actor=actor,
        kind=MeasureEvent.Kind.INDICATOR,
        after={"indicator": indicator.name, "measured_on": str(measured_on), "value": str(number)},
    )
    return entry


# --- Own staff effort and fund calls (issue 14) ---------------------------------------------------------

MAX_HOURS = Decimal("744")  # every hour of a 31-day month: more in one booking is a typing error


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": _("Please give the hours as a number, for example 7.5.")}) from None
    if not hours.is_finite() or hours != hours.quantize(CENT):
        raise ValidationError({"hours": _("Please give the hours with at most two decimal places.")})
    if hours <= 0:
        raise ValidationError({"hours": _("Please give more than zero hours.")})
    if hours > MAX_HOURS:
        raise ValidationError({"hours": _("One month has at most 744 hours; please book less.")})
    return hours


@transaction.atomic
def staff_effort_book(
    *,
    actor: Any,
    measure: Measure,
    role: StaffRole,
    month: date,
    hours: Any,
    description: str,
) -> StaffEffort:
    """Book hours of own staff on a measure for a month at the role's current hourly rate.

    Each booking is a row of its own and every total is summed by the database, so bookings made at the
    same moment never lose each other's money; the rate is copied, so a later rate change leaves booked
    months as they were.
    """
    authorize(actor, "program.book_staff_effort", measure)
    hours = _hours(hours)
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ValidationError({"month": _("This month lies in the future.")})
    if not description.strip():
        raise ValidationError({"description": _("Please say what was done.")})
    current = StaffRole.objects.filter(pk=role.pk).first()
    if current is None or not current.is_active:
        raise ValidationError({"role": _("This staff role can no longer be booked.")})
    role = current
    amount = (hours * role.hourly_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount > MAX_AMOUNT:
        raise ValidationError({"hours": _("This amount is too large.")})
    effort = StaffEffort.objects.create(
        measure=measure,
        role=role,
        month=month,
        hours=hours,
        hourly_rate=role.hourly_rate,
        amount=amount,
        description=description.strip(),
        created_by=actor,
    )
    record(
        measure,
        actor=actor,
        kind=MeasureEvent.Kind.EXPENSE,
        after={
            "staff_effort": effort.pk,
            "role": role.name,
            "month": str(month),
            "hours": str(hours),
            "amount": str(amount),
        },
    )
    return effort


@transaction.atomic
def fund_call_create(
    *,
    actor: Any,
    source: FundingSource,
    called_on: date,
    amount: Any,
    payments: Any,
    reference: str = "",
) -> FundCall:
    """Call funds from a source for payments made from it and not called before: no more than those
    payments add up to. The source's row is locked first (the money lock order), so two calls covering
    the same payment follow each other and the second finds it called."""
    authorize(actor, "program.call_funds")
    amount = money(amount)
    _not_in_future(called_on, field="called_on")
    source = FundingSource.objects.select_for_update().get(pk=source.pk)
    ids = sorted({payment.pk for payment in payments})
    if not ids:
        raise ValidationError({"payments": _("Please choose the payments this call covers.")})
    chosen = list(
        Expense.objects.filter(
            pk__in=ids,
            kind=Expense.Kind.PAYMENT,
            budget_line__source=source,
            fund_call_payment__isnull=True,
        )
    )
    if len(chosen) != len(ids):
        raise ValidationError(
            {
                "payments": _("Please choose only payments from “%(source)s” that no fund call covers yet.")
                % {"source": source.name}
            }
        )
    if late := [payment for payment in chosen if payment.booked_on > called_on]:
        raise ValidationError(
            {
                "called_on": _("The call cannot be dated before the payment of %(day)s it covers.")
                % {"day": formats.date_format(late[0].booked_on, "SHORT_DATE_FORMAT")}
            }
        )
    covered = sum((payment.amount for payment in chosen), ZERO)
    if amount > covered:
        raise ValidationError(
            {
                "amount": _("The chosen payments add up to %(covered)s; the call cannot ask for more.")
                % {"covered": euro(covered)}
            }
        )
    call = FundCall.objects.create(
        source=source, called_on=called_on, amount=amount, reference=reference.strip(), created_by=actor
    )
    try:
        with transaction.atomic():
            FundCallPayment.objects.bulk_create(
                [FundCallPayment(fund_call=call, expense=payment) for payment in chosen]
            )
    except IntegrityError:
        # Only reachable if another call took a payment past the source's lock.
        raise ValidationError(
            {"payments": _("A chosen payment was called meanwhile. Please choose again.")}
        ) from None
    return call


@transaction.atomic
def fund_call_receive(*, actor: Any, fund_call: FundCall, received_on: date, amount: Any) -> FundCall:
    """Record that the money of a call arrived: once, on or after the call's day, at most what was called."""
    authorize(actor, "program.call_funds")
    amount = money(amount)
    _not_in_future(received_on, field="received_on")
    call = FundCall.objects.select_for_update().get(pk=fund_call.pk)
    if call.received_on is not None:
        raise ValidationError(
            {
                "received_on": _("The receipt of this call was recorded already on %(day)s.")
                % {"day": formats.date_format(call.received_on, "SHORT_DATE_FORMAT")}
            }
        )
    if received_on < call.called_on:
        raise ValidationError({"received_on": _("The money cannot arrive before it was called.")})
    if amount > call.amount:
        raise ValidationError(
            {
                "amount": _("Only %(called)s were called; more cannot be received.")
                % {"called": euro(call.amount)}
            }
        )
    call.received_on, call.received_amount = received_on, amount
    call.save(update_fields=["received_on", "received_amount"])
    return call


@transaction.atomic
def measure_set_monitoring(*, actor: Any, measure: Measure, state: str, reason: str = "") -> Measure:
    """Set the monitoring state by hand with a reason (kept in the history), or (``""``) let the rules
    work it out again."""
    authorize(actor, "program.override_monitoring", measure)
    reason = reason.strip()
    if state and state not in MonitoringState.values:
        raise ValidationError({"state": _("Please choose one of the offered states.")})
    if state and not reason:
        raise ValidationError({"reason": _("Please say why the state differs from the worked-out one.")})
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    if (locked.monitoring_override, locked.monitoring_reason) == (state, reason if state else ""):
        return locked
    before = {"state": locked.monitoring_override, "reason": locked.monitoring_reason}
    locked.monitoring_override, locked.monitoring_reason = state, reason if state else ""
    locked.save(update_fields=["monitoring_override", "monitoring_reason", "updated_at"])
    record(
        locked,
        actor=actor,
        kind=MeasureEvent.Kind.MONITORING,
        before=before,
        after={"state": state, "reason": locked.monitoring_reason},
        reason=locked.monitoring_reason,
    )
    return locked


def personal_data_erase_for(user: Any) -> None:
    """On account deletion: the reminders sent to the person go; they only kept each from going twice."""
    ProgramReminder.objects.filter(user=user).delete()

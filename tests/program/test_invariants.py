"""The money invariants hold in the services and, as a last guard, in the database; every change is kept
in the measure's audit history. Runs on SQLite and on PostgreSQL."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from smartregion.program import services
from smartregion.program.models import BudgetLine, Expense, FundingSource, Indicator
from smartregion.strategy.models import Measure, MeasureEvent, MeasureStatus

TODAY = timezone.localdate


@pytest.fixture
def office(make_person):
    return make_person("program_office")


@pytest.fixture
def measure(program, make_measure):
    return make_measure()


def _line(office, measure, source, planned="600.00", year=2027):
    return services.budget_line_set(actor=office, measure=measure, source=source, year=year, planned=planned)


def test_budget_lines_keep_the_sums_on_measure_and_source(office, program, measure):
    federal, own = program
    _line(office, measure, federal, "600.00")
    _line(office, measure, own, "300.50", year=2028)
    _line(office, measure, federal, "650.00")  # the same line again: replaced, not added
    measure.refresh_from_db()
    federal.refresh_from_db()
    assert measure.budget_planned == Decimal("950.50")
    assert federal.allocated == Decimal("650.00")
    assert BudgetLine.objects.filter(measure=measure).count() == 2
    event = MeasureEvent.objects.filter(measure=measure, kind=MeasureEvent.Kind.BUDGET).first()
    assert event.data == {
        "before": {"source": "Bund", "year": 2027, "planned": "600.00"},
        "after": {"source": "Bund", "year": 2027, "planned": "650.00"},
    }
    assert event.actor == office


def test_a_funding_source_cannot_be_over_allocated(office, program, make_measure):
    federal, _own = program
    _line(office, make_measure(), federal, "700.00")
    other = make_measure(title="Sensoren")
    with pytest.raises(ValidationError) as error:
        _line(office, other, federal, "300.01")
    assert "300,00" in str(error.value.message_dict["planned"])
    federal.refresh_from_db()
    assert federal.allocated == Decimal("700.00")
    assert not BudgetLine.objects.filter(measure=other).exists()
    _line(office, other, federal, "300.00")  # exactly what is left is fine


def test_the_database_refuses_over_allocation_too(program):
    federal, _own = program
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingSource.objects.filter(pk=federal.pk).update(allocated=Decimal("1000.01"))


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("abc", "Please give an amount in euros"),
        ("12.345", "at most two decimal places"),
        ("-5", "greater than zero"),
        ("0", "greater than zero"),
        ("NaN", "at most two decimal places"),
        ("1e20", "too large"),
    ],
)
def test_bad_amounts_are_refused_with_a_message(office, program, measure, amount, message):
    federal, _own = program
    line = _line(office, measure, federal)
    with pytest.raises(ValidationError) as error, translation.override("en"):
        services.expense_book(
            actor=office,
            budget_line=line,
            kind="commitment",
            amount=amount,
            booked_on=TODAY(),
            description="x",
        )
    assert message in str(error.value.message_dict["amount"])
    assert not Expense.objects.exists()


def test_a_year_outside_the_program_is_refused(office, program, measure):
    federal, _own = program
    with pytest.raises(ValidationError) as error:
        _line(office, measure, federal, year=2035)
    assert "2025" in str(error.value.message_dict["year"])


def test_commitments_stay_within_the_plan_and_payments_within_the_commitments(office, program, measure):
    federal, _own = program
    line = _line(office, measure, federal, "600.00")
    book = lambda kind, amount, **kw: services.expense_book(  # noqa: E731
        actor=office,
        budget_line=line,
        kind=kind,
        amount=amount,
        booked_on=TODAY(),
        description="Auftrag",
        **kw,
    )
    book("commitment", "400.00")
    with pytest.raises(ValidationError):
        book("commitment", "200.01")
    book("payment", "400.00")
    with pytest.raises(ValidationError) as error, translation.override("en"):
        book("payment", "0.01")
    assert "reason" in str(error.value.message_dict["amount"])
    line.refresh_from_db()
    measure.refresh_from_db()
    assert (line.committed, line.spent) == (Decimal("400.00"), Decimal("400.00"))
    assert (measure.budget_committed, measure.budget_spent) == (Decimal("400.00"), Decimal("400.00"))

    # With a reason the payment goes through, and the history says so.
    book("payment", "50.00", override_reason="Nachtrag laut Vergabevermerk 12/2026")
    line.refresh_from_db()
    assert line.spent == Decimal("450.00")
    override = MeasureEvent.objects.get(measure=measure, kind=MeasureEvent.Kind.OVERRIDE)
    assert override.reason == "Nachtrag laut Vergabevermerk 12/2026"
    assert override.data["before"] == {"committed": "400.00", "spent": "400.00"}


def test_a_plan_cannot_drop_below_what_is_committed(office, program, measure):
    federal, _own = program
    line = _line(office, measure, federal, "600.00")
    services.expense_book(
        actor=office, budget_line=line, kind="commitment", amount="500", booked_on=TODAY(), description="x"
    )
    with pytest.raises(ValidationError):
        _line(office, measure, federal, "499.99")
    line.refresh_from_db()
    assert line.planned == Decimal("600.00")


def test_the_database_refuses_commitments_beyond_the_plan(office, program, measure):
    federal, _own = program
    line = _line(office, measure, federal, "600.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.filter(pk=line.pk).update(committed=Decimal("600.01"))


def test_dates_in_the_future_are_refused(office, program, measure):
    federal, _own = program
    line = _line(office, measure, federal)
    tomorrow = TODAY() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.expense_book(
            actor=office, budget_line=line, kind="payment", amount="1", booked_on=tomorrow, description="x"
        )
    assert "booked_on" in error.value.message_dict
    milestone = services.milestone_add(actor=office, measure=measure, title="Ausschreibung", due_on=tomorrow)
    with pytest.raises(ValidationError):
        services.milestone_set_done(actor=office, milestone=milestone, done_on=tomorrow)


def test_progress_follows_the_milestones_until_set_by_hand(office, program, measure):
    first = services.milestone_add(actor=office, measure=measure, title="Planung", due_on=TODAY())
    services.milestone_add(actor=office, measure=measure, title="Bau", due_on=TODAY())
    services.milestone_add(actor=office, measure=measure, title="Abnahme", due_on=TODAY())
    services.milestone_set_done(actor=office, milestone=first, done_on=TODAY())
    measure.refresh_from_db()
    assert (measure.progress, measure.milestone_count, measure.milestone_done_count) == (33, 3, 1)

    with pytest.raises(ValidationError):
        services.measure_set_progress(actor=office, measure=measure, progress=50)  # no reason
    services.measure_set_progress(actor=office, measure=measure, progress=50, reason="Bau zur Hälfte fertig")
    services.milestone_set_done(actor=office, milestone=first, done_on=None)
    measure.refresh_from_db()
    assert (measure.progress, measure.milestone_done_count) == (50, 0)
    services.measure_set_progress(actor=office, measure=measure, progress=None)
    measure.refresh_from_db()
    assert (measure.progress, measure.progress_from_milestones) == (0, True)
    kinds = list(MeasureEvent.objects.filter(measure=measure).values_list("kind", flat=True))
    assert kinds.count(MeasureEvent.Kind.PROGRESS) == 2


def test_pausing_needs_a_public_reason(office, program, measure):
    with pytest.raises(ValidationError):
        services.measure_set_status(actor=office, measure=measure, status=MeasureStatus.PAUSED)
    services.measure_set_status(actor=office, measure=measure, status=MeasureStatus.RUNNING)
    services.measure_set_status(
        actor=office, measure=measure, status=MeasureStatus.PAUSED, reason="Förderbescheid steht aus"
    )
    event = MeasureEvent.objects.filter(measure=measure, kind=MeasureEvent.Kind.STATUS).first()
    assert (event.data, event.reason) == (
        {"before": "running", "after": "paused"},
        "Förderbescheid steht aus",
    )
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.PAUSED


def test_indicator_values_once_per_day_with_a_source(office, program, measure):
    indicator = Indicator.objects.create(
        measure=measure, name="Nutzungen", unit="Fahrten", baseline=Decimal(0), target=Decimal(100)
    )
    services.indicator_value_add(
        actor=office, indicator=indicator, measured_on=TODAY(), value="12", source="Zählung"
    )
    with pytest.raises(ValidationError):
        services.indicator_value_add(
            actor=office, indicator=indicator, measured_on=TODAY(), value="13", source="Z"
        )
    with pytest.raises(ValidationError):
        services.indicator_value_add(
            actor=office,
            indicator=indicator,
            measured_on=TODAY() - datetime.timedelta(days=1),
            value="x",
            source="Z",
        )
    assert indicator.values.count() == 1


def test_services_ask_the_permissions(make_person, program, measure):
    federal, _own = program
    citizen = make_person("citizen")
    with pytest.raises(PermissionDenied):
        services.budget_line_set(actor=citizen, measure=measure, source=federal, year=2027, planned="1")
    with pytest.raises(PermissionDenied):
        services.measure_set_status(actor=citizen, measure=measure, status=MeasureStatus.DONE)
    assert not BudgetLine.objects.exists()

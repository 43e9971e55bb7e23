"""Own staff effort and fund calls under concurrency (issue 14): bookings made at once all count to the
cent, a payment is called once however many calls race for it, and a receipt is recorded once."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from smartregion.accounts.models import Role, User
from smartregion.program import selectors, services
from smartregion.program.models import (
    BudgetLine,
    Expense,
    FundCall,
    FundCallPayment,
    FundingSource,
    StaffEffort,
    StaffRole,
)
from smartregion.strategy.models import Measure

from ..concurrency import race, refusals

PAST = datetime.date(2026, 1, 15)


@pytest.fixture
def office_pk(race_database, make_person) -> int:
    return make_person(Role.PROGRAM_OFFICE).pk


@pytest.fixture
def measure(race_database, program, make_measure) -> Measure:
    return make_measure()


def _office(pk: int) -> User:
    return User.objects.get(pk=pk)


def test_staff_effort_booked_at_once_is_all_counted_to_the_cent(office_pk, measure):
    role = StaffRole.objects.create(name="Projektleitung", hourly_rate=Decimal("68.33"))

    def book(hours: str):
        def load():
            actor = _office(office_pk)
            loaded = Measure.objects.prefetch_related("municipalities").get(pk=measure.pk)
            loaded_role = StaffRole.objects.get(pk=role.pk)
            return lambda: services.staff_effort_book(
                actor=actor,
                measure=loaded,
                role=loaded_role,
                month=PAST,
                hours=hours,
                description="Steuerung",
            )

        return load

    hours = [f"{n}.25" for n in range(1, 9)]
    outcomes = race([book(h) for h in hours])

    assert refusals(outcomes) == []
    expected = sum((Decimal(h) * Decimal("68.33")).quantize(Decimal("0.01")) for h in hours)
    assert StaffEffort.objects.aggregate(total=Sum("amount"))["total"] == expected
    assert selectors.measure_grant(measure).staff_effort == expected


@pytest.fixture
def federal_payments(office_pk, measure, program):
    federal, _own = program
    actor = _office(office_pk)
    line = services.budget_line_set(actor=actor, measure=measure, source=federal, year=2026, planned="900.00")
    services.expense_book(
        actor=actor,
        budget_line=line,
        kind="commitment",
        amount="900.00",
        booked_on=PAST,
        description="Auftrag",
    )
    return [
        services.expense_book(
            actor=actor,
            budget_line=BudgetLine.objects.get(pk=line.pk),
            kind="payment",
            amount="100.00",
            booked_on=PAST,
            description=f"Rechnung {n}",
        )
        for n in range(6)
    ]


def test_calls_racing_for_the_same_payments_call_each_payment_once(office_pk, program, federal_payments):
    federal, _own = program

    def call(payment_ids: list[int]):
        def load():
            actor = _office(office_pk)
            source = FundingSource.objects.get(pk=federal.pk)
            payments = list(Expense.objects.filter(pk__in=payment_ids))
            return lambda: services.fund_call_create(
                actor=actor, source=source, called_on=PAST, amount="100.00", payments=payments
            )

        return load

    ids = [payment.pk for payment in federal_payments]
    # Every call wants the first payment; each also wants one of its own.
    outcomes = race([call([ids[0], ids[n]]) for n in range(1, 6)])

    assert len(refusals(outcomes)) == 4
    assert FundCall.objects.count() == 1
    assert FundCallPayment.objects.filter(expense_id=ids[0]).count() == 1
    row = next(row for row in selectors.cash_position() if row.source.pk == federal.pk)
    assert (row.paid, row.paid_called, row.called) == (
        Decimal("600.00"),
        Decimal("200.00"),
        Decimal("100.00"),
    )


def test_calls_for_different_payments_at_once_all_count(office_pk, program, federal_payments):
    federal, _own = program

    def call(payment_id: int):
        def load():
            actor = _office(office_pk)
            source = FundingSource.objects.get(pk=federal.pk)
            payments = list(Expense.objects.filter(pk=payment_id))
            return lambda: services.fund_call_create(
                actor=actor, source=source, called_on=PAST, amount="65.00", payments=payments
            )

        return load

    outcomes = race([call(payment.pk) for payment in federal_payments])

    assert refusals(outcomes) == []
    row = next(row for row in selectors.cash_position() if row.source.pk == federal.pk)
    assert (row.called, row.paid_called, row.not_called) == (
        Decimal("390.00"),
        Decimal("600.00"),
        Decimal("0.00"),
    )


def test_a_receipt_recorded_twice_at_once_counts_once(office_pk, program, federal_payments):
    federal, _own = program
    fund_call = services.fund_call_create(
        actor=_office(office_pk),
        source=federal,
        called_on=PAST,
        amount="65.00",
        payments=federal_payments[:1],
    )

    def receive():
        actor, loaded = _office(office_pk), FundCall.objects.get(pk=fund_call.pk)
        return lambda: services.fund_call_receive(
            actor=actor, fund_call=loaded, received_on=PAST, amount="65.00"
        )

    outcomes = race([receive] * 4)

    assert len(refusals(outcomes)) == 3
    row = next(row for row in selectors.cash_position() if row.source.pk == federal.pk)
    assert (row.received, row.outstanding) == (Decimal("65.00"), Decimal("0.00"))

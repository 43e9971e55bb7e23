"""Concurrent bookings cannot overdraw a budget line: of several commitments that together exceed it,
exactly those that fit succeed, and the line's sums equal its bookings. Runs on PostgreSQL (row locks)
and on SQLite served from a file (writers queue)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from smartregion.accounts.models import User
from smartregion.program import services
from smartregion.program.models import BudgetLine, Expense, FundingSource
from smartregion.strategy.models import Measure

THREADS = 8


def _race(call, count: int) -> tuple[int, int]:
    """Run ``call`` in ``count`` threads released together; return (successes, refusals)."""
    barrier = threading.Barrier(count)
    lock = threading.Lock()
    outcome = {"ok": 0, "refused": 0}
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=60)
            try:
                call()
                key = "ok"
            except ValidationError:
                key = "refused"
            with lock:
                outcome[key] += 1
        except BaseException as error:  # pragma: no cover - reported below
            barrier.abort()
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, repr(errors[0])
    return outcome["ok"], outcome["refused"]


@pytest.fixture
def line_pk(race_database, make_person, program, make_measure) -> tuple[int, int]:
    office = make_person("program_office")
    federal, _own = program
    line = services.budget_line_set(
        actor=office, measure=make_measure(), source=federal, year=2027, planned="100.00"
    )
    return line.pk, office.pk


def test_two_commitments_that_together_exceed_the_line_one_succeeds(line_pk):
    pk, office_pk = line_pk

    def book() -> None:
        office = User.objects.get(pk=office_pk)
        line = BudgetLine.objects.select_related("measure").get(pk=pk)
        services.expense_book(
            actor=office,
            budget_line=line,
            kind="commitment",
            amount="60.00",
            booked_on=timezone.localdate(),
            description="Auftrag",
        )

    assert _race(book, 2) == (1, 1)
    line = BudgetLine.objects.get(pk=pk)
    assert line.committed == Decimal("60.00")
    assert Expense.objects.filter(budget_line_id=pk).count() == 1
    assert Measure.objects.get(pk=line.measure_id).budget_committed == Decimal("60.00")


def test_many_commitments_fill_the_line_exactly(line_pk):
    pk, office_pk = line_pk

    def book() -> None:
        office = User.objects.get(pk=office_pk)
        line = BudgetLine.objects.select_related("measure").get(pk=pk)
        services.expense_book(
            actor=office,
            budget_line=line,
            kind="commitment",
            amount="30.00",
            booked_on=timezone.localdate(),
            description="Teilauftrag",
        )

    assert _race(book, THREADS) == (3, THREADS - 3)
    line = BudgetLine.objects.get(pk=pk)
    assert (
        line.committed == Decimal("90.00") == sum(e.amount for e in Expense.objects.filter(budget_line_id=pk))
    )


def test_concurrent_plans_cannot_over_allocate_a_source(race_database, make_person, program, make_measure):
    office = make_person("program_office")
    federal, _own = program  # 1,000.00 EUR
    measure_pks = [make_measure(title=f"M{i}").pk for i in range(THREADS)]
    index = iter(range(THREADS))
    lock = threading.Lock()

    def plan() -> None:
        with lock:
            measure_pk = measure_pks[next(index)]
        services.budget_line_set(
            actor=User.objects.get(pk=office.pk),
            measure=Measure.objects.get(pk=measure_pk),
            source=FundingSource.objects.get(pk=federal.pk),
            year=2027,
            planned="300.00",
        )

    assert _race(plan, THREADS) == (3, THREADS - 3)
    federal.refresh_from_db()
    assert federal.allocated == Decimal("900.00")
    assert BudgetLine.objects.filter(source=federal).count() == 3

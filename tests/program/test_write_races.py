"""Program writes decide on the locked row (issue 17, findings 7, 8 and 9; issue 11's "deadlock on money"):
each request loads what its view loads, then all enter the service together. Counts equal their rows,
"reached" is told once, one lock order for money, and a double submit is answered like the check."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from smartregion.accounts.models import Role, User
from smartregion.participation.models import Notification
from smartregion.program import services
from smartregion.program.models import BudgetLine, FundingSource, Indicator, Milestone, Responsibility
from smartregion.strategy import services as strategy_services
from smartregion.strategy.models import Domain, Measure, Strategy

from ..concurrency import race, refusals
from ..factories import OrganizationFactory
from ..participation.factories import IdeaFactory

TODAY = datetime.date(2026, 3, 1)


@pytest.fixture
def office_pk(race_database, make_person) -> int:
    return make_person(Role.PROGRAM_OFFICE).pk


@pytest.fixture
def measure(race_database, program, make_measure) -> Measure:
    return make_measure()


def _office(pk: int) -> User:
    return User.objects.get(pk=pk)


def _measure(pk: int) -> Measure:
    return Measure.objects.prefetch_related("municipalities").get(pk=pk)


def test_milestones_added_at_once_are_all_counted(office_pk, measure):
    def add(n: int):
        def load():
            actor, loaded = _office(office_pk), _measure(measure.pk)
            return lambda: services.milestone_add(
                actor=actor, measure=loaded, title=f"Schritt {n}", due_on=TODAY
            )

        return load

    race([add(n) for n in range(8)])

    measure.refresh_from_db()
    assert measure.milestone_count == Milestone.objects.filter(measure=measure).count() == 8


def test_milestones_reached_at_once_give_the_right_progress(office_pk, measure):
    actor = _office(office_pk)
    milestones = [
        services.milestone_add(actor=actor, measure=measure, title=f"Schritt {n}", due_on=TODAY)
        for n in range(4)
    ]

    def reach(milestone_pk: int):
        def load():
            loaded = Milestone.objects.select_related("measure").get(pk=milestone_pk)
            return lambda: services.milestone_set_done(
                actor=_office(office_pk), milestone=loaded, done_on=TODAY
            )

        return load

    race([reach(m.pk) for m in milestones[:3]])

    measure.refresh_from_db()
    assert (measure.milestone_count, measure.milestone_done_count, measure.progress) == (4, 3, 75)


def test_a_milestone_reached_twice_at_once_is_told_once(office_pk, measure, municipality):
    idea = IdeaFactory(title="Mitfahrbank", municipality=municipality)
    actor = _office(office_pk)
    strategy_services.idea_link(actor=actor, measure=measure, idea=idea)
    milestone = services.milestone_add(actor=actor, measure=measure, title="Bänke stehen", due_on=TODAY)
    Notification.objects.all().delete()

    def reach():
        loaded = Milestone.objects.select_related("measure").get(pk=milestone.pk)
        return lambda: services.milestone_set_done(actor=_office(office_pk), milestone=loaded, done_on=TODAY)

    race([reach] * 3)

    assert Notification.objects.filter(user=idea.author, message__contains="Bänke stehen").count() == 1


def test_plans_and_bookings_on_one_line_at_once_never_deadlock(office_pk, measure, program):
    federal, _own = program
    line = services.budget_line_set(
        actor=_office(office_pk), measure=measure, source=federal, year=2027, planned="100.00"
    )

    def plan(amount: str):
        def load():
            actor, loaded = _office(office_pk), _measure(measure.pk)
            source = FundingSource.objects.get(pk=federal.pk)
            return lambda: services.budget_line_set(
                actor=actor, measure=loaded, source=source, year=2027, planned=amount
            )

        return load

    def book():
        actor = _office(office_pk)
        loaded = BudgetLine.objects.select_related("measure").get(pk=line.pk)
        return lambda: services.expense_book(
            actor=actor,
            budget_line=loaded,
            kind="commitment",
            amount="10.00",
            booked_on=timezone.localdate(),
            description="Auftrag",
        )

    race([plan(f"{100 + n}.00") for n in range(8)] + [book] * 8)

    line.refresh_from_db()
    federal.refresh_from_db()
    measure.refresh_from_db()
    assert line.committed <= line.planned
    assert federal.allocated == line.planned == measure.budget_planned
    assert measure.budget_committed == line.committed


def test_a_double_submitted_responsibility_is_answered_on_the_form(office_pk, measure):
    organization = OrganizationFactory()

    def add():
        actor, loaded = _office(office_pk), _measure(measure.pk)
        return lambda: services.responsibility_add(
            actor=actor, measure=loaded, organization=organization, role=Responsibility.Role.LEAD
        )

    outcomes = race([add] * 4)

    assert Responsibility.objects.filter(measure=measure).count() == 1
    assert len(refusals(outcomes)) == 3


def test_a_double_submitted_indicator_value_is_answered_on_the_form(office_pk, measure):
    indicator = Indicator.objects.create(
        measure=measure, name="Bänke", unit="Stück", baseline=Decimal(0), target=Decimal(10)
    )

    def add():
        actor = _office(office_pk)
        loaded = Indicator.objects.select_related("measure").get(pk=indicator.pk)
        return lambda: services.indicator_value_add(
            actor=actor, indicator=loaded, measured_on=TODAY, value="3", source="Zählung"
        )

    outcomes = race([add] * 4)

    assert indicator.values.count() == 1
    assert len(refusals(outcomes)) == 3


def test_measures_of_one_title_created_at_once_get_their_own_slugs(office_pk, strategy, domain):
    def create():
        actor = _office(office_pk)
        loaded_strategy, loaded_domain = (
            Strategy.objects.get(pk=strategy.pk),
            Domain.objects.get(pk=domain.pk),
        )
        return lambda: strategy_services.measure_create(
            actor=actor, strategy=loaded_strategy, title="Rufbus", summary="Kurz.", domains=[loaded_domain]
        )

    outcomes = race([create] * 4)

    assert refusals(outcomes) == []
    assert sorted(Measure.objects.values_list("slug", flat=True)) == [
        "rufbus",
        "rufbus-2",
        "rufbus-3",
        "rufbus-4",
    ]

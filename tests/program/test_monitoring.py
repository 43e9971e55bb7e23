"""Monitoring (program/monitoring.py, decision 0008): the state is worked out from milestones and spending
against plan, an override needs a reason and is kept in the history, the measure page and the dashboard
show it, and the dashboard flags running measures without an outcome indicator with a baseline."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from smartregion.program import services as program
from smartregion.program.history import describe
from smartregion.program.models import Expense, Indicator, Milestone
from smartregion.program.monitoring import measure_monitoring
from smartregion.strategy import services as strategy
from smartregion.strategy.models import MeasureEvent, MeasureStatus, MonitoringState

from ..factories import MembershipFactory, OrganizationFactory
from ..participation.public_support import german, text_of
from ..strategy.test_pages import TODAY, World, make_sources, make_strategy

ON, RISK, LATE = MonitoringState.ON_TRACK, MonitoringState.AT_RISK, MonitoringState.LATE


@pytest.fixture
def office(make_person):
    return make_person("program_office")


@pytest.fixture
def world(office, municipality, db):
    from smartregion.strategy.models import Domain

    domain = Domain.objects.create(name="Mobilität", slug="mobilitaet")
    return World(office, make_strategy(), [domain], make_sources(), municipality)


def _measure(
    world: World, *, title: str = "Rufbus", status: str = MeasureStatus.RUNNING, published: bool = True
):
    measure = strategy.measure_create(
        actor=world.office,
        strategy=world.strategy,
        title=title,
        summary="Kurz.",
        body="",
        domains=world.domains,
        municipalities=(world.municipality,),
        is_published=published,
    )
    if status != MeasureStatus.PLANNED:
        program.measure_set_status(actor=world.office, measure=measure, status=status, reason="Grund")
    return measure


def _days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def test_a_measure_without_problems_is_on_track(world):
    measure = _measure(world)
    program.milestone_add(actor=world.office, measure=measure, title="Später", due_on=_days(40))
    state = measure_monitoring(measure)
    assert (state.state, state.overridden, state.grounds) == (ON, False, [])


@pytest.mark.parametrize(("overdue_days", "expected"), [(1, RISK), (30, RISK), (31, LATE)])
def test_an_open_overdue_milestone_puts_the_measure_at_risk_and_after_30_days_late(
    world, overdue_days, expected
):
    measure = _measure(world)
    program.milestone_add(actor=world.office, measure=measure, title="Bänke", due_on=_days(-overdue_days))
    assert measure_monitoring(measure).state == expected
    milestone = Milestone.objects.get(measure=measure)
    program.milestone_set_done(actor=world.office, milestone=milestone, done_on=TODAY())
    assert measure_monitoring(measure).state == ON


@pytest.mark.parametrize(
    ("paid", "expected"), [("100.00", ON), ("80.00", ON), ("79.99", RISK), ("49.99", LATE)]
)
def test_spending_behind_the_plan_of_past_years(world, paid, expected):
    measure = _measure(world)
    federal, own = world.sources
    line = program.budget_line_set(
        actor=world.office, measure=measure, source=federal, year=TODAY().year - 1, planned="100.00"
    )
    # Money planned for this year and later does not count yet.
    program.budget_line_set(
        actor=world.office, measure=measure, source=own, year=TODAY().year, planned="900.00"
    )
    program.expense_book(
        actor=world.office,
        budget_line=line,
        kind=Expense.Kind.COMMITMENT,
        amount="100.00",
        booked_on=_days(-30),
        description="Auftrag",
    )
    program.expense_book(
        actor=world.office,
        budget_line=line,
        kind=Expense.Kind.PAYMENT,
        amount=paid,
        booked_on=_days(-3),
        description="Zahlung",
    )
    state = measure_monitoring(measure)
    assert state.state == expected
    if expected != ON:
        with translation.override("de"):
            assert "der für vergangene Jahre geplanten Mittel" in " ".join(
                measure_monitoring(measure).grounds
            )


@pytest.mark.parametrize("status", [MeasureStatus.DONE, MeasureStatus.PAUSED, MeasureStatus.CANCELLED])
def test_finished_paused_and_cancelled_measures_are_not_monitored(world, status):
    measure = _measure(world, status=status)
    program.milestone_add(actor=world.office, measure=measure, title="Alt", due_on=_days(-90))
    assert measure_monitoring(measure).state is None


def test_an_override_needs_a_reason_and_is_kept_in_the_history(world):
    measure = _measure(world)
    with pytest.raises(ValidationError) as error:
        program.measure_set_monitoring(actor=world.office, measure=measure, state=LATE, reason="  ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        program.measure_set_monitoring(actor=world.office, measure=measure, state="bogus", reason="x")

    program.measure_set_monitoring(actor=world.office, measure=measure, state=LATE, reason="Lieferverzug")
    state = measure_monitoring(measure)
    assert (state.state, state.computed, state.overridden, state.reason) == (LATE, ON, True, "Lieferverzug")
    event = MeasureEvent.objects.filter(measure=measure, kind=MeasureEvent.Kind.MONITORING).get()
    assert event.reason == "Lieferverzug"
    with translation.override("de"):
        assert describe(event).text == "Monitoring-Stand von Hand auf „Verspätet“ gesetzt."

    # The same again changes nothing; clearing lets the rules decide again and is recorded too.
    program.measure_set_monitoring(actor=world.office, measure=measure, state=LATE, reason="Lieferverzug")
    assert MeasureEvent.objects.filter(measure=measure, kind=MeasureEvent.Kind.MONITORING).count() == 1
    program.measure_set_monitoring(actor=world.office, measure=measure, state="", reason="")
    assert measure_monitoring(measure).state == ON
    assert MeasureEvent.objects.filter(measure=measure, kind=MeasureEvent.Kind.MONITORING).count() == 2


def test_a_lead_organization_may_not_override_the_state(world):
    measure = _measure(world)
    lead = OrganizationFactory()
    program.responsibility_add(actor=world.office, measure=measure, organization=lead, role="lead")
    member = MembershipFactory(organization=lead, since=datetime.date(2024, 1, 1)).user
    with pytest.raises(PermissionDenied):
        program.measure_set_monitoring(actor=member, measure=measure, state=LATE, reason="x")


def test_the_measure_page_shows_the_state_and_the_override(client, world):
    measure = _measure(world)
    program.milestone_add(actor=world.office, measure=measure, title="Bänke", due_on=_days(-3))
    page = text_of(client.get(measure.get_absolute_url()))
    assert german("At risk") in page
    program.measure_set_monitoring(actor=world.office, measure=measure, state=LATE, reason="Lieferverzug")
    client.force_login(world.office)
    page = text_of(client.get(measure.get_absolute_url()))
    assert german("Late") in page
    assert "Lieferverzug" in page


def test_the_override_page_keeps_the_input_and_answers_in_german(client, world):
    measure = _measure(world)
    client.force_login(world.office)
    url = f"{measure.get_absolute_url()}verwalten/monitoring/"
    response = client.post(url, {"state": LATE, "reason": ""})
    assert response.status_code == 400
    page = text_of(response)
    assert german("Please say why the state differs from the worked-out one.") in page
    assert 'value="late" selected' in page
    response = client.post(url, {"state": LATE, "reason": "Lieferverzug"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.monitoring_override, measure.monitoring_reason) == (LATE, "Lieferverzug")


def test_the_dashboard_counts_states_and_flags_running_measures_without_an_outcome_baseline(client, world):
    running = _measure(world, title="Rufbus")
    _measure(world, title="Geplant", status=MeasureStatus.PLANNED)
    program.milestone_add(actor=world.office, measure=running, title="Bänke", due_on=_days(-40))
    client.force_login(world.office)
    Indicator.objects.create(
        measure=running,
        name="Fahrten",
        unit="Anzahl",
        kind=Indicator.Kind.OUTPUT,
        baseline=Decimal(0),
        baseline_on=_days(-100),
        target=Decimal(10),
    )
    board = client.get("/programm/").context["board"].monitoring
    assert {state: count for state, _label, count in board.counts} == {ON: 1, RISK: 0, LATE: 1}
    assert [measure.title for measure, _state in board.slipping] == ["Rufbus"]
    # An output indicator is not enough; a planned measure is not flagged.
    assert [measure.title for measure in board.without_outcome] == ["Rufbus"]
    outcome = Indicator.objects.create(
        measure=running,
        name="Zufriedenheit",
        unit="%",
        kind=Indicator.Kind.OUTCOME,
        baseline=Decimal(40),
        target=Decimal(60),
    )
    assert client.get("/programm/").context["board"].monitoring.without_outcome, (
        "a baseline without a date counts as missing"
    )
    outcome.baseline_on = _days(-100)
    outcome.save()
    page = client.get("/programm/")
    assert page.context["board"].monitoring.without_outcome == []
    assert german("Every running measure has an outcome indicator with a baseline.") in text_of(page)

"""The demo program (smartregion/program/demo.py, loaded by ``seed_all``) keeps every invariant the
services and the funder demand, and makes sense on the day it is loaded."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import F, Sum
from django.utils import timezone

from smartregion.network.models import Municipality, Region
from smartregion.participation.models import IdeaStatus
from smartregion.program.models import (
    BudgetLine,
    Expense,
    FundingSource,
    IndicatorValue,
    Milestone,
    ProgramPhase,
    Responsibility,
)
from smartregion.strategy.models import Domain, Goal, IdeaLink, Measure, MeasureStatus, Strategy
from smartregion.web.demo import seed_all

from ..seeded_once import seeded_once

FEDERAL = "Bundesförderung Modellprojekte Smart Cities"
OWN_SHARE = "Eigenanteil Landkreis Mayen-Koblenz"


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    with seeded_once(django_db_blocker, seed_all) as demo:
        yield demo


@pytest.fixture
def demo(_demo, db):
    return _demo


def test_the_program_has_its_phases_and_funding_sources(demo):
    phases = list(ProgramPhase.objects.values_list("name", "kind", "starts_on", "ends_on"))
    assert phases == [
        ("Strategiephase", "strategy", datetime.date(2025, 1, 1), datetime.date(2026, 12, 31)),
        ("Umsetzungsphase", "implementation", datetime.date(2027, 1, 1), datetime.date(2027, 12, 31)),
    ]
    federal, own = FundingSource.objects.get(name=FEDERAL), FundingSource.objects.get(name=OWN_SHARE)
    assert (federal.kind, federal.amount, federal.max_rate) == (
        "federal",
        Decimal("11400000.00"),
        Decimal(65),
    )
    assert (own.kind, own.amount, own.max_rate) == ("own_share", Decimal("6100000.00"), None)


def test_about_forty_measures_cover_every_domain_and_municipality(demo):
    measures = Measure.objects.all()
    assert 38 <= measures.count() <= 42
    assert len(demo.measures) == measures.count()
    assert 4 <= Goal.objects.count() <= 6
    assert 10 <= Strategy.objects.count() <= 12
    assert set(Domain.objects.filter(measures__isnull=False).values_list("name", flat=True)) == set(
        Domain.objects.values_list("name", flat=True)
    )
    assert Domain.objects.count() == 10
    assert Municipality.objects.filter(measures__isnull=False).distinct().count() == 10
    # Some concern the whole region, some are shared by several municipalities.
    assert measures.filter(municipalities__isnull=True).count() >= 5
    shared = [m for m in measures.prefetch_related("municipalities") if len(m.municipalities.all()) >= 2]
    assert len(shared) >= 10
    # Mostly published, a few drafts.
    assert 2 <= measures.filter(is_published=False).count() <= 3
    # Every measure has a lead organization.
    led = Responsibility.objects.filter(role=Responsibility.Role.LEAD).values("measure").distinct().count()
    assert led == measures.count()


def test_the_status_mix_fits_the_end_of_the_strategy_phase(demo):
    counts = {status: Measure.objects.filter(status=status).count() for status in MeasureStatus.values}
    assert 6 <= counts["planned"] <= 10
    assert 18 <= counts["running"] <= 26
    assert 4 <= counts["done"] <= 6
    assert counts["paused"] == 2
    assert counts["cancelled"] == 1
    by_hand = Measure.objects.filter(progress_from_milestones=False).exclude(progress_reason="")
    assert by_hand.count() in (1, 2)
    assert all(m.progress == 100 for m in Measure.objects.filter(status="done"))


def test_the_money_keeps_every_invariant(demo):
    sources = {source.name: source for source in FundingSource.objects.all()}
    for source in sources.values():
        planned = BudgetLine.objects.filter(source=source).aggregate(total=Sum("planned"))["total"]
        assert source.allocated == planned
        assert source.allocated <= source.amount
    assert sources[FEDERAL].allocated <= Decimal("11400000.00")
    assert sources[OWN_SHARE].allocated <= Decimal("6100000.00")
    total = sum(source.allocated for source in sources.values())
    assert Decimal("15000000") <= total < Decimal("17500000")

    assert not BudgetLine.objects.filter(committed__gt=F("planned")).exists()
    assert set(BudgetLine.objects.values_list("year", flat=True)) <= set(range(2025, 2028))
    for line in BudgetLine.objects.all():
        assert line.planned == line.planned.quantize(Decimal(100)), "plans are whole hundreds of euros"

    for measure in Measure.objects.all():
        lines = BudgetLine.objects.filter(measure=measure)
        sums = lines.aggregate(planned=Sum("planned"), committed=Sum("committed"), spent=Sum("spent"))
        assert (measure.budget_planned, measure.budget_committed, measure.budget_spent) == (
            sums["planned"],
            sums["committed"],
            sums["spent"],
        ), measure.title
        federal = lines.filter(source__name=FEDERAL).aggregate(total=Sum("planned"))["total"]
        assert federal * 100 <= measure.budget_planned * 65, measure.title
        # Planned measures have not spent anything yet; running and done ones have.
        if measure.status == MeasureStatus.PLANNED:
            assert measure.budget_committed == 0
        if measure.status in (MeasureStatus.RUNNING, MeasureStatus.DONE):
            assert measure.budget_spent > 0, measure.title

    # Payments stay within the commitments, but for the one deliberate override that the history explains.
    over = BudgetLine.objects.filter(spent__gt=F("committed"))
    assert over.count() <= 1
    overrides = Expense.objects.exclude(override_reason="")
    assert {expense.budget_line_id for expense in overrides} == {line.pk for line in over}


def test_nothing_reported_lies_in_the_future(demo):
    today = timezone.localdate()
    assert Expense.objects.exists()
    assert not Expense.objects.filter(booked_on__gt=today).exists()
    assert Milestone.objects.filter(done_on__isnull=False).exists()
    assert not Milestone.objects.filter(done_on__gt=today).exists()
    assert not IndicatorValue.objects.filter(measured_on__gt=today).exists()

    overdue = Milestone.objects.filter(done_on__isnull=True, due_on__lt=today)
    assert overdue.count() >= 3
    assert Milestone.objects.filter(due_on__gt=today).count() > Milestone.objects.count() // 2
    for measure in Measure.objects.all():
        milestones = Milestone.objects.filter(measure=measure)
        assert 2 <= milestones.count() <= 5, measure.title
        assert measure.milestone_count == milestones.count()
        assert measure.milestone_done_count == milestones.filter(done_on__isnull=False).count()
        indicators = measure.indicators.all()
        assert 1 <= indicators.count() <= 2, measure.title
        for indicator in indicators:
            assert 1 <= indicator.values.count() <= 4, indicator.name


def test_ideas_were_taken_up_and_clara_can_see_hers(demo):
    links = IdeaLink.objects.select_related("idea", "measure")
    assert links.count() >= 10
    assert all(link.note for link in links)
    assert {link.idea.status for link in links} == {IdeaStatus.ADOPTED}
    assert all(link.measure.is_published for link in links)
    for measure in Measure.objects.all():
        assert measure.idea_count == links.filter(measure=measure).count()
    clara = links.filter(idea__author__email="clara.buerger@example.org")
    assert clara.exists()
    assert clara.first().measure.status == MeasureStatus.RUNNING


def test_money_lies_within_the_program_years(demo):
    """The region's program runs 2021 to 2027: no phase, budget line or booking lies after it."""
    region = Region.objects.get()
    assert ProgramPhase.objects.filter(ends_on__gt=region.program_end).count() == 0
    assert not BudgetLine.objects.filter(year__gt=region.program_end.year).exists()
    assert not BudgetLine.objects.filter(year__lt=region.program_start.year).exists()
    assert not Expense.objects.filter(booked_on__gt=region.program_end).exists()


def test_ideas_come_before_the_work_of_the_measures_that_took_them_up(demo):
    """A measure cannot have reached a milestone or booked money before the idea it took up existed."""
    links = IdeaLink.objects.select_related("idea", "measure")
    assert links.count() >= 10
    for link in links:
        published = timezone.localdate(link.idea.published_at)
        assert published <= timezone.localdate(link.created_at), link
        measure = link.measure
        reached = Milestone.objects.filter(measure=measure, done_on__lt=published)
        booked = Expense.objects.filter(budget_line__measure=measure, booked_on__lt=published)
        assert not reached.exists(), f"{measure.title}: milestone reached before “{link.idea.title}”"
        assert not booked.exists(), f"{measure.title}: money booked before “{link.idea.title}”"
        assert measure.status not in (MeasureStatus.DONE, MeasureStatus.CANCELLED), measure.title


def test_milestones_differ_with_what_a_measure_does(demo):
    """Not one template for all: sensors are installed, software goes online, a strategy is decided."""
    plans = {
        tuple(Milestone.objects.filter(measure=measure).order_by("due_on").values_list("title", flat=True))
        for measure in Measure.objects.all()
    }
    titles = set(Milestone.objects.values_list("title", flat=True))
    assert len(plans) >= 10
    assert {"Erste Version online", "Beschluss im Kreistag", "Personal geschult"} <= titles


def test_the_demo_shows_the_funders_side(demo):
    """Commitments for both phases, own staff effort, fund calls with receipts, and a financing plan that
    keeps the funder's rules (issue 14)."""
    from smartregion.program import selectors
    from smartregion.program.models import FundCall, FundingCommitment, StaffEffort

    assert FundingCommitment.objects.count() == 2
    assert StaffEffort.objects.exists()
    assert FundCall.objects.filter(received_on__isnull=False).exists()
    overview = selectors.grant_overview()
    assert overview.staff_effort > 0
    assert overview.breached == []
    federal = next(row for row in overview.cash if row.source.name == FEDERAL)
    assert 0 < federal.received <= federal.called <= federal.paid
    assert [deadline.phase_letter for deadline in overview.deadlines] == ["A", "B"]


def test_the_demo_has_an_adopted_agenda_2025_and_a_draft_2026_that_differ(demo):
    from django.utils import translation

    from smartregion.program import agenda
    from smartregion.program.models import AgendaSnapshot

    adopted, draft = AgendaSnapshot.objects.get(year=2025), AgendaSnapshot.objects.get(year=2026)
    assert (adopted.status, draft.status) == ("adopted", "draft")
    assert adopted.decided_by == "Kreistag Mayen-Koblenz"
    published = Measure.objects.filter(is_published=True).count()
    assert len(adopted.profiles) == len(draft.profiles) == published
    with translation.override("de"):
        comparison = agenda.compare(adopted, draft)
    topics = {label for item in comparison.measures for label, _texts in item.topics}
    # The demo reaches a milestone only when one of the changed measures has one due (it depends on the day).
    assert {"Geld", "Status"} <= topics, topics


def test_demo_indicators_follow_the_bbsr_model(demo):
    from smartregion.program.models import Indicator
    from smartregion.program.monitoring import monitoring_board

    indicators = Indicator.objects.prefetch_related("targets")
    assert indicators.filter(kind=Indicator.Kind.OUTCOME).exists()
    assert indicators.filter(kind=Indicator.Kind.OUTPUT).exists()
    assert all(indicator.targets.all() for indicator in indicators)
    # The dashboard has running measures to flag (outcome baseline without a date), and no more.
    flagged = {measure.title for measure in monitoring_board(Measure.objects.all()).without_outcome}
    assert flagged == {"Kreisweite Ehrenamtsplattform", "Coworking-Spaces in Bahnhöfen und Ortskernen"}

"""The public strategy pages: the explorer and the measure page. Who sees which measure, the figures on
the page against the sums in the database, charts without inline styles, the page cache retiring on
changes, and a fixed number of SQL queries however many measures, lines, milestones and indicators exist
(STYLE.md rule 5).

The data is built with the services, as the program office would enter it; funding sources and program
phases, which only the admin creates, directly with the ORM. Dates are relative to today.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation

from smartregion.network.models import Municipality
from smartregion.program import services as program
from smartregion.program.models import (
    BudgetLine,
    Expense,
    FundingSource,
    Indicator,
    ProgramPhase,
    Responsibility,
)
from smartregion.program.templatetags.program import euro
from smartregion.strategy import selectors
from smartregion.strategy import services as strategy
from smartregion.strategy.models import Domain, Goal, IdeaLink, Measure, Strategy

from ..factories import MembershipFactory, OrganizationFactory
from ..participation.factories import IdeaFactory
from ..participation.public_support import count_queries, german, text_of

TODAY = timezone.localdate


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


# --- Builders (tests/program/test_dashboard.py uses them too) -------------------------------------------


def make_sources() -> tuple[FundingSource, FundingSource]:
    """The program's phases around this year and two funding sources with room for many measures."""
    year = TODAY().year
    ProgramPhase.objects.create(
        name="Strategiephase",
        kind=ProgramPhase.Kind.STRATEGY,
        starts_on=datetime.date(year - 1, 1, 1),
        ends_on=datetime.date(year, 12, 31),
    )
    ProgramPhase.objects.create(
        name="Umsetzungsphase",
        kind=ProgramPhase.Kind.IMPLEMENTATION,
        starts_on=datetime.date(year + 1, 1, 1),
        ends_on=datetime.date(year + 4, 12, 31),
    )
    federal = FundingSource.objects.create(
        name="Bund",
        kind=FundingSource.Kind.FEDERAL,
        amount=Decimal("9000000.00"),
        max_rate=Decimal("65.00"),
        position=1,
    )
    own = FundingSource.objects.create(
        name="Eigenanteil", kind=FundingSource.Kind.OWN_SHARE, amount=Decimal("5000000.00"), position=2
    )
    return federal, own


def make_strategy() -> Strategy:
    goal = Goal.objects.create(title="Mobil im ländlichen Raum", slug="mobil", summary="Überall hinkommen.")
    return Strategy.objects.create(goal=goal, title="Geteilte Mobilität", slug="geteilte-mobilitaet")


@dataclass(frozen=True)
class World:
    """What measures are built in: the acting office, a strategy, domains, the sources, a municipality."""

    office: Any
    strategy: Strategy
    domains: list[Domain]
    sources: tuple[FundingSource, FundingSource]
    municipality: Municipality


def build_measure(
    world: World,
    *,
    strategy_: Strategy | None = None,
    domains: list[Domain] | None = None,
    title: str = "Mitfahrbänke",
    published: bool = True,
    municipalities: tuple[Municipality, ...] = (),
    planned: tuple[str, str] = ("600.00", "300.50"),
    booked: tuple[str, str] = ("400.00", "150.25"),
) -> Measure:
    """A measure with the lot: two budget lines (this year and the next), a commitment and a payment,
    three milestones (one reached, one overdue, one ahead), an indicator with two values and a lead
    organization."""
    office, (federal, own) = world.office, world.sources
    year = TODAY().year
    measure = strategy.measure_create(
        actor=office,
        strategy=strategy_ or world.strategy,
        title=title,
        summary="Kurz gesagt.",
        body="Ein **Netz** von Bänken.",
        domains=domains or world.domains[:1],
        municipalities=municipalities,
        is_published=published,
    )
    line = program.budget_line_set(
        actor=office, measure=measure, source=federal, year=year, planned=planned[0]
    )
    program.budget_line_set(actor=office, measure=measure, source=own, year=year + 1, planned=planned[1])
    program.expense_book(
        actor=office,
        budget_line=line,
        kind=Expense.Kind.COMMITMENT,
        amount=booked[0],
        booked_on=days(-20),
        description="Auftrag Bänke",
    )
    program.expense_book(
        actor=office,
        budget_line=line,
        kind=Expense.Kind.PAYMENT,
        amount=booked[1],
        booked_on=days(-2),
        description="Abschlag",
        document_reference="RE-1",
    )
    reached = program.milestone_add(
        actor=office, measure=measure, title="Standorte gewählt", due_on=days(-30)
    )
    program.milestone_set_done(actor=office, milestone=reached, done_on=days(-31))
    program.milestone_add(actor=office, measure=measure, title="Bänke aufgestellt", due_on=days(-5))
    program.milestone_add(actor=office, measure=measure, title="Auswertung", due_on=days(60))
    indicator = Indicator.objects.create(
        measure=measure, name="Mitfahrten", unit="pro Monat", baseline=Decimal(0), target=Decimal(200)
    )
    program.indicator_value_add(
        actor=office, indicator=indicator, measured_on=days(-40), value="12", source="Zählung"
    )
    program.indicator_value_add(
        actor=office, indicator=indicator, measured_on=days(-10), value="40.5", source="Zählung"
    )
    program.responsibility_add(actor=office, measure=measure, organization=OrganizationFactory(), role="lead")
    measure.refresh_from_db()
    return measure


def rendered_count(client: Any, url: str, **extra: Any) -> int:
    """The queries of rendering the page (the page cache would answer anonymous visitors without any)."""
    caches["pages"].clear()
    return count_queries(client, url, **extra)


def german_euro(amount: Decimal) -> str:
    with translation.override("de"):
        return euro(amount)


# --- Fixtures ----------------------------------------------------------------------------------------


@pytest.fixture
def office(make_person):
    return make_person("program_office")


@pytest.fixture
def sources(db):
    return make_sources()


@pytest.fixture
def strategy_(db):
    return make_strategy()


@pytest.fixture
def domain(db):
    return Domain.objects.create(name="Mobilität", slug="mobilitaet")


@pytest.fixture
def world(office, strategy_, domain, sources, municipality):
    return World(office, strategy_, [domain], sources, municipality)


@pytest.fixture
def measure(world, municipality):
    return build_measure(world, municipalities=(municipality,))


@pytest.fixture
def draft(world, municipality):
    return build_measure(
        world,
        title="Geheime Sensoren",
        published=False,
        municipalities=(municipality,),
        planned=("100.00", "50.00"),
        booked=("60.00", "10.00"),
    )


# --- The explorer ------------------------------------------------------------------------------------


def test_the_explorer_shows_goals_strategies_and_published_measures(client, measure, draft):
    response = client.get(reverse("strategy:explorer"))
    page = text_of(response)
    assert response.status_code == 200
    assert f'<h1 class="kern-heading-x-large">{german("Strategy")}</h1>' in page
    assert "Mobil im ländlichen Raum" in page
    assert "Geteilte Mobilität" in page
    assert f'href="{measure.get_absolute_url()}"' in page
    assert "Geheime Sensoren" not in page
    tree = response.context["tree"]
    assert tree.measure_count == 1
    assert tree.goals[0].measure_count == 1
    assert {item.status: item.count for item in tree.status_counts}["planned"] == 1


def test_the_levels_carry_the_names_the_region_gives_them(
    client, measure, region, django_capture_on_commit_callbacks
):
    # Without names of its own the region's levels are goals and strategies.
    page = text_of(client.get(reverse("strategy:explorer")))
    assert f"{german('Goal')}:</span> Mobil im ländlichen Raum" in page
    assert f"{german('Strategy')}:</span> Geteilte Mobilität" in page

    # MYK: target pictures and integrated solutions above its measures.
    region.goal_level_name, region.strategy_level_name = "Zielbild", "Integrierte Lösung"
    with django_capture_on_commit_callbacks(execute=True):
        region.save()  # the region is on every page: the cached explorer is retired
    page = text_of(client.get(reverse("strategy:explorer")))
    assert "Zielbild:</span> Mobil im ländlichen Raum" in page
    assert "Integrierte Lösung:</span> Geteilte Mobilität" in page
    detail = text_of(client.get(measure.get_absolute_url()))
    assert '<dt class="kern-description-list-item__key">Zielbild</dt>' in detail
    assert '<dt class="kern-description-list-item__key">Integrierte Lösung</dt>' in detail


@pytest.mark.usefixtures("draft")
@pytest.mark.parametrize(
    ("role", "sees_draft"), [("citizen", False), ("coordinator", True), ("program_office", True)]
)
def test_staff_see_the_unpublished_measures_they_manage_in_the_explorer(
    client, make_person, measure, role, sees_draft
):
    client.force_login(make_person(role))
    page = text_of(client.get(reverse("strategy:explorer")))
    assert ("Geheime Sensoren" in page) is sees_draft
    assert measure.title in page


def test_a_coordinator_does_not_see_other_municipalities_drafts(
    client, make_person, world, other_municipality
):
    build_measure(
        world,
        title="Fremder Entwurf",
        published=False,
        municipalities=(other_municipality,),
    )
    client.force_login(make_person("coordinator"))
    assert "Fremder Entwurf" not in text_of(client.get(reverse("strategy:explorer")))


def test_the_navigation_and_the_sitemap_lead_to_the_strategy(client, measure, draft):
    page = text_of(client.get(reverse("strategy:explorer")))
    assert f'href="{reverse("strategy:explorer")}" aria-current="page"' in page
    assert f'href="{reverse("program:dashboard")}"' in page
    sitemap = text_of(client.get(reverse("sitemap")))
    assert f"http://testserver{measure.get_absolute_url()}</loc>" in sitemap
    assert draft.get_absolute_url() not in sitemap
    assert f"http://testserver{reverse('program:dashboard')}</loc>" in sitemap


def _lead_member(measure: Measure) -> Any:
    """A current member of the measure's lead organization (who reports on it but does not plan it)."""
    lead = Responsibility.objects.get(measure=measure, role=Responsibility.Role.LEAD)
    return MembershipFactory(organization=lead.organization, since=days(-100)).user


@pytest.mark.parametrize(
    "role", ["anonymous", "citizen", "moderator", "expert", "coordinator", "program_office", "lead"]
)
def test_the_explorer_shows_what_the_rules_let_each_person_see(
    make_person, world, draft, other_municipality, role
):
    """measure_visibility asks the whole table what strategy.view_measure answers for one measure."""
    elsewhere = build_measure(world, title="Anderswo", published=False, municipalities=(other_municipality,))
    region_wide = build_measure(world, title="Kreisweit", published=False)
    published = build_measure(world, title="Öffentlich")
    person = _lead_member(elsewhere) if role == "lead" else make_person(role)
    viewer = person or AnonymousUser()
    by_rules = {m.pk for m in Measure.objects.all() if viewer.has_perm("strategy.view_measure", m)}
    assert set(selectors.measure_list(viewer=viewer).values_list("pk", flat=True)) == by_rules
    assert published.pk in by_rules
    assert (draft.pk in by_rules) is (role in ("coordinator", "program_office"))
    assert (elsewhere.pk in by_rules) is (role in ("lead", "program_office"))
    assert (region_wide.pk in by_rules) is (role == "program_office")


def test_a_lead_organization_reports_and_sees_the_history_but_does_not_plan(client, draft):
    client.force_login(_lead_member(draft))
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert response.context["may_report"] is True
    assert response.context["may_plan"] is False
    assert 'id="history-table"' in text_of(response)


# --- The measure page ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("citizen", 404),
        ("moderator", 404),
        ("expert", 404),
        ("coordinator", 200),
        ("program_office", 200),
    ],
)
def test_an_unpublished_measure_is_found_only_by_those_who_manage_it(
    client, make_person, draft, role, status
):
    person = make_person(role)
    if person is not None:
        client.force_login(person)
    assert client.get(draft.get_absolute_url()).status_code == status


def test_an_unknown_measure_is_404(client, db):
    assert client.get(reverse("strategy:measure", kwargs={"slug": "gibt-es-nicht"})).status_code == 404


def test_the_measure_page_shows_the_measure(client, measure):
    response = client.get(measure.get_absolute_url())
    page = text_of(response)
    assert response.status_code == 200
    assert f'<h1 class="kern-heading-x-large">{measure.title}</h1>' in page
    assert "<strong>Netz</strong>" in page  # body_html
    assert "Andernach" in page
    assert re.search(r'<progress max="100" value="33" aria-labelledby="progress-label">33 %</progress>', page)
    assert "Mitfahrten" in page
    assert response.context["may_plan"] is False
    assert response.context["may_report"] is False
    assert [line.year for line in response.context["budget_lines"]] == [TODAY().year, TODAY().year + 1]
    assert len(response.context["milestones"]) == 3
    assert [indicator.name for indicator in response.context["indicators"]] == ["Mitfahrten"]


def test_a_region_wide_measure_says_so(client, world):
    regional = build_measure(world, title="Regionsweit")
    response = client.get(regional.get_absolute_url())
    assert response.context["measure"].municipalities.all().count() == 0
    assert 'href="/gemeinden/' not in text_of(response)


def test_the_figures_on_the_measure_page_are_the_sums_of_its_lines(client, measure):
    page = text_of(client.get(measure.get_absolute_url()))
    sums = BudgetLine.objects.filter(measure=measure).aggregate(
        planned=Sum("planned"), committed=Sum("committed"), spent=Sum("spent")
    )
    assert sums == {"planned": Decimal("900.50"), "committed": Decimal("400.00"), "spent": Decimal("150.25")}
    footer = page.split('<tfoot class="kern-table__footer">', 1)[1].split("</tfoot>", 1)[0]
    for amount in sums.values():
        assert german_euro(amount) in footer
    assert "900,50\u00a0€" in footer
    expenses = page.split('id="expenses-table"', 1)[1].split("</table>", 1)[0]
    assert german_euro(Decimal("150.25")) in expenses
    assert "RE-1" in expenses


def test_milestones_are_marked_done_overdue_or_open(client, measure):
    response = client.get(measure.get_absolute_url())
    states = [(item.milestone.title, item.state) for item in response.context["milestone_items"]]
    assert states == [("Standorte gewählt", "done"), ("Bänke aufgestellt", "overdue"), ("Auswertung", "open")]
    assert text_of(response).count("sr-milestone--overdue") == 1


def test_charts_are_drawn_without_inline_styles_and_come_with_tables(client, measure):
    page = text_of(client.get(measure.get_absolute_url()))
    assert "style=" not in page
    assert "<script>" not in page
    charts = page.count('<div class="sr-chart" aria-hidden="true">')
    assert charts == 2  # the money and the one indicator
    assert page.count("<caption") >= charts
    bar = r'<rect class="sr-bar--(?:planned|committed|spent|value|baseline|target)" x="0" y="0" '
    widths = re.findall(bar + r'width="([^"]+)"', page)
    assert widths
    assert all(0 <= float(width) <= 100 for width in widths)
    assert "100.0" in widths


def test_only_public_linked_ideas_are_listed(client, office, measure):
    public = IdeaFactory(title="Bänke an Bushaltestellen")
    strategy.idea_link(actor=office, measure=measure, idea=public, note="Aufgegriffen in Phase 1")
    hidden = IdeaFactory(title="Versteckte Idee", status="hidden")
    IdeaLink.objects.create(measure=measure, idea=hidden)
    page = text_of(client.get(measure.get_absolute_url()))
    ideas = page.split('id="ideas"', 1)[1].split("</section>", 1)[0]
    assert f'href="{public.get_absolute_url()}"' in ideas
    assert "Aufgegriffen in Phase 1" in ideas
    assert "Versteckte Idee" not in page


@pytest.mark.parametrize(
    "case",
    [
        ("anonymous", False, False),
        ("citizen", False, False),
        ("coordinator", True, True),
        ("program_office", True, True),
    ],
)
def test_the_history_and_the_management_are_for_staff_only(client, make_person, measure, case):
    role, history, manage = case
    person = make_person(role)
    if person is not None:
        client.force_login(person)
    response = client.get(measure.get_absolute_url())
    assert ('id="history-table"' in text_of(response)) is history
    assert (response.context["may_plan"] or response.context["may_report"]) is manage
    assert ("strategy/_measure_manage.html" in [t.name for t in response.templates]) is manage


def test_the_history_reads_as_german_sentences_with_german_amounts(client, office, measure, sources):
    """No internal keys ("committed: 50000.00", "expense: 408"); creating a milestone is not "changed"."""
    line = program.budget_line_set(
        actor=office, measure=measure, source=sources[0], year=TODAY().year, planned="60000.00"
    )
    program.expense_book(
        actor=office,
        budget_line=line,
        kind=Expense.Kind.COMMITMENT,
        amount="49600.00",
        booked_on=days(-1),
        description="Auftrag",
    )
    client.force_login(office)
    html = text_of(client.get(measure.get_absolute_url()))
    table = html[html.index('id="history-table"') :]
    for internal in ("committed:", "spent:", "expense:", "measured_on", "due_on", "done_on", "planned:"):
        assert internal not in table
    year = TODAY().year
    assert (
        f"Mittelbindung über 49.600,00\u00a0€ aus „Bund“ {year} gebucht. "
        "Gebunden jetzt 50.000,00\u00a0€ (vorher 400,00\u00a0€)."
    ) in table
    # A payment says its amount and its document (build_measure books 150,25 € with document RE-1).
    assert f"Zahlung über 150,25\u00a0€ aus „Bund“ {year} gebucht (Beleg RE-1)." in table
    assert re.search(r"Geplant aus „[^“]+“ für \d{4}: 60\.000,00\u00a0€ \(vorher [\d.,]+\u00a0€\)\.", table)
    assert "Meilenstein angelegt" in table
    assert "Meilenstein „Standorte gewählt“ am" in table
    assert "Meilenstein geändert" not in table
    assert re.search(r"„Mitfahrten“ am [^:]+: 40,5\.", table)


def test_changes_retire_the_cached_page(client, office, measure, sources, django_capture_on_commit_callbacks):
    url = measure.get_absolute_url()
    assert german_euro(Decimal("900.50")) in text_of(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):  # pages are retired when the change commits
        program.budget_line_set(
            actor=office, measure=measure, source=sources[0], year=TODAY().year, planned="700.00"
        )
    assert german_euro(Decimal("1000.50")) in text_of(client.get(url))


# --- Query counts --------------------------------------------------------------------------------------


def grow(world: World) -> None:
    """20 more measures of every shape: in other goals, domains, region-wide, unpublished."""
    domains = [*world.domains, Domain.objects.create(name="Bildung", slug="bildung")]
    for index in range(20):
        build_measure(
            world,
            strategy_=world.strategy if index % 2 else make_second_strategy(index),
            domains=domains[: 1 + index % 2],
            title=f"Maßnahme {index}",
            published=index % 3 != 0,
            municipalities=(world.municipality,) if index % 2 else (),
            planned=("10.00", "5.00"),
            booked=("6.00", "1.00"),
        )


def make_second_strategy(index: int) -> Strategy:
    goal = Goal.objects.create(title=f"Ziel {index}", slug=f"ziel-{index}")
    return Strategy.objects.create(goal=goal, title=f"Strategie {index}", slug=f"strategie-{index}")


def _grow_measure(world: World, measure: Measure) -> None:
    """More lines, bookings, milestones, indicators with values, organizations and history on one page."""
    office, sources, year = world.office, world.sources, TODAY().year
    for offset in range(2, 5):
        for source in sources:
            line = program.budget_line_set(
                actor=office, measure=measure, source=source, year=year + offset, planned="20.00"
            )
            program.expense_book(
                actor=office,
                budget_line=line,
                kind=Expense.Kind.COMMITMENT,
                amount="5.00",
                booked_on=days(-1),
                description="Mehr",
            )
    for index in range(20):
        program.milestone_add(
            actor=office, measure=measure, title=f"Schritt {index}", due_on=days(index - 10)
        )
        indicator = Indicator.objects.create(
            measure=measure, name=f"Kennzahl {index}", unit="Stück", baseline=Decimal(1), target=Decimal(9)
        )
        program.indicator_value_add(
            actor=office, indicator=indicator, measured_on=days(-3), value="4", source="Amt"
        )
        program.indicator_value_add(
            actor=office, indicator=indicator, measured_on=days(-2), value="5", source="Amt"
        )
        program.responsibility_add(
            actor=office, measure=measure, organization=OrganizationFactory(), role="partner"
        )
        strategy.idea_link(actor=office, measure=measure, idea=IdeaFactory(), note=f"Notiz {index}")


@pytest.mark.parametrize("role", ["anonymous", "citizen", "coordinator", "program_office"])
@pytest.mark.usefixtures("measure")
def test_the_explorer_makes_a_fixed_number_of_queries(client, make_person, world, role):
    person = make_person(role)
    if person is not None:
        client.force_login(person)
    url = reverse("strategy:explorer")
    client.get(url)
    before = rendered_count(client, url)
    grow(world)
    after = rendered_count(client, url)
    assert after == before, f"{before} queries, then {after} with 20 more measures"


@pytest.mark.parametrize("role", ["anonymous", "coordinator", "program_office"])
def test_the_measure_page_makes_a_fixed_number_of_queries(client, make_person, world, measure, role):
    person = make_person(role)
    if person is not None:
        client.force_login(person)
    url = measure.get_absolute_url()
    client.get(url)
    before = rendered_count(client, url)
    grow(world)
    _grow_measure(world, measure)
    after = rendered_count(client, url)
    assert after == before, f"{before} queries, then {after} with 20 more of everything"

"""The program dashboard: the figures are the sums of the measures the viewer may see (the public: the
published ones), a measure in several domains or municipalities counts in full under each, the funding
rate is flagged above a source's highest rate, and the page makes a fixed number of queries however many
measures there are (STYLE.md rule 5)."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import translation

from smartregion.program import services as program
from smartregion.program.models import BudgetLine
from smartregion.program.templatetags.program import euro
from smartregion.strategy.models import Domain

from ..participation.public_support import german, text_of
from ..strategy.test_pages import (
    TODAY,
    World,
    build_measure,
    german_euro,
    grow,
    make_sources,
    make_strategy,
    rendered_count,
)

URL = "/programm/"


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
def domains(db):
    return (
        Domain.objects.create(name="Mobilität", slug="mobilitaet", position=1),
        Domain.objects.create(name="Energie", slug="energie", position=2),
    )


@pytest.fixture
def world(office, strategy_, domains, sources, municipality):
    return World(office, strategy_, list(domains), sources, municipality)


@pytest.fixture
def measures(world, domains, municipality, other_municipality):
    """Three published measures (one in two domains and two municipalities, one region-wide) and a draft."""
    mobility, energy = domains
    return {
        "both": build_measure(
            world,
            domains=[mobility, energy],
            title="Mitfahrbänke",
            municipalities=(municipality, other_municipality),
        ),
        "mobility": build_measure(
            world,
            domains=[mobility],
            title="Rufbus",
            municipalities=(municipality,),
            planned=("1000.00", "500.00"),
        ),
        "region": build_measure(world, domains=[energy], title="Sensoren", planned=("2000.00", "1234567.89")),
        "draft": build_measure(
            world,
            domains=[energy],
            title="Entwurf",
            published=False,
            planned=("100.00", "50.00"),
            booked=("60.00", "10.00"),
        ),
    }


def _sums(**filters):
    return BudgetLine.objects.filter(**filters).aggregate(
        planned=Sum("planned"), committed=Sum("committed"), spent=Sum("spent")
    )


def test_the_url_and_the_euro_filter():
    assert reverse("program:dashboard") == URL
    with translation.override("de"):
        assert euro(Decimal("1234567.89")) == "1.234.567,89\u00a0€"
        assert euro(Decimal(0)) == "0,00\u00a0€"
    with translation.override("en"):
        assert euro(Decimal("1234567.89")) == "1,234,567.89\u00a0€"


def test_the_public_dashboard_counts_the_published_measures(client, measures):
    response = client.get(URL)
    assert response.status_code == 200
    page = text_of(response)
    assert f'<h1 class="kern-heading-x-large">{german("The program in figures")}</h1>' in page
    assert "style=" not in page
    board = response.context["board"]
    assert board.includes_unpublished is False
    expected = _sums(measure__is_published=True)
    assert (board.total.planned, board.total.committed, board.total.spent) == (
        expected["planned"],
        expected["committed"],
        expected["spent"],
    )
    assert expected["planned"] == Decimal("600.00") + Decimal("300.50") + Decimal("1500.00") + Decimal(
        "1236567.89"
    )
    for kind in ("planned", "committed", "spent"):
        assert f'id="total-{kind}">{german_euro(expected[kind])}<' in page
    assert board.measure_count == 3
    assert "Entwurf" not in page


def test_the_office_sees_every_measure_in_the_figures(client, office, measures):
    client.force_login(office)
    board = client.get(URL).context["board"]
    assert board.includes_unpublished is True
    assert board.total.planned == _sums()["planned"]
    assert board.measure_count == 4
    # For the office every budget line counts, so a source's planned money is what it has allocated.
    for row in board.sources:
        row.source.refresh_from_db()
        assert row.amounts.planned == row.source.allocated


def test_sources_and_years_add_up_to_the_total(client, measures, sources):
    board = client.get(URL).context["board"]
    federal, own = sources
    by_source = {row.source.pk: row for row in board.sources}
    assert (
        by_source[federal.pk].amounts.planned == _sums(measure__is_published=True, source=federal)["planned"]
    )
    assert (
        by_source[own.pk].available == own.amount - _sums(measure__is_published=True, source=own)["planned"]
    )
    assert sum((row.amounts.planned for row in board.sources), Decimal(0)) == board.total.planned
    year = TODAY().year
    assert [row.label for row in board.years] == [str(year), str(year + 1)]
    assert sum((row.amounts.spent for row in board.years), Decimal(0)) == board.total.spent


def test_a_measure_counts_in_full_under_each_of_its_domains_and_municipalities(client, measures):
    response = client.get(URL)
    board = response.context["board"]
    both = measures["both"]
    domains = {row.label: row for row in board.domains}
    assert domains["Mobilität"].amounts.planned == both.budget_planned + measures["mobility"].budget_planned
    assert domains["Energie"].amounts.planned == both.budget_planned + measures["region"].budget_planned
    assert domains["Mobilität"].measure_count == 2
    # Counted in full under each domain, the rows exceed the total, and the page says so.
    assert sum((row.amounts.planned for row in board.domains), Decimal(0)) > board.total.planned
    assert 'id="domains-note"' in text_of(response)
    places = {row.label: row for row in board.municipalities}
    assert places["Andernach"].amounts.planned == both.budget_planned + measures["mobility"].budget_planned
    assert places["Mendig"].amounts.planned == both.budget_planned
    regional = board.municipalities[-1]
    assert regional.measure_count == 1
    assert regional.amounts.planned == measures["region"].budget_planned
    assert regional.amounts.spent == measures["region"].budget_spent


def test_the_funding_rate_is_flagged_above_the_highest_rate(
    client, office, measures, sources, django_capture_on_commit_callbacks
):
    board = client.get(URL).context["board"]
    federal, own = sources
    rates = {row.source.pk: row for row in board.sources}
    expected = (rates[federal.pk].amounts.planned * 100 / board.total.planned).quantize(Decimal("0.01"))
    assert rates[federal.pk].rate == expected
    assert rates[federal.pk].over_rate is False  # mostly own share so far
    assert rates[own.pk].over_rate is False  # no limit
    with django_capture_on_commit_callbacks(execute=True):  # the cached page is retired on commit
        program.budget_line_set(
            actor=office,
            measure=measures["region"],
            source=federal,
            year=TODAY().year + 2,
            planned="5000000.00",
        )
    response = client.get(URL)
    board = response.context["board"]
    assert {row.source.pk: row.over_rate for row in board.sources} == {federal.pk: True, own.pk: False}
    rates_table = text_of(response).split('id="rates-table"', 1)[1].split("</table>", 1)[0]
    assert rates_table.count("kern-badge--danger") == 1


def test_statuses_and_overdue_milestones(client, office, measures):
    response = client.get(URL)
    board = response.context["board"]
    assert {status: count for status, _label, count in board.statuses}["planned"] == 3
    # Each measure has one overdue milestone; the draft's stays with the staff.
    assert sorted(milestone.measure.title for milestone in board.overdue) == [
        "Mitfahrbänke",
        "Rufbus",
        "Sensoren",
    ]
    assert all(milestone.due_on < TODAY() and milestone.done_on is None for milestone in board.overdue)
    client.force_login(office)
    assert len(client.get(URL).context["board"].overdue) == 4


def test_the_dashboard_needs_no_data(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["board"].total.planned == Decimal(0)


@pytest.mark.usefixtures("measures")
@pytest.mark.parametrize("role", ["anonymous", "citizen", "coordinator", "program_office"])
def test_the_dashboard_makes_a_fixed_number_of_queries(client, make_person, world, role):
    person = make_person(role)
    if person is not None:
        client.force_login(person)
    client.get(URL)
    before = rendered_count(client, URL)
    grow(world)
    Domain.objects.create(name="Gesundheit", slug="gesundheit")
    after = rendered_count(client, URL)
    assert after == before, f"{before} queries, then {after} with 20 more measures"


def test_money_never_becomes_float(client, measures):
    board = client.get(URL).context["board"]
    values = [board.total.planned, board.source_amount, board.available]
    values += [row.amounts.planned for row in board.domains + board.municipalities + board.years]
    assert all(isinstance(value, Decimal) for value in values)
    assert isinstance(board.sources[0].rate, Decimal)


def test_a_change_retires_the_cached_dashboard(
    client, office, measures, sources, django_capture_on_commit_callbacks
):
    before = client.get(URL).context["board"].total.planned
    assert german_euro(before) in text_of(client.get(URL))  # now from the page cache
    with django_capture_on_commit_callbacks(execute=True):  # retired when the change commits
        program.budget_line_set(
            actor=office,
            measure=measures["mobility"],
            source=sources[1],
            year=TODAY().year + 2,
            planned="1.00",
        )
    assert german_euro(before + 1) in text_of(client.get(URL))

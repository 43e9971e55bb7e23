"""The funder report: an Excel workbook and a CSV of the budget lines, for the program office only, in a
fixed number of queries."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from smartregion.program import services
from smartregion.program.models import BudgetLine, Expense, Indicator
from tests.conftest import ROLES

SHEETS = ("Measures", "Budget", "Expenses", "Milestones", "Indicators", "Grant", "Funder report")


def _fill(measure, office, sources):
    """Budget in two sources, a commitment and a payment, a reached milestone and an indicator value."""
    federal, own = sources
    line = services.budget_line_set(actor=office, measure=measure, source=federal, year=2026, planned="20.00")
    services.budget_line_set(actor=office, measure=measure, source=own, year=2026, planned="10.00")
    day = timezone.localdate() - datetime.timedelta(days=3)
    services.expense_book(
        actor=office,
        budget_line=line,
        kind="commitment",
        amount="15.00",
        booked_on=day,
        description="Auftrag",
    )
    services.expense_book(
        actor=office, budget_line=line, kind="payment", amount="5.50", booked_on=day, description="Rechnung"
    )
    milestone = services.milestone_add(actor=office, measure=measure, title="Pilot gestartet", due_on=day)
    services.milestone_set_done(actor=office, milestone=milestone, done_on=day)
    services.milestone_add(actor=office, measure=measure, title="Verspätet", due_on=day)
    indicator = Indicator.objects.create(
        measure=measure, name="Bänke", unit="Stück", baseline=Decimal(0), target=Decimal(40)
    )
    services.indicator_value_add(
        actor=office, indicator=indicator, measured_on=day, value=3, source="Zählung"
    )


@pytest.fixture
def office(make_person):
    return make_person("program_office")


@pytest.fixture
def filled(program, make_measure, office):
    measure = make_measure(title="Mitfahrbänke mit digitaler Anzeige")
    _fill(measure, office, program)
    return measure


def _sheet_names(book: zipfile.ZipFile) -> list[str]:
    workbook = book.read("xl/workbook.xml").decode()
    return [part.split('"')[0] for part in workbook.split('<sheet name="')[1:]]


def test_office_downloads_the_workbook_with_seven_sheets(client, office, filled):
    client.force_login(office)

    response = client.get(reverse("program:report_xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="programmbericht-{today}.xlsx"'
    book = zipfile.ZipFile(io.BytesIO(response.content))
    worksheets = [name for name in book.namelist() if name.startswith("xl/worksheets/sheet")]
    assert len(worksheets) == 7
    with translation.override("de"):
        assert _sheet_names(book) == [_(name) for name in SHEETS]
    strings = book.read("xl/sharedStrings.xml").decode()
    assert "Mitfahrbänke mit digitaler Anzeige" in strings
    assert "Pilot gestartet" in strings
    # Money is written as numbers with a EUR format, not as text.
    assert "20.00" not in strings
    assert "€" in book.read("xl/styles.xml").decode()
    budget = book.read("xl/worksheets/sheet2.xml").decode()
    assert "<v>20</v>" in budget
    assert "<v>15</v>" in budget


def test_the_workbook_names_the_strategy_levels_as_the_region_does(client, office, filled):
    from smartregion.network.models import Region

    region = Region.objects.get()
    region.goal_level_name, region.strategy_level_name = "Zielbild", "Integrierte Lösung"
    region.save()
    client.force_login(office)
    book = zipfile.ZipFile(io.BytesIO(client.get(reverse("program:report_xlsx")).content))
    strings = book.read("xl/sharedStrings.xml").decode()
    assert "<t>Zielbild</t>" in strings
    assert "<t>Integrierte Lösung</t>" in strings


@pytest.mark.parametrize("role", [role for role in ROLES if role not in ("anonymous", "program_office")])
@pytest.mark.parametrize("name", ["program:report_xlsx", "program:report_csv", "program:report_pdf"])
def test_others_are_refused(client, make_person, filled, role, name):
    client.force_login(make_person(role))

    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["program:report_xlsx", "program:report_csv"])
def test_anonymous_visitors_are_sent_to_sign_in(client, filled, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_csv_has_a_header_and_one_row_per_budget_line(client, office, filled, program, make_measure):
    _fill(make_measure(title="=Zweite Maßnahme"), office, program)
    client.force_login(office)

    response = client.get(reverse("program:report_csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith(f'-{timezone.localdate().isoformat()}.csv"')
    assert response.content.startswith("\ufeff".encode())
    rows = [row.split(";") for row in response.content.decode("utf-8-sig").split("\r\n") if row]
    with translation.override("de"):
        header = [_(name) for name in ("Measure", "Funding source", "Year")]
        header += [_("Planned (EUR)"), _("Committed (EUR)"), _("Spent (EUR)")]
    assert rows[0] == header
    assert len(rows) == 1 + BudgetLine.objects.count() == 5
    federal = program[0].name
    assert ["Mitfahrbänke mit digitaler Anzeige", federal, "2026", "20,00", "15,00", "5,50"] in rows
    # A title a spreadsheet would run as a formula stays text.
    assert ["'=Zweite Maßnahme", federal, "2026", "20,00", "15,00", "5,50"] in rows


@pytest.mark.usefixtures("filled")
@pytest.mark.parametrize("name", ["program:report_xlsx", "program:report_csv"])
def test_queries_do_not_grow_with_the_measures(client, office, program, make_measure, name):
    client.force_login(office)
    client.get(reverse(name))  # warm up: session, permissions

    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    for number in range(20):
        _fill(make_measure(title=f"Maßnahme {number}"), office, program)
    assert Expense.objects.count() == 42
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(name))

    assert response.status_code == 200
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]

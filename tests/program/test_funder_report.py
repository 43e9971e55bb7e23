"""The funder report pack (issue 14): golden figures of the grant header and of the rows per measure, year
and source (cell values, not bytes), the computed deadlines, the PDF summary, and a fixed number of
queries at 1x and 10x the measures."""

import datetime
import io
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from smartregion.accounts.models import Role
from smartregion.program import services
from smartregion.program.models import FundingCommitment, ProgramPhase, StaffRole

PAST = datetime.date(2026, 1, 15)
D = Decimal


@pytest.fixture
def office(make_person):
    return make_person(Role.PROGRAM_OFFICE)


@pytest.fixture
def role(db):
    return StaffRole.objects.create(name="Projektleitung (E 13)", hourly_rate=D("72.50"))


@pytest.fixture
def commitments(program):
    federal, _own = program
    strategy, implementation = ProgramPhase.objects.order_by("starts_on")
    FundingCommitment.objects.create(
        phase=strategy, source=federal, number="ZB 436-A-0117", committed_on=datetime.date(2024, 11, 14)
    )
    FundingCommitment.objects.create(
        phase=implementation, source=federal, number="ZB 436-B-0342", committed_on=datetime.date(2026, 10, 22)
    )


def fill(office, program, role, measure):
    federal, own = program
    line = services.budget_line_set(actor=office, measure=measure, source=federal, year=2026, planned="65.00")
    services.budget_line_set(actor=office, measure=measure, source=own, year=2026, planned="35.00")
    services.budget_line_set(actor=office, measure=measure, source=federal, year=2027, planned="10.00")
    services.expense_book(
        actor=office,
        budget_line=line,
        kind="commitment",
        amount="65.00",
        booked_on=PAST,
        description="Auftrag",
    )
    payment = services.expense_book(
        actor=office, budget_line=line, kind="payment", amount="40.00", booked_on=PAST, description="Rechnung"
    )
    services.staff_effort_book(
        actor=office, measure=measure, role=role, month=PAST, hours="2.5", description="Steuerung"
    )
    services.fund_call_create(
        actor=office, source=federal, called_on=PAST, amount="26.00", payments=[payment]
    )


def workbook(client):
    response = client.get(reverse("program:report_xlsx"), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def values(sheet):
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def day(year, month, date):
    return datetime.datetime(year, month, date)  # noqa: DTZ001 - openpyxl reads a date cell as a naive datetime


def test_the_grant_header_names_commitment_program_phase_period_rate_and_deadline(
    client, office, commitments
):
    client.force_login(office)

    sheet = workbook(client)["Zuwendung"]

    assert values(sheet) == [
        [
            "ZB 436-A-0117",
            "Modellprojekte Smart Cities",
            "A – Strategiephase",
            day(2025, 1, 1),
            day(2026, 12, 31),
            65,
            day(2024, 11, 14),
            day(2027, 5, 14),  # 30 months
        ],
        [
            "ZB 436-B-0342",
            "Modellprojekte Smart Cities",
            "B – Umsetzungsphase",
            day(2027, 1, 1),
            day(2031, 12, 31),
            65,
            day(2026, 10, 22),
            day(2032, 4, 22),  # 5 years and 6 months
        ],
    ]


def test_the_rows_per_measure_year_and_source_add_up(  # noqa: PLR0917 - fixtures
    client, office, program, role, commitments, make_measure
):
    fill(office, program, role, make_measure(title="Mitfahrbänke"))
    client.force_login(office)

    sheet = workbook(client)["Förderbericht"]

    # Golden rows: planned, committed, paid, own staff effort (2.5 h at 72.50), paid and called, deadline.
    assert values(sheet) == [
        ["Mitfahrbänke", 2026, "Bund", 65, 65, 40, 0, 40, day(2027, 5, 14)],
        ["Mitfahrbänke", 2026, "Eigenanteil", 35, 0, 0, 0, 0, day(2027, 5, 14)],
        ["Mitfahrbänke", 2026, "Eigenleistungen", 0, 0, 0, 181.25, 0, day(2027, 5, 14)],
        ["Mitfahrbänke", 2027, "Bund", 10, 0, 0, 0, 0, day(2032, 4, 22)],
    ]
    totals = [sum(row[column] for row in values(sheet)) for column in range(3, 8)]
    assert totals == [110, 65, 40, 181.25, 40]


def test_the_pdf_summary_reads_as_the_funder_expects(  # noqa: PLR0917 - fixtures
    client, office, program, role, commitments, make_measure, tmp_path
):
    fill(office, program, role, make_measure(title="Mitfahrbänke"))
    client.force_login(office)

    response = client.get(reverse("program:report_pdf"), HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "bericht.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(  # noqa: S603 - a fixed command on a file this test wrote
        ["/usr/bin/pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Förderbericht" in text
    assert "ZB 436-A-0117" in text
    assert "14.05.27" in text or "14.05.2027" in text
    assert "181,25" in text  # own staff effort
    assert "Maßnahmen, die eine Regel verletzen" in text


@pytest.mark.parametrize("name", ["program:report_xlsx", "program:report_pdf"])
def test_the_pack_makes_a_fixed_number_of_queries(  # noqa: PLR0917 - fixtures
    client, office, program, role, commitments, make_measure, name
):
    federal, _own = program
    type(federal).objects.update(amount=D("100000.00"))
    client.force_login(office)
    fill(office, program, role, make_measure(title="Erste"))
    client.get(reverse(name))

    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    for number in range(10):
        fill(office, program, role, make_measure(title=f"Maßnahme {number}"))
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(name)).status_code == 200

    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]

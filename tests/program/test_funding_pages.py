"""The pages of the funder's rules (issue 14): who may book own staff effort and call funds (a role by
state matrix), the forms answer wrong input in German and keep it, the dashboard shows the office the
cash and the deadlines, and the pages make a fixed number of queries however many measures there are."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from smartregion.accounts.models import Role
from smartregion.program import services
from smartregion.program.models import (
    FundCall,
    FundingCommitment,
    FundingSource,
    ProgramPhase,
    StaffEffort,
    StaffRole,
)

from ..participation.public_support import count_queries, german, text_of
from .test_permissions_matrix import REPORT, ROLES, STATES, scenario  # noqa: F401 - the fixture

PAST = datetime.date(2026, 1, 15)
Y, N = True, False


# --- Role by state ---------------------------------------------------------------------------------------

OFFICE_ONLY = {role: role == "program_office" for role in ROLES}


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [(role, state, REPORT[role][i]) for role in ROLES for i, state in enumerate(STATES)],
)
def test_who_books_own_staff_effort_is_who_reports_on_the_measure(scenario, role, state, expected):  # noqa: F811
    user, measure = scenario(role, state)
    assert user.has_perm("program.book_staff_effort", measure) is expected


@pytest.mark.parametrize("perm", ["program.call_funds", "program.view_grant"])
@pytest.mark.parametrize("role", ROLES)
def test_fund_calls_and_the_grant_are_the_offices(scenario, perm, role):  # noqa: F811
    user, _measure = scenario(role, "published")
    assert user.has_perm(perm) is OFFICE_ONLY[role]


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("citizen", 403), ("coordinator", 403), ("expert", 403), ("program_office", 200)],
)
def test_the_fund_call_page_is_the_offices(client, signed_in, program, role, status):
    signed_in(role)
    assert client.get(reverse("program:fund_calls")).status_code == status
    assert client.post(reverse("program:fund_calls"), {"amount": "1"}).status_code in {status, 400}
    assert not FundCall.objects.exists()


# --- Forms ---------------------------------------------------------------------------------------------


@pytest.fixture
def office(make_person):
    return make_person(Role.PROGRAM_OFFICE)


@pytest.fixture
def role(db):
    return StaffRole.objects.create(name="Projektleitung (E13)", hourly_rate=Decimal("72.50"))


def test_the_office_books_staff_effort_wrong_input_first(client, office, role, make_measure):
    measure = make_measure()
    client.force_login(office)
    url = reverse("strategy:measure_action", args=[measure.slug, "eigenleistung"])
    data = {"role": role.pk, "month": "13.2026", "hours": "zwölf", "description": "Workshop mit den Kommunen"}

    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 400
    page = text_of(response)
    assert german("Please give the month as MM.YYYY, for example 03.2026.") in page
    assert 'value="zwölf"' in page
    assert "Workshop mit den Kommunen" in page
    assert not StaffEffort.objects.exists()

    response = client.post(url, data | {"month": "01.2026", "hours": "12,5"}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 302
    effort = StaffEffort.objects.get()
    assert (effort.month, effort.hours, effort.amount) == (
        datetime.date(2026, 1, 1),
        Decimal("12.50"),
        Decimal("906.25"),
    )
    page = text_of(client.get(measure.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de"))
    assert "906,25" in page
    assert german("Funder's rules") in page


def test_a_lead_organization_member_books_but_does_not_see_the_grant(client, scenario, role):  # noqa: F811
    user, measure = scenario("lead_member", "published")
    client.force_login(user)
    url = reverse("strategy:measure_action", args=[measure.slug, "eigenleistung"])
    response = client.post(url, {"role": role.pk, "month": "2026-01", "hours": "2", "description": "Zählung"})
    assert response.status_code == 302
    page = text_of(client.get(measure.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de"))
    assert "Zählung" in page
    assert 'id="foerderregeln"' not in page


def _payments(office, program, make_measure, count=2):
    federal, _own = program
    measure = make_measure()
    line = services.budget_line_set(
        actor=office, measure=measure, source=federal, year=2026, planned="900.00"
    )
    services.expense_book(
        actor=office,
        budget_line=line,
        kind="commitment",
        amount="900.00",
        booked_on=PAST,
        description="Auftrag",
    )
    return [
        services.expense_book(
            actor=office,
            budget_line=line,
            kind="payment",
            amount="100.00",
            booked_on=PAST,
            description=f"R {n}",
        )
        for n in range(count)
    ]


def test_the_office_records_a_fund_call_and_its_receipt_wrong_input_first(
    client, office, program, make_measure
):
    federal, _own = program
    payments = _payments(office, program, make_measure)
    client.force_login(office)
    url = reverse("program:fund_calls")
    data = {
        "source": federal.pk,
        "called_on": "2026-01-20",
        "amount": "250,00",
        "payments": [p.pk for p in payments],
        "reference": "MA-2026-01",
    }

    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 400
    page = text_of(response)
    assert (
        german(
            "The chosen payments add up to %(covered)s; the call cannot ask for more.", covered="200,00 EUR"
        )
        in page
    )
    assert 'value="250,00"' in page
    assert 'value="MA-2026-01"' in page
    assert not FundCall.objects.exists()

    assert client.post(url, data | {"amount": "130,00"}).status_code == 302
    fund_call = FundCall.objects.get()
    receipt = reverse("program:fund_call_receive", args=[fund_call.pk])
    response = client.post(receipt, {"received_on": "2026-01-10", "amount": "130"}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    assert german("The money cannot arrive before it was called.") in text_of(response)
    assert client.post(receipt, {"received_on": "2026-01-30", "amount": "130"}).status_code == 302
    fund_call.refresh_from_db()
    assert fund_call.received_amount == Decimal("130.00")
    assert client.get(reverse("program:fund_call_receive", args=[fund_call.pk + 99])).status_code == 404


# --- The dashboard ------------------------------------------------------------------------------------


def test_the_public_dashboard_shows_no_grant_figures(client, program):
    page = text_of(client.get(reverse("program:dashboard")))
    assert 'id="kassenlage"' not in page
    assert 'id="fristen"' not in page


def test_the_office_sees_cash_and_the_deadline_countdown(client, office, program, make_measure):
    federal, _own = program
    strategy_phase = ProgramPhase.objects.order_by("starts_on").first()
    committed_on = timezone.localdate() - datetime.timedelta(days=800)
    FundingCommitment.objects.create(
        phase=strategy_phase, source=federal, number="KfW-436-A", committed_on=committed_on
    )
    payments = _payments(office, program, make_measure)
    services.fund_call_create(
        actor=office, source=federal, called_on=PAST, amount="130.00", payments=payments
    )
    client.force_login(office)

    response = client.get(reverse("program:dashboard"), HTTP_ACCEPT_LANGUAGE="de")

    grant = response.context["grant"]
    (deadline,) = grant.deadlines
    assert deadline.days_left == (deadline.due_on - timezone.localdate()).days
    page = text_of(response)
    assert "KfW-436-A" in page
    assert f'data-countdown="{deadline.days_left}"' in page
    cash = next(row for row in grant.cash if row.source == federal)
    assert (cash.paid, cash.called, cash.outstanding) == (
        Decimal("200.00"),
        Decimal("130.00"),
        Decimal("130.00"),
    )


def _grow(office, program, make_measure, role, n):
    """``n`` measures with budget, payments, own staff effort, and a fund call for their payments."""
    federal, own = program
    FundingSource.objects.filter(pk__in=[federal.pk, own.pk]).update(amount=Decimal("1000000.00"))
    federal.refresh_from_db()
    own.refresh_from_db()
    payments = []
    for index in range(n):
        measure = make_measure(title=f"Maßnahme {index}", published=index % 2 == 0)
        line = services.budget_line_set(
            actor=office, measure=measure, source=federal, year=2026, planned="80.00"
        )
        services.budget_line_set(
            actor=office, measure=measure, source=own, year=2026, planned="20.00", eligible=index % 3 != 0
        )
        services.expense_book(
            actor=office, budget_line=line, kind="commitment", amount="80.00", booked_on=PAST, description="A"
        )
        payments.append(
            services.expense_book(
                actor=office,
                budget_line=line,
                kind="payment",
                amount="40.00",
                booked_on=PAST,
                description="Z",
            )
        )
        services.staff_effort_book(
            actor=office, measure=measure, role=role, month=PAST, hours="1", description="x"
        )
    services.fund_call_create(actor=office, source=federal, called_on=PAST, amount="1.00", payments=payments)


@pytest.mark.parametrize(
    "url",
    ["/programm/", "/programm/mittelabrufe/"],
)
def test_office_pages_make_a_fixed_number_of_queries(client, office, program, make_measure, role, url):  # noqa: PLR0917 - fixtures
    strategy_phase, implementation = ProgramPhase.objects.order_by("starts_on")
    federal, _own = program
    FundingCommitment.objects.create(phase=strategy_phase, source=federal, number="A", committed_on=PAST)
    client.force_login(office)
    _grow(office, program, make_measure, role, 1)
    client.get(url)
    before = count_queries(client, url)
    _grow(office, program, make_measure, role, 10)
    FundingCommitment.objects.create(phase=implementation, source=federal, number="B", committed_on=PAST)
    after = count_queries(client, url)
    assert after == before, f"{before} queries, then {after} with 10 more measures"

"""The funder's rules (issue 14): eligible costs with own staff effort, the combination and rate checks,
fund calls and their receipts, the proof-of-use deadlines and their reminders (with a moving clock)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from smartregion.accounts.models import Role
from smartregion.participation.models import Notification
from smartregion.program import selectors, services, tasks
from smartregion.program.models import (
    DeadlineReminder,
    Expense,
    FundCall,
    FundingCommitment,
    FundingSource,
    ProgramPhase,
    StaffEffort,
    StaffRole,
)

D = Decimal
PAST = datetime.date(2026, 1, 15)


@pytest.fixture
def office(make_person):
    return make_person(Role.PROGRAM_OFFICE)


@pytest.fixture
def sources(program):
    federal, own = program
    other = FundingSource.objects.create(
        name="Land RLP", kind=FundingSource.Kind.OTHER_PUBLIC, amount=D("1000.00")
    )
    third = FundingSource.objects.create(
        name="Stadtwerke", kind=FundingSource.Kind.THIRD_PARTY, amount=D("1000.00")
    )
    return {"federal": federal, "own": own, "other": other, "third": third}


@pytest.fixture
def role(db):
    return StaffRole.objects.create(name="Projektleitung (E13)", hourly_rate=D("72.50"))


@pytest.fixture
def measure(make_measure):
    return make_measure()


def plan(office, measure, source, amount, *, year=2026, eligible=True):
    return services.budget_line_set(
        actor=office, measure=measure, source=source, year=year, planned=amount, eligible=eligible
    )


def reasons(check) -> dict[str, str]:
    return {breach.rule: breach.reason for breach in check.breaches}


# --- Eligible costs and the checks ------------------------------------------------------------------------


def test_own_staff_effort_counts_in_the_eligible_costs_and_the_own_share(office, sources, role, measure):
    plan(office, measure, sources["federal"], "650.00")
    plan(office, measure, sources["own"], "100.00")
    services.staff_effort_book(
        actor=office, measure=measure, role=role, month=PAST, hours="3.45", description="Steuerung"
    )

    check = selectors.measure_grant(measure)

    # 3.45 h at 72.50 EUR = 250.125, rounded half up to 250.13 EUR.
    assert check.staff_effort == D("250.13")
    assert check.eligible == D("1000.13")
    assert check.own == D("350.13")
    assert check.breaches == []


def test_federal_money_above_the_rate_is_flagged_with_the_reason(office, sources, measure):
    plan(office, measure, sources["federal"], "700.00")
    plan(office, measure, sources["own"], "300.00")

    with translation.override("de"):
        check = selectors.measure_grant(measure)
    found = reasons(check)

    # The grant's excess of 50 EUR stands where the own share should: both rules are broken.
    assert set(found) == {"rate", "own_share"}
    assert found["rate"] == (
        "„Bund“ zahlt 700,00\u00a0€, mehr als 65 % der förderfähigen Kosten (höchstens 650,00\u00a0€)."
    )


def test_the_emergency_rate_applies_in_budget_emergency(office, sources, measure):
    federal = sources["federal"]
    FundingSource.objects.filter(pk=federal.pk).update(emergency_rate=D("90.00"), budget_emergency=True)
    plan(office, measure, federal, "900.00")
    plan(office, measure, sources["own"], "100.00")

    assert selectors.measure_grant(measure).breaches == []

    FundingSource.objects.filter(pk=federal.pk).update(budget_emergency=False)
    assert set(reasons(selectors.measure_grant(measure))) == {"rate", "own_share"}


def test_other_public_money_may_take_the_own_share_but_not_exceed_the_eligible_costs(
    office, sources, measure
):
    plan(office, measure, sources["federal"], "650.00")
    plan(office, measure, sources["other"], "350.00")
    # Eligible 1000: the grant pays its 65 %, other public money the rest, no own share is needed.
    assert selectors.measure_grant(measure).breaches == []

    plan(office, measure, sources["third"], "150.00", year=2027, eligible=False)
    with translation.override("de"):
        check = selectors.measure_grant(measure)
    # The third party pays costs the funder does not recognise: still money from outside, 1150 for
    # eligible costs of 1000.
    assert check.non_eligible == D("150.00")
    assert reasons(check) == {
        "combined": "Bundesmittel, andere öffentliche Mittel und Drittmittel (1.150,00 €) übersteigen "
        "die förderfähigen Kosten (1.000,00 €)."
    }


def test_federal_money_replacing_the_own_share_is_flagged(office, sources, measure):
    plan(office, measure, sources["federal"], "650.00")
    plan(office, measure, sources["own"], "100.00")
    plan(office, measure, sources["own"], "200.00", year=2027, eligible=False)

    with translation.override("de"):
        found = reasons(selectors.measure_grant(measure))

    # Eligible 750 EUR: the grant may pay 487,50, and 262,50 stay the own share; 650 federal is over the
    # rate, and the own share on eligible costs (100; the 200 for other costs do not count) is too small.
    assert set(found) == {"rate", "own_share"}
    assert found["own_share"] == (
        "Der Eigenanteil (100,00 €) liegt unter den 262,50 €, die Bundesmittel nicht ersetzen dürfen."
    )


def test_federal_money_on_costs_that_are_not_eligible_is_flagged(office, sources, measure):
    plan(office, measure, sources["federal"], "55.00")
    plan(office, measure, sources["own"], "45.00")
    plan(office, measure, sources["federal"], "10.00", year=2027, eligible=False)

    with translation.override("de"):
        found = reasons(selectors.measure_grant(measure))

    assert found == {"non_eligible": "Bundesmittel (10,00 €) sind für nicht förderfähige Kosten geplant."}


# --- Own staff effort -------------------------------------------------------------------------------------


def test_staff_effort_keeps_the_rate_of_its_month(office, role, measure):
    effort = services.staff_effort_book(
        actor=office, measure=measure, role=role, month=PAST, hours="10", description="Workshop"
    )
    StaffRole.objects.filter(pk=role.pk).update(hourly_rate=D("80.00"))

    effort.refresh_from_db()
    assert (effort.month, effort.hourly_rate, effort.amount) == (
        datetime.date(2026, 1, 1),
        D("72.50"),
        D("725.00"),
    )


@pytest.mark.parametrize(
    ("hours", "field", "message"),
    [
        ("viel", "hours", "Bitte geben Sie die Stunden als Zahl an, zum Beispiel 7,5."),
        ("0", "hours", "Bitte geben Sie mehr als null Stunden an."),
        ("-3", "hours", "Bitte geben Sie mehr als null Stunden an."),
        ("1.234", "hours", "Bitte geben Sie die Stunden mit höchstens zwei Nachkommastellen an."),
        ("745", "hours", "Ein Monat hat höchstens 744 Stunden; bitte buchen Sie weniger."),
    ],
)
def test_staff_effort_refuses_bad_hours_in_german(office, role, measure, hours, field, message):  # noqa: PLR0917
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        services.staff_effort_book(
            actor=office, measure=measure, role=role, month=PAST, hours=hours, description="x"
        )
    assert refused.value.message_dict == {field: [message]}
    assert not StaffEffort.objects.exists()


def test_staff_effort_refuses_a_future_month_an_inactive_role_and_no_description(office, role, measure):
    future = timezone.localdate().replace(day=28) + datetime.timedelta(days=10)
    with translation.override("de"):
        with pytest.raises(ValidationError, match=re.escape("Dieser Monat liegt in der Zukunft.")):
            services.staff_effort_book(
                actor=office, measure=measure, role=role, month=future, hours="1", description="x"
            )
        with pytest.raises(ValidationError, match=re.escape("Bitte sagen Sie, was getan wurde.")):
            services.staff_effort_book(
                actor=office, measure=measure, role=role, month=PAST, hours="1", description="  "
            )
        StaffRole.objects.filter(pk=role.pk).update(is_active=False)
        with pytest.raises(ValidationError, match=re.escape("Diese Rolle kann nicht mehr gebucht werden.")):
            services.staff_effort_book(
                actor=office, measure=measure, role=role, month=PAST, hours="1", description="x"
            )
    assert not StaffEffort.objects.exists()


# --- Fund calls ------------------------------------------------------------------------------------------


@pytest.fixture
def payments(office, sources, measure):
    """Three payments from the federal grant (100, 200, 300 EUR) and one from the own share (50 EUR)."""
    federal_line = plan(office, measure, sources["federal"], "650.00")
    own_line = plan(office, measure, sources["own"], "350.00")
    for line, amount in ((federal_line, "650.00"), (own_line, "350.00")):
        services.expense_book(
            actor=office,
            budget_line=line,
            kind="commitment",
            amount=amount,
            booked_on=PAST,
            description="Auftrag",
        )
    booked = [
        services.expense_book(
            actor=office,
            budget_line=federal_line,
            kind="payment",
            amount=amount,
            booked_on=PAST,
            description=f"Rechnung {amount}",
        )
        for amount in ("100.00", "200.00", "300.00")
    ]
    booked.append(
        services.expense_book(
            actor=office,
            budget_line=own_line,
            kind="payment",
            amount="50.00",
            booked_on=PAST,
            description="Eigen",
        )
    )
    return booked


def call(office, source, payments, amount, day=PAST):
    return services.fund_call_create(
        actor=office, source=source, called_on=day, amount=amount, payments=payments
    )


def test_a_fund_call_covers_payments_and_its_receipt_shows_in_the_cash_position(office, sources, payments):
    first = call(office, sources["federal"], payments[:2], "195.00")
    call(office, sources["federal"], payments[2:3], "195.00")
    services.fund_call_receive(actor=office, fund_call=first, received_on=PAST, amount="195.00")

    row = next(row for row in selectors.cash_position() if row.source == sources["federal"])
    assert (row.paid, row.called, row.received, row.outstanding) == (
        D("600.00"),
        D("390.00"),
        D("195.00"),
        D("195.00"),
    )
    assert row.not_called == D("0.00")
    assert row.position == D("-405.00")


@pytest.mark.parametrize(
    ("which", "amount", "field", "message"),
    [
        (
            "other_source",
            "10.00",
            "payments",
            "Bitte wählen Sie nur Zahlungen aus „Bund“, die noch kein Mittelabruf abdeckt.",
        ),
        ("none", "10.00", "payments", "Bitte wählen Sie die Zahlungen, die dieser Abruf abdeckt."),
        (
            "first",
            "100.01",
            "amount",
            "Die gewählten Zahlungen ergeben 100,00 EUR; der Abruf kann nicht mehr anfordern.",
        ),
        ("first", "0", "amount", "Bitte geben Sie einen Betrag größer als null an."),
    ],
)
def test_a_fund_call_refuses_what_it_cannot_cover(office, sources, payments, which, amount, field, message):  # noqa: PLR0917
    chosen = {"other_source": payments[3:], "none": [], "first": payments[:1]}[which]
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        call(office, sources["federal"], chosen, amount)
    assert refused.value.message_dict == {field: [message]}
    assert not FundCall.objects.exists()


def test_a_payment_is_called_once_and_not_before_it_was_made(office, sources, payments):
    call(office, sources["federal"], payments[:1], "65.00")
    with translation.override("de"):
        with pytest.raises(ValidationError, match=re.escape("noch kein Mittelabruf abdeckt")):
            call(office, sources["federal"], payments[:2], "65.00")
        with pytest.raises(ValidationError, match=re.escape("nicht vor der Zahlung vom 15.01.2026")):
            call(office, sources["federal"], payments[1:2], "65.00", day=datetime.date(2026, 1, 14))
    assert FundCall.objects.count() == 1


def test_a_receipt_is_recorded_once_and_within_the_call(office, sources, payments):
    fund_call = call(office, sources["federal"], payments[:1], "65.00")
    with translation.override("de"):
        with pytest.raises(ValidationError, match=re.escape("Nur 65,00 EUR wurden abgerufen")):
            services.fund_call_receive(actor=office, fund_call=fund_call, received_on=PAST, amount="65.01")
        with pytest.raises(ValidationError, match=re.escape("kann nicht vor dem Abruf eingehen")):
            services.fund_call_receive(
                actor=office, fund_call=fund_call, received_on=datetime.date(2026, 1, 1), amount="65.00"
            )
        services.fund_call_receive(actor=office, fund_call=fund_call, received_on=PAST, amount="60.00")
        with pytest.raises(ValidationError, match=re.escape("bereits am 15.01.2026 erfasst")):
            services.fund_call_receive(actor=office, fund_call=fund_call, received_on=PAST, amount="5.00")
    fund_call.refresh_from_db()
    assert fund_call.received_amount == D("60.00")


# --- Deadlines and reminders ----------------------------------------------------------------------------


@pytest.fixture
def commitments(program):
    federal, _own = program
    strategy, implementation = ProgramPhase.objects.order_by("starts_on")
    return (
        FundingCommitment.objects.create(
            phase=strategy, source=federal, number="KfW-436-A-0815", committed_on=datetime.date(2024, 8, 31)
        ),
        FundingCommitment.objects.create(
            phase=implementation,
            source=federal,
            number="KfW-436-B-4711",
            committed_on=datetime.date(2026, 3, 1),
        ),
    )


def test_proof_of_use_is_due_30_months_after_a_and_66_months_after_b(commitments):
    strategy, implementation = commitments
    # 31 August 2024 + 30 months: February 2027 has no 31st, its last day counts.
    assert selectors.proof_due(strategy) == datetime.date(2027, 2, 28)
    assert selectors.proof_due(implementation) == datetime.date(2031, 9, 1)
    assert selectors.add_months(datetime.date(2023, 8, 31), 6) == datetime.date(2024, 2, 29)


def test_the_reminder_steps():
    assert [tasks.reminder_step(days) for days in (200, 91, 90, 31, 30, 8, 7, 0, -1)] == [
        None, None, 90, 90, 30, 30, 7, 7, 0,
    ]  # fmt: skip


def test_each_reminder_goes_out_once_as_the_clock_moves(
    commitments, office, make_person, django_capture_on_commit_callbacks
):
    strategy, _implementation = commitments  # due 28 February 2027
    make_person(Role.COORDINATOR)  # not the office: told nothing
    due = selectors.proof_due(strategy)
    sent = []
    with django_capture_on_commit_callbacks(execute=True):
        for days_before in range(120, -3, -1):
            today = due - datetime.timedelta(days=days_before)
            sent.append((days_before, tasks.deadline_reminders_send(today=today)))
            tasks.deadline_reminders_send(today=today)  # a second run the same day sends nothing
    assert [days for days, count in sent if count] == [90, 30, 7, -1]
    assert sorted(DeadlineReminder.objects.values_list("days_before", flat=True)) == [0, 7, 30, 90]
    assert len(mail.outbox) == 4
    assert {tuple(message.to) for message in mail.outbox} == {(office.email,)}
    notes = list(Notification.objects.filter(kind=Notification.Kind.GRANT_DEADLINE).order_by("pk"))
    assert [note.user_id for note in notes] == [office.pk] * 4
    assert "KfW-436-A-0815" in mail.outbox[0].subject
    assert "überfällig" in mail.outbox[-1].subject.casefold() or "überfällig" in notes[-1].message


def test_no_reminder_once_the_proof_is_submitted(commitments, office):
    strategy, _implementation = commitments
    FundingCommitment.objects.filter(pk=strategy.pk).update(proof_submitted_on=datetime.date(2027, 1, 1))
    assert tasks.deadline_reminders_send(today=datetime.date(2027, 2, 27)) == 0
    assert tasks.deadline_reminders_send(today=datetime.date(2028, 1, 1)) == 0


def test_a_late_first_run_sends_only_the_step_reached(commitments, office):
    _strategy, _implementation = commitments
    assert tasks.deadline_reminders_send(today=datetime.date(2027, 2, 25)) == 1
    assert list(DeadlineReminder.objects.values_list("days_before", flat=True)) == [7]
    assert tasks.deadline_reminders_send(today=datetime.date(2027, 2, 26)) == 0


# --- Who may ------------------------------------------------------------------------------------------


def test_services_ask_the_rules(make_person, sources, role, measure, payments):
    citizen = make_person("citizen")
    with pytest.raises(PermissionDenied):
        services.staff_effort_book(
            actor=citizen, measure=measure, role=role, month=PAST, hours="1", description="x"
        )
    with pytest.raises(PermissionDenied):
        call(citizen, sources["federal"], payments[:1], "1.00")
    coordinator = make_person(Role.COORDINATOR)  # coordinates the measure's municipality
    services.staff_effort_book(
        actor=coordinator, measure=measure, role=role, month=PAST, hours="1", description="x"
    )
    with pytest.raises(PermissionDenied):
        call(coordinator, sources["federal"], payments[:1], "1.00")
    assert Expense.objects.filter(fund_call_payment__isnull=False).count() == 0

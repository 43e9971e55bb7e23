"""Reminders (program/reminders.py) with a moving clock: which reminder fires on which day, each exactly
once per cause and person, in-app and by e-mail, to the lead organization's members and the coordinators
of the measure's municipalities; and the office's weekly digest, once per ISO week."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from smartregion.accounts.models import Role
from smartregion.participation.models import Notification
from smartregion.program import reminders
from smartregion.program import services as program
from smartregion.program.models import Indicator, ProgramReminder
from smartregion.strategy import services as strategy
from smartregion.strategy.models import Domain, MeasureStatus

from ..factories import MembershipFactory, OrganizationFactory, RoleGrantFactory, UserFactory
from ..strategy.test_pages import TODAY, make_sources, make_strategy

DAY = datetime.timedelta(days=1)


@pytest.fixture
def setup(db, make_person, municipality):
    make_sources()
    office = make_person("program_office")
    domain = Domain.objects.create(name="Mobilität", slug="mobilitaet")
    measure = strategy.measure_create(
        actor=office,
        strategy=make_strategy(),
        title="Rufbus",
        summary="Kurz.",
        body="",
        domains=[domain],
        municipalities=(municipality,),
        is_published=True,
    )
    program.measure_set_status(actor=office, measure=measure, status=MeasureStatus.RUNNING)
    lead = OrganizationFactory()
    program.responsibility_add(actor=office, measure=measure, organization=lead, role="lead")
    member = MembershipFactory(organization=lead, since=datetime.date(2024, 1, 1)).user
    former = MembershipFactory(
        organization=lead, since=datetime.date(2024, 1, 1), until=datetime.date(2024, 12, 31)
    ).user
    coordinator = UserFactory()
    RoleGrantFactory(user=coordinator, role=Role.COORDINATOR, municipality=municipality)
    bystander = UserFactory()
    return {
        "office": office,
        "measure": measure,
        "member": member,
        "former": former,
        "coordinator": coordinator,
        "bystander": bystander,
    }


def _run(day: datetime.date, capture) -> list[str]:
    """One daily run on ``day``: the causes it sent, each once per recipient."""
    before = set(ProgramReminder.objects.values_list("pk", flat=True))
    with capture(execute=True):
        reminders.reminders_send(today=day)
    return sorted(
        ProgramReminder.objects.exclude(pk__in=before).values_list("cause", flat=True).order_by("cause")
    )


def _kinds(causes: list[str]) -> list[str]:
    return sorted(cause.split(":")[0] for cause in causes)


@override_settings(MEASURE_STALE_DAYS=60)
def test_each_reminder_fires_once_on_its_day(setup, django_capture_on_commit_callbacks):
    office, measure = setup["office"], setup["measure"]
    base = TODAY()
    milestone = program.milestone_add(actor=office, measure=measure, title="Bänke", due_on=base + 20 * DAY)
    mail.outbox.clear()

    # Today: 20 days ahead is not due yet, the measure just changed; nothing.
    assert _run(base, django_capture_on_commit_callbacks) == []
    # 14 days before: "due", to the member and the coordinator (not the former member, not the office).
    assert _kinds(_run(base + 6 * DAY, django_capture_on_commit_callbacks)) == ["due", "due"]
    recipients = set(ProgramReminder.objects.values_list("user", flat=True))
    assert recipients == {setup["member"].pk, setup["coordinator"].pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([setup["member"].email, setup["coordinator"].email])
    assert "Bänke" in mail.outbox[0].body
    assert measure.get_absolute_url() in mail.outbox[0].body
    # The following days, and a second run on the same day: nothing again.
    assert _run(base + 6 * DAY, django_capture_on_commit_callbacks) == []
    assert _run(base + 7 * DAY, django_capture_on_commit_callbacks) == []
    assert _run(base + 20 * DAY, django_capture_on_commit_callbacks) == []
    # The day after the due date: "late", once.
    assert _kinds(_run(base + 21 * DAY, django_capture_on_commit_callbacks)) == ["late", "late"]
    assert _run(base + 22 * DAY, django_capture_on_commit_callbacks) == []
    # Reached: nothing more about it, and a milestone moved to a new date is a new cause.
    program.milestone_set_done(actor=office, milestone=milestone, done_on=base)
    assert _run(base + 23 * DAY, django_capture_on_commit_callbacks) == []
    # 61 days without a change (the last change was today): "stale" once; a new change restarts it.
    assert _kinds(_run(base + 61 * DAY, django_capture_on_commit_callbacks)) == ["stale", "stale"]
    assert _run(base + 62 * DAY, django_capture_on_commit_callbacks) == []
    assert len(mail.outbox) == 6
    # In-app: one notification per reminder, pointing at the measure, already mailed (no digest repeat).
    notes = Notification.objects.filter(user=setup["member"], kind=Notification.Kind.MEASURE_REMINDER)
    assert notes.count() == 3
    assert {note.measure_id for note in notes} == {measure.pk}
    assert all(note.emailed_at is not None for note in notes)
    assert not Notification.objects.filter(user__in=[setup["former"], setup["bystander"], office]).exists()


@pytest.mark.parametrize(
    ("cadence", "day", "period"),
    [
        (Indicator.Cadence.MONTHLY, datetime.date(2026, 3, 5), "2026-02"),
        (Indicator.Cadence.QUARTERLY, datetime.date(2026, 4, 2), "2026-Q1"),
        (Indicator.Cadence.QUARTERLY, datetime.date(2026, 1, 2), "2025-Q4"),
        (Indicator.Cadence.YEARLY, datetime.date(2026, 1, 10), "2025"),
    ],
)
def test_an_indicator_value_is_due_per_its_cadence(
    setup, django_capture_on_commit_callbacks, cadence, day, period
):
    measure = setup["measure"]
    indicator = Indicator.objects.create(
        measure=measure,
        name="Fahrten",
        unit="Anzahl",
        baseline=Decimal(0),
        target=Decimal(10),
        cadence=cadence,
    )
    causes = [c for c in _run(day, django_capture_on_commit_callbacks) if c.startswith("value:")]
    assert causes == [f"value:{indicator.pk}:{period}"] * 2
    assert [c for c in _run(day + DAY, django_capture_on_commit_callbacks) if c.startswith("value:")] == []


def test_a_value_recorded_in_the_period_means_nothing_is_due(setup, django_capture_on_commit_callbacks):
    measure, office = setup["measure"], setup["office"]
    indicator = Indicator.objects.create(
        measure=measure,
        name="Fahrten",
        unit="Anzahl",
        baseline=Decimal(0),
        target=Decimal(10),
        cadence=Indicator.Cadence.MONTHLY,
    )
    first_of_month = TODAY().replace(day=1)
    last_month = first_of_month - DAY
    program.indicator_value_add(
        actor=office, indicator=indicator, measured_on=last_month, value="4", source="Zählung"
    )
    assert [c for c in _run(TODAY(), django_capture_on_commit_callbacks) if c.startswith("value:")] == []


def test_paused_measures_get_no_reminders(setup, django_capture_on_commit_callbacks):
    office, measure = setup["office"], setup["measure"]
    program.milestone_add(actor=office, measure=measure, title="Bänke", due_on=TODAY() + 3 * DAY)
    program.measure_set_status(actor=office, measure=measure, status=MeasureStatus.PAUSED, reason="Pause")
    assert _run(TODAY() + 5 * DAY, django_capture_on_commit_callbacks) == []


@override_settings(PROGRAM_DIGEST_WEEKDAY=0)
def test_the_weekly_digest_goes_to_the_office_once_per_week(setup, django_capture_on_commit_callbacks):
    office, measure = setup["office"], setup["measure"]
    monday = TODAY() - datetime.timedelta(days=TODAY().weekday())
    program.milestone_add(actor=office, measure=measure, title="Bänke", due_on=monday - 3 * DAY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.digest_send(today=monday) == 1
        assert reminders.digest_send(today=monday + DAY) == 0
        assert reminders.digest_send(today=monday + 6 * DAY) == 0
    assert [m.to for m in mail.outbox] == [[office.email]]
    body = mail.outbox[0].body
    assert "Rufbus" in body
    assert "Bänke" in body
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.digest_send(today=monday + 7 * DAY) == 1


@override_settings(PROGRAM_DIGEST_WEEKDAY=2)
def test_the_digest_waits_for_its_weekday(setup):
    monday = TODAY() - datetime.timedelta(days=TODAY().weekday())
    assert reminders.digest_send(today=monday) == 0
    assert reminders.digest_send(today=monday + DAY) == 0
    assert reminders.digest_send(today=monday + 2 * DAY) == 1


def test_the_daily_command_runs_both(setup, django_capture_on_commit_callbacks):
    program.milestone_add(
        actor=setup["office"], measure=setup["measure"], title="Bänke", due_on=TODAY() + 2 * DAY
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_program_reminders", stdout=io.StringIO())
    assert ProgramReminder.objects.filter(cause__startswith="due:").count() == 2


def test_a_persons_reminders_are_in_her_export_and_go_with_her_account(
    setup, django_capture_on_commit_callbacks
):
    from smartregion.accounts import services as accounts

    office, measure, member = setup["office"], setup["measure"], setup["member"]
    program.milestone_add(actor=office, measure=measure, title="Bänke", due_on=TODAY() + 14 * DAY)
    _run(TODAY(), django_capture_on_commit_callbacks)

    exported = accounts.personal_data_export(user=member)["program_reminders"]
    assert [(entry["measure"], entry["cause"].split(":")[0]) for entry in exported] == [("Rufbus", "due")]
    assert "Bänke" in exported[0]["message"]
    assert accounts.personal_data_export(user=setup["bystander"])["program_reminders"] == []

    accounts.account_delete(user=member)
    assert not ProgramReminder.objects.filter(user=member).exists()
    assert ProgramReminder.objects.filter(user=setup["coordinator"]).exists()

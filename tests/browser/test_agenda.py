"""The Digitale Agenda in the browser: the office adopts the year's agenda (after a refused, empty try),
changes a measure, freezes the next year and compares the two; a member of a lead organization gets a
reminder in-app, follows it to the measure and records the indicator value. axe checks every page."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from smartregion.accounts.demo import DEMO_PASSWORD
from smartregion.accounts.models import User
from smartregion.network.models import Membership
from smartregion.program import reminders
from smartregion.program import services as program
from smartregion.program.models import AgendaSnapshot, Indicator, IndicatorValue, Responsibility
from smartregion.program.monitoring import measure_monitoring
from smartregion.strategy.models import Measure, MeasureStatus
from smartregion.web.demo import DemoData

from .support import AxeAudit, sign_in, submit
from .test_account_lifecycle import german

pytestmark = pytest.mark.browser

OFFICE = "paul.programmbuero@example.org"
LEAD = "lena.leitung@example.org"


def test_the_office_adopts_changes_and_compares_and_a_lead_records_its_indicator(
    page: Page, demo_data: DemoData
) -> None:
    audit = AxeAudit()
    office = User.objects.get(email=OFFICE)
    sign_in(page, OFFICE, DEMO_PASSWORD)
    page.goto(reverse("program:agenda_list"))
    audit.check(page)
    page.locator("main a", has_text="Digitale Agenda 2026").first.click()
    page.wait_for_load_state()
    audit.check(page)
    with page.expect_navigation():
        page.locator("main a", has_text=german("Adopt the Digitale Agenda")).click()
    audit.check(page)
    # Nothing filled in: German errors, nothing adopted.
    submit(page)
    expect(page.locator("main [aria-invalid='true']").first).to_be_visible()
    audit.check(page)
    assert AgendaSnapshot.objects.get(year=2026).status == "draft"
    page.locator("input[name=decided_by]").fill("Kreistag Mayen-Koblenz")
    page.locator("input[name=decided_on]").fill(timezone.localdate().isoformat())
    page.locator("input[name=decision_reference]").fill("Drucksache 2026/201")
    submit(page)
    expect(page.locator("#agenda-decision")).to_contain_text("Drucksache 2026/201")
    assert AgendaSnapshot.objects.get(year=2026).status == "adopted"
    audit.check(page)

    # Change a measure: set its monitoring state by hand, with a reason.
    measure = (
        Measure.objects.filter(is_published=True, status=MeasureStatus.RUNNING).order_by("title").first()
    )
    assert measure is not None
    page.goto(measure.get_absolute_url())
    with page.expect_navigation():
        page.locator("#verwalten a", has_text=german("Set the monitoring state")).click()
    # A state other than the worked-out one, so that the two agendas differ in it.
    current = measure_monitoring(measure).state
    chosen, label = ("on_track", "Im Plan") if current == "late" else ("late", "Verspätet")
    page.locator("select[name=state]").select_option(chosen)
    submit(page)
    expect(page.locator("main [aria-invalid='true']").first).to_be_visible()
    audit.check(page)
    page.locator("input[name=reason]").fill("Ausschreibung ohne Angebot, neue Runde im Frühjahr")
    submit(page)
    expect(page.locator("main")).to_contain_text("Ausschreibung ohne Angebot")
    audit.check(page)

    # Freeze next year's draft and compare it with the adopted agenda.
    page.goto(reverse("program:agenda_list"))
    page.locator("input[name=year]").fill("2027")
    submit(page, page.locator("main form[action$='/agenda/neu/']"))
    expect(page.locator("main h1")).to_have_text("Digitale Agenda 2027")
    with page.expect_navigation():
        page.locator("main a", has_text=german("Compare with %(year)s") % {"year": 2026}).click()
    changes = page.locator("#changes")
    expect(changes).to_contain_text(measure.title)
    expect(changes).to_contain_text(f"Monitoring „{label}“")
    audit.check(page)
    # The PDF for the council is there.
    response = page.request.get(reverse("program:agenda_pdf", args=[2026]))
    assert response.ok
    assert response.body().startswith(b"%PDF")

    # A member of the measure's lead organization gets a reminder and records the value.
    lead_org = (
        Responsibility.objects.filter(measure=measure, role=Responsibility.Role.LEAD).get().organization
    )
    lead = User.objects.create_user(email=LEAD, password=DEMO_PASSWORD, display_name="Lena Leitung")
    EmailAddress.objects.create(user=lead, email=LEAD, verified=True, primary=True)
    Membership.objects.create(user=lead, organization=lead_org, since=datetime.date(2024, 1, 1))
    indicator = Indicator.objects.filter(measure=measure).order_by("pk").first()
    assert indicator is not None
    program.milestone_add(
        actor=office,
        measure=measure,
        title="Abnahme",
        due_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    assert reminders.reminders_send() > 0
    page.context.clear_cookies()
    sign_in(page, LEAD, DEMO_PASSWORD)
    page.goto(reverse("participation:notifications"))
    reminder = page.locator("main a", has_text="Abnahme")
    expect(reminder).to_be_visible()
    audit.check(page)
    with page.expect_navigation():
        reminder.click()
    expect(page.locator("main h1")).to_have_text(measure.title)
    with page.expect_navigation():
        page.locator("#verwalten a", has_text=german("Record an indicator value")).click()
    audit.check(page)
    page.locator("select[name=indicator]").select_option(str(indicator.pk))
    page.locator("input[name=measured_on]").fill(timezone.localdate().isoformat())
    page.locator("input[name=value]").fill("viele")
    page.locator("input[name=source]").fill("Zählung der Projektleitung")
    submit(page)
    expect(page.locator("#id_value_error")).to_be_visible()
    expect(page.locator("input[name=source]")).to_have_value("Zählung der Projektleitung")
    audit.check(page)
    page.locator("input[name=value]").fill("42")
    submit(page)
    assert IndicatorValue.objects.filter(indicator=indicator, measured_on=timezone.localdate()).exists()
    audit.check(page)
    audit.assert_clean()

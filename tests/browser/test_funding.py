"""The funder's rules in the browser (issue 14): the office books own staff effort and a fund call, each
with wrong input first (a German error, the input kept, nothing stored), then sees the cash position and
the proof-of-use countdown on the dashboard. axe checks every page and error state on the way."""

from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from smartregion.accounts.demo import DEMO_PASSWORD
from smartregion.accounts.models import User
from smartregion.program import services
from smartregion.program.models import BudgetLine, FundCall, FundingSource, StaffEffort
from smartregion.web.demo import DemoData

from .support import AxeAudit, sign_in, submit
from .test_account_lifecycle import german

pytestmark = pytest.mark.browser

OFFICE = "paul.programmbuero@example.org"


def test_office_books_staff_effort_and_a_fund_call_and_sees_cash_and_deadlines(
    page: Page, demo_data: DemoData
) -> None:
    audit = AxeAudit()
    office = User.objects.get(email=OFFICE)
    federal = FundingSource.objects.get(kind=FundingSource.Kind.FEDERAL)
    # A fresh federal payment no fund call covers yet, on a line with room in its commitment.
    line = (
        BudgetLine.objects.filter(source=federal, committed__gt=F("spent") + 100)
        .select_related("measure")
        .order_by("pk")
        .first()
    )
    assert line is not None
    payment = services.expense_book(
        actor=office,
        budget_line=line,
        kind="payment",
        amount="100.00",
        booked_on=timezone.localdate(),
        description="Rechnung Testlauf",
    )
    measure = line.measure
    efforts_before = StaffEffort.objects.count()

    sign_in(page, OFFICE, DEMO_PASSWORD)
    page.goto(measure.get_absolute_url())
    with page.expect_navigation():
        page.locator("#verwalten a", has_text=german("Book own staff effort")).click()
    audit.check(page)
    page.locator("select[name=role]").select_option(index=1)
    page.locator("input[name=month]").fill(timezone.localdate().strftime("%Y-%m"))
    page.locator("input[name=hours]").fill("zwölf")
    page.locator("input[name=description]").fill("Abstimmung mit der Verbandsgemeinde")
    submit(page)
    expect(page.locator("#id_hours_error")).to_contain_text("Bitte geben Sie die Stunden als Zahl an")
    expect(page.locator("input[name=hours]")).to_have_value("zwölf")
    expect(page.locator("input[name=description]")).to_have_value("Abstimmung mit der Verbandsgemeinde")
    assert StaffEffort.objects.count() == efforts_before
    audit.check(page)
    page.locator("input[name=hours]").fill("12,5")
    submit(page)
    assert StaffEffort.objects.count() == efforts_before + 1
    expect(page.locator("#eigenleistungen")).to_contain_text("Abstimmung mit der Verbandsgemeinde")
    expect(page.locator("#foerderregeln")).to_be_visible()
    audit.check(page)

    page.goto(reverse("program:fund_calls"))
    audit.check(page)
    calls_before = FundCall.objects.count()
    form = page.locator("main form")
    form.locator("select[name=source]").select_option(str(federal.pk))
    form.locator(f"input[name=payments][value='{payment.pk}']").check()
    form.locator("input[name=amount]").fill("100,01")
    form.locator("input[name=reference]").fill("MA-Test")
    submit(page)
    expect(page.locator("#id_amount_error")).to_contain_text("Die gewählten Zahlungen ergeben 100,00 EUR")
    expect(page.locator("input[name=amount]")).to_have_value("100,01")
    expect(page.locator(f"input[name=payments][value='{payment.pk}']")).to_be_checked()
    assert FundCall.objects.count() == calls_before
    audit.check(page)
    page.locator("input[name=amount]").fill("65,00")
    submit(page)
    call = FundCall.objects.get(reference="MA-Test")
    assert call.amount == Decimal("65.00")
    expect(page.locator("#calls-table")).to_contain_text("MA-Test")
    audit.check(page)

    page.goto(reverse("program:dashboard"))
    expect(page.locator("#kassenlage #cash-table")).to_contain_text(federal.name)
    countdown = page.locator("#fristen [data-countdown]").first
    expect(countdown).to_contain_text("noch")
    audit.check(page)

    audit.assert_clean()

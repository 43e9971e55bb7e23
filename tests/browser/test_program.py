"""The chain in the browser: the program office creates a measure, takes up two citizens' ideas, plans a
budget, books an expense and marks a milestone reached; the author of one idea then sees on the idea page
what became of it, and has a notification. axe checks every page on the way."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from smartregion.accounts.demo import DEMO_PASSWORD
from smartregion.participation.models import Idea, IdeaStatus
from smartregion.program.models import BudgetLine, Expense, FundingSource, Milestone
from smartregion.strategy.models import Measure, Strategy
from smartregion.web.demo import DemoData

from .support import AxeAudit, sign_in, submit
from .test_account_lifecycle import german

pytestmark = pytest.mark.browser

OFFICE = "paul.programmbuero@example.org"
CITIZEN = "clara.buerger@example.org"
TITLE = "Digitale Mitfahrbänke im Maifeld"


def _manage(page: Page, label: str) -> None:
    with page.expect_navigation():
        page.locator("#verwalten a", has_text=german(label)).click()


def test_office_builds_a_measure_and_the_citizen_sees_what_became_of_her_idea(
    page: Page, demo_data: DemoData
) -> None:
    audit = AxeAudit()
    open_ideas = Idea.objects.filter(status__in=[IdeaStatus.PUBLISHED, IdeaStatus.UNDER_ASSESSMENT])
    clara_idea = open_ideas.filter(author__email=CITIZEN).order_by("pk").first()
    other_idea = open_ideas.exclude(author__email=CITIZEN).order_by("pk").first()
    assert clara_idea is not None
    assert other_idea is not None
    federal = FundingSource.objects.get(kind=FundingSource.Kind.FEDERAL)

    sign_in(page, OFFICE, DEMO_PASSWORD)
    page.goto(reverse("strategy:measure_create"))
    audit.check(page)
    # Nothing filled in: the form says what is missing and stores nothing.
    measures_before = Measure.objects.count()
    submit(page)
    expect(page.locator("main [aria-invalid='true']").first).to_be_visible()
    assert Measure.objects.count() == measures_before
    audit.check(page)

    page.locator("select[name=strategy]").select_option(str(Strategy.objects.order_by("pk").first().pk))
    page.locator("input[name=title]").fill(TITLE)
    page.locator("textarea[name=summary]").fill(
        "Mitfahrbänke mit Anzeige, wohin jemand mitgenommen werden möchte."
    )
    page.locator("input[name=domains]").first.check()
    page.locator("input[name=is_published]").check()
    submit(page)
    measure = Measure.objects.get(title=TITLE)
    expect(page.locator("main h1")).to_have_text(TITLE)
    audit.check(page)

    # Take up two ideas: one by its address, one by its number.
    for reference in (clara_idea.get_absolute_url(), str(other_idea.pk)):
        _manage(page, "Link an idea")
        page.locator("input[name=idea]").fill(reference)
        page.locator("input[name=note]").fill("Die Idee geht in die Pilotphase ein.")
        # The form's first button searches for ideas by title; the primary one links the idea named.
        with page.expect_navigation():
            page.locator("main form button[type=submit].kern-btn--primary").click()
    audit.check(page)
    clara_idea.refresh_from_db()
    assert clara_idea.status == IdeaStatus.ADOPTED
    expect(page.locator("main")).to_contain_text(clara_idea.title)

    # Budget with wrong, then right input.
    _manage(page, "Plan the budget")
    page.locator("select[name=source]").select_option(str(federal.pk))
    page.locator("input[name=year]").fill("2027")
    page.locator("input[name=planned]").fill("zwölftausend")
    submit(page)
    expect(page.locator("#id_planned_error")).to_be_visible()
    audit.check(page)
    page.locator("input[name=planned]").fill("12.000,00")
    submit(page)
    line = BudgetLine.objects.get(measure=measure)
    assert line.planned == Decimal("12000.00")

    _manage(page, "Book an expense")
    page.locator("input[name=kind][value=commitment]").check()
    page.locator("input[name=amount]").fill("4.500")
    page.locator("input[name=description]").fill("Auftrag Anzeigetafeln")
    page.locator("input[name=document_reference]").fill("VG-2026-117")
    submit(page)
    assert Expense.objects.get(budget_line=line).amount == Decimal("4500.00")

    _manage(page, "Add a milestone")
    page.locator("input[name=title]").fill("Erste Bank aufgestellt")
    page.locator("input[name=due_on]").fill("2026-11-01")
    submit(page)
    _manage(page, "Mark a milestone as reached")
    audit.check(page)
    page.locator("select[name=milestone]").select_option(label="Erste Bank aufgestellt")
    submit(page)
    assert Milestone.objects.get(measure=measure).done_on is not None
    audit.check(page)

    # Clara sees what became of her idea, and was told.
    page.context.clear_cookies()
    sign_in(page, CITIZEN, DEMO_PASSWORD)
    page.goto(clara_idea.get_absolute_url())
    outcome = page.locator("#was-wurde-daraus")
    expect(outcome).to_contain_text(TITLE)
    expect(outcome).to_contain_text("Erste Bank aufgestellt")
    audit.check(page)
    page.goto(reverse("participation:notifications"))
    expect(page.locator("main")).to_contain_text("Erste Bank aufgestellt")
    audit.check(page)

    audit.assert_clean()

"""The expert board in the browser: a board member scores a candidate (wrong, then right input) and then
sees the others' scores; the office ranks the candidates and publishes; the public reads the result.
axe checks every page on the way."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from smartregion.accounts.demo import DEMO_PASSWORD
from smartregion.accounts.models import User
from smartregion.strategy.models import Assessment, AssessmentRound, Criterion
from smartregion.web.demo import DemoData

from .support import AxeAudit, sign_in, submit
from .test_account_lifecycle import german

pytestmark = pytest.mark.browser

EXPERT = "eva.experte@example.org"
OFFICE = "paul.programmbuero@example.org"


def test_an_expert_assesses_and_the_office_publishes(page: Page, demo_data: DemoData) -> None:
    audit = AxeAudit()
    assessment_round = AssessmentRound.objects.get()
    eva = User.objects.get(email=EXPERT)
    done = set(Assessment.objects.filter(expert=eva).values_list("idea_id", flat=True))
    idea = assessment_round.ideas.exclude(pk__in=done).order_by("pk").first()
    assert idea is not None

    sign_in(page, EXPERT, DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("header a", has_text=german("Assessment")).click()
    audit.check(page)
    with page.expect_navigation():
        page.locator("main a", has_text=assessment_round.title).first.click()
    audit.check(page)
    with page.expect_navigation():
        page.locator(f"main a[href$='/idee/{idea.pk}/']").click()
    audit.check(page)

    # Nothing chosen: every criterion asks for a score, nothing is stored.
    submit(page)
    expect(page.locator("main [role=alert]").first).to_be_visible()
    assert not Assessment.objects.filter(expert=eva, idea=idea).exists()
    audit.check(page)

    for criterion in Criterion.objects.filter(is_active=True):
        page.locator(f"input[name=criterion_{criterion.pk}][value='4']").check()
    page.locator("textarea[name=comment]").fill("Hoher Nutzen, gut umsetzbar.")
    submit(page)
    assessment = Assessment.objects.get(expert=eva, idea=idea)
    assert assessment.scores.count() == Criterion.objects.filter(is_active=True).count()
    expect(page.locator("main")).to_contain_text("Hoher Nutzen, gut umsetzbar.")
    audit.check(page)

    # The office ranks the candidates and publishes the results; then anyone can read them.
    page.context.clear_cookies()
    sign_in(page, OFFICE, DEMO_PASSWORD)
    page.goto(assessment_round.get_absolute_url() + "?sortierung=kosten")
    audit.check(page)
    with page.expect_navigation():
        page.locator(
            f"form[action='{reverse('strategy:assessment_publish', args=[assessment_round.pk])}'] button"
        ).click()
    assessment_round.refresh_from_db()
    assert assessment_round.results_published_at is not None
    audit.check(page)

    page.context.clear_cookies()
    page.goto(assessment_round.get_absolute_url())
    expect(page.locator("main table")).to_contain_text(idea.title)
    audit.check(page)

    audit.assert_clean()

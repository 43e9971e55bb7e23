"""Search in the browser: typing an idea shows similar ones (htmx), "support this one instead" leads to the
idea's support box; the search page shows highlighted results, a stop-word notice and a suggestion; axe checks
each page and state."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from smartregion.accounts.demo import DEMO_PASSWORD
from smartregion.participation.models import Idea
from smartregion.web.demo import DemoData

from .support import AxeAudit, sign_in

pytestmark = pytest.mark.browser

CITIZEN = "clara.buerger@example.org"
SIMILAR = "Mitfahrbänke in den Dörfern der Vordereifel"


def test_typing_an_idea_shows_similar_ones_to_support_instead(page: Page, demo_data: DemoData) -> None:
    audit = AxeAudit()
    existing = Idea.objects.get(title=SIMILAR)
    sign_in(page, CITIZEN, DEMO_PASSWORD)
    page.goto(reverse("participation:idea_create", args=[existing.process.slug]))
    expect(page.locator("#similar-ideas a")).to_have_count(0)
    page.locator("#id_title").press_sequentially("Mitfahrbank am Ortsausgang", delay=20)
    instead = page.locator("#similar-ideas").get_by_role("link", name=f"Stattdessen „{SIMILAR}“ unterstützen")
    expect(instead).to_be_visible(timeout=10_000)
    audit.check(page)
    with page.expect_navigation():
        instead.click()
    assert page.url.endswith(f"{existing.get_absolute_url()}#support-box")
    # The link lands on the idea's support box, where the support button (or the reason why not) is.
    expect(page.locator("#support-box")).to_be_in_viewport()
    expect(page.locator("#support-box")).to_contain_text("Unterstützung")
    audit.check(page)
    audit.assert_clean()


def test_the_search_page_highlights_results_and_explains_empty_ones(page: Page, demo_data: DemoData) -> None:
    audit = AxeAudit()
    page.goto(reverse("insights:search"))
    audit.check(page)
    page.locator("#id_q").fill("Radwege")
    with page.expect_navigation():
        page.locator("main form[role=search] button[type=submit]").click()
    expect(page.locator("main ol mark").first).to_be_visible()
    expect(page.locator("main ol mark").first).to_contain_text("Radweg")
    audit.check(page)
    page.goto(reverse("insights:search") + "?q=und+die+der")
    expect(page.get_by_role("status")).to_contain_text("nur sehr häufige Wörter")
    audit.check(page)
    page.goto(reverse("insights:search") + "?q=Mitfahrbnke")
    expect(page.get_by_role("status")).to_contain_text("Meinten Sie")
    audit.check(page)
    page.goto(reverse("insights:search") + "?q=Radweg&kind=unsinn")
    expect(page.locator("#id_q")).to_have_value("Radweg")
    audit.check(page)
    audit.assert_clean()

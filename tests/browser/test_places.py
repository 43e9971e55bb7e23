"""Places and people in the browser, on the demo data: the region ranking and a municipality's page (with
and without JavaScript, a bad filter first), "Meine Beteiligung" as Clara Bürger, and the coordinators'
work list as Konrad Koordination. axe checks every page and error state on the way."""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from smartregion.accounts.demo import DEMO_PASSWORD
from smartregion.web.demo import DemoData

from .support import AxeAudit, sign_in, submit
from .test_account_lifecycle import german

pytestmark = pytest.mark.browser

CLARA = "clara.buerger@example.org"
KONRAD = "konrad.koordination@example.org"


def _reach_form(page: Page):
    return page.locator("main form.sr-filter-panel")


def test_the_region_ranking_and_a_municipality_page(page: Page, demo_data: DemoData) -> None:
    audit = AxeAudit()
    page.goto("/")
    with page.expect_navigation():
        page.locator("nav.sr-nav a", has_text=german("Municipalities")).click()
    expect(page.locator("h1")).to_have_text(german("The municipalities compared: reach"))
    rows = page.locator("#ranking-table tbody tr")
    expect(rows).to_have_count(10)
    assert rows.first.locator("td").first.inner_text() == "1"
    audit.check(page)

    # A period that does not exist: a German error, the page still there.
    page.goto(reverse("web:region_reach") + "?since=ewig")
    expect(page.locator("main .kern-alert--danger")).to_contain_text(
        german("Some filters could not be used. Please check them.")
    )
    audit.check(page)
    _reach_form(page).locator("select[name=since]").select_option("12m")
    submit(page, _reach_form(page))
    assert "since=12m" in page.url
    expect(page.locator("main .kern-alert--danger")).to_have_count(0)

    with page.expect_navigation():
        page.locator("#ranking-table a", has_text="Mendig").click()
    expect(page.locator("h1")).to_have_text(german("What is happening in %(name)s?") % {"name": "Mendig"})
    # The five channels of ideas and the paper questionnaire of surveys.
    expect(page.locator("#reach-channels tbody tr")).to_have_count(6)
    expect(page.locator("#reach-timeline tbody tr")).to_have_count(12)
    audit.check(page)
    _reach_form(page).locator("select[name=by]").select_option("quarter")
    submit(page, _reach_form(page))
    expect(page.locator("#reach-timeline tbody tr")).to_have_count(8)
    expect(page.locator("#reach-timeline tbody tr").first.locator("th")).to_contain_text("Q")
    audit.check(page)
    audit.assert_clean()


def test_the_municipality_pages_work_without_javascript(
    browser: Browser, live_server, demo_data: DemoData
) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(reverse("web:region_reach"))
        with page.expect_navigation():
            page.locator("#ranking-table a", has_text="Andernach").click()
        expect(page.locator("#measures-table tbody tr").first).to_be_visible()
        _reach_form(page).locator("select[name=by]").select_option("quarter")
        submit(page, _reach_form(page))
        assert "by=quarter" in page.url
        expect(page.locator("#reach-timeline tbody tr")).to_have_count(8)
    finally:
        context.close()


def test_meine_beteiligung_as_clara(page: Page, demo_data: DemoData) -> None:
    audit = AxeAudit()
    sign_in(page, CLARA, DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("nav.sr-account a", has_text=german("My participation")).click()
    expect(page.locator("h1")).to_have_text(german("My participation"))
    ideas = page.locator("section[aria-labelledby=ideen]")
    expect(ideas).to_contain_text("Offene Daten des Kreises für alle")
    expect(ideas).to_contain_text(german("What became of it:"))
    audit.check(page)
    with page.expect_navigation():
        page.get_by_role("link", name=german("Change it on the notifications page")).click()
    assert page.url.endswith(reverse("participation:notifications") + "#digest-title")
    audit.assert_clean()


def test_the_coordinators_work_list_as_konrad(page: Page, demo_data: DemoData) -> None:
    audit = AxeAudit()
    sign_in(page, KONRAD, DEMO_PASSWORD)
    page.goto(reverse("web:municipality", kwargs={"slug": "andernach"}))
    link = german("What needs doing in %(name)s (coordination)") % {"name": "Andernach"}
    with page.expect_navigation():
        page.get_by_role("link", name=link).click()
    expect(page.locator("h1")).to_have_text(german("What needs doing in %(name)s") % {"name": "Andernach"})
    overdue = page.locator("section[aria-labelledby=overdue-title]")
    expect(overdue).to_contain_text("Freies WLAN an Bahnhöfen und Dorfplätzen")
    audit.check(page)
    # Mayen is not his: no link, and the address answers 403.
    page.goto(reverse("web:municipality", kwargs={"slug": "mayen"}))
    expect(
        page.get_by_role(
            "link", name=german("What needs doing in %(name)s (coordination)") % {"name": "Mayen"}
        )
    ).to_have_count(0)
    response = page.goto(reverse("web:municipality_tasks", kwargs={"slug": "mayen"}))
    assert response is not None
    assert response.status == 403
    audit.assert_clean()

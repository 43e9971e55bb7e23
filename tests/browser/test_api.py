"""A citizen creates a personal API token on the profile page (a wrong form first), a program supports an
idea with it, and after she revokes the token the API refuses it. axe checks the pages on the way."""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from smartregion.accounts.demo import DEMO_PASSWORD
from smartregion.accounts.models import User
from smartregion.participation.models import Idea, Support
from smartregion.web.demo import DemoData

from .support import AxeAudit, sign_in, submit
from .test_account_lifecycle import german

pytestmark = pytest.mark.browser

CITIZEN = "clara.buerger@example.org"


def test_token_from_the_profile_page_acts_for_its_owner_until_revoked(
    page: Page, browser: Browser, live_server: LiveServer, demo_data: DemoData
) -> None:
    audit = AxeAudit()
    clara = User.objects.get(email=CITIZEN)
    idea = next(
        idea
        for idea in Idea.objects.exclude(author=clara).select_related("process").order_by("pk")
        if clara.has_perm("participation.support_idea", idea)
        and not idea.supports.filter(user=clara).exists()
    )
    sign_in(page, CITIZEN, DEMO_PASSWORD)
    page.goto(reverse("accounts:profile"))
    with page.expect_navigation():
        page.get_by_role("link", name=german("API tokens")).click()
    audit.check(page)

    submit(page)  # no name yet
    expect(page.locator("input[name=name]")).to_have_attribute("aria-invalid", "true")
    audit.check(page)
    page.locator("input[name=name]").fill("Gemeinde-App Mendig")
    submit(page)
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("sr_")
    audit.check(page)

    # A program of its own: no cookies, only the token.
    program = browser.new_context(base_url=live_server.url).request
    headers = {"Authorization": f"Bearer {secret}"}
    supported = program.put(f"/api/v1/ideas/{idea.pk}/support", headers=headers)
    assert supported.status == 200, supported.text()
    assert supported.json()["supported"] is True
    assert Support.objects.filter(idea=idea, user=clara).exists()

    page.goto(reverse("api:tokens"))
    with page.expect_navigation():
        page.get_by_role("button", name=german("Revoke")).click()
    expect(page.get_by_text(german("revoked"), exact=True)).to_be_visible()
    refused = program.delete(f"/api/v1/ideas/{idea.pk}/support", headers=headers)
    assert refused.status == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert Support.objects.filter(idea=idea, user=clara).exists()

    page.goto("/api/v1/docs")
    audit.check(page)
    audit.assert_clean()

"""axe-core (WCAG 2.1 A/AA) on every public page, the account pages, and forms that show errors.

Each page is checked in German and, after choosing English with the switch in the header, in English.
"""

from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from smartregion.web.demo import DemoData
from tests.factories import PASSWORD, UserFactory

from .support import AxeAudit, assert_accessible, sign_in, submit, switch_language

pytestmark = pytest.mark.browser

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LANGUAGES = ("de", "en")


def sitemap_paths(page: Page, live_server: LiveServer) -> list[str]:
    """Every <loc> of /sitemap.xml, as paths on the live server."""
    # Fetched, not opened: Chromium's own XML viewer styles itself inline, which the site's CSP refuses.
    response = page.request.get(reverse("sitemap"))
    assert response.ok, response.status
    tree = ElementTree.fromstring(response.body())  # noqa: S314 (our own server's answer, not untrusted input)
    locations = [element.text or "" for element in tree.iter(f"{SITEMAP_NS}loc")]
    server = urlsplit(live_server.url).netloc
    assert all(urlsplit(url).netloc == server for url in locations), locations
    return [urlsplit(url).path for url in locations]


def open_page(page: Page, path: str) -> None:
    """Go to a page and make sure it is the one asked for (not an error or a redirect to sign in)."""
    response = page.goto(path)
    assert response is not None
    assert response.ok, f"{path} answered {response.status}"
    assert urlsplit(page.url).path == path, f"{path} redirected to {page.url}"


def in_each_language(page: Page, audit: AxeAudit, paths: list[str]) -> None:
    """Check each path in German, then choose English on the first one and check them all again."""
    for language in LANGUAGES:
        for index, path in enumerate(paths):
            open_page(page, path)
            if index == 0 and language != "de":
                switch_language(page, language)
            assert page.evaluate("document.documentElement.lang") == language, path
            audit.check(page)


# The sitemap's pages are checked in shards, so that parallel test workers share the few minutes it takes.
SITEMAP_SHARDS = 4


@pytest.mark.parametrize("shard", range(SITEMAP_SHARDS))
def test_every_page_in_the_sitemap(
    page: Page, live_server: LiveServer, demo_data: DemoData, shard: int
) -> None:
    paths = sitemap_paths(page, live_server)
    assert "/" in paths
    # One page per municipality, and the region's ranking of them all at /kommunen/.
    assert "/kommunen/" in paths
    assert sum(path.startswith("/kommunen/") and path != "/kommunen/" for path in paths) == len(
        demo_data.municipalities
    )
    audit = AxeAudit()
    in_each_language(page, audit, paths[shard::SITEMAP_SHARDS])
    audit.assert_clean()


def test_start_page_at_mobile_width(page: Page, demo_data: DemoData) -> None:
    page.set_viewport_size({"width": 375, "height": 812})
    for language in LANGUAGES:
        open_page(page, "/")
        if language != "de":
            switch_language(page, language)
        assert_accessible(page)
        # WCAG 1.4.10 (reflow): a phone-sized viewport must not need horizontal scrolling.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the start page scrolls sideways by {overflow}px at 375px width"


def test_anonymous_account_pages(page: Page, transactional_db: None) -> None:
    audit = AxeAudit()
    in_each_language(
        page,
        audit,
        [reverse("account_login"), reverse("account_signup"), reverse("account_reset_password")],
    )
    audit.assert_clean()


def test_signed_in_account_pages(page: Page, demo_data: DemoData) -> None:
    user = UserFactory()
    sign_in(page, user.email, PASSWORD)
    audit = AxeAudit()

    # Setting up a second factor asks for the password again first: both pages are checked.
    page.goto(reverse("mfa_activate_totp"))
    assert urlsplit(page.url).path == reverse("account_reauthenticate")
    audit.check(page)
    page.locator("input[name=password]").fill(PASSWORD)
    submit(page)
    assert urlsplit(page.url).path == reverse("mfa_activate_totp")

    in_each_language(
        page,
        audit,
        [
            reverse("accounts:profile"),
            reverse("accounts:delete"),
            reverse("account_email"),
            reverse("account_change_password"),
            reverse("mfa_index"),
            reverse("mfa_activate_totp"),
            reverse("api:tokens"),
        ],
    )
    audit.assert_clean()
    # allauth lists the addresses as bare radio buttons; the group needs a name for screen readers.
    open_page(page, reverse("account_email"))
    assert page.locator("fieldset:has(input[type=radio][name=email]) > legend").count() == 1


def test_form_errors(page: Page, demo_data: DemoData) -> None:
    """Error states: messages are announced, fields marked invalid, and axe still finds nothing."""
    audit = AxeAudit()
    for language in LANGUAGES:
        open_page(page, reverse("account_signup"))
        if language != "de":
            switch_language(page, language)
        page.locator("input[name=email]").fill("neu@example.org")
        page.locator("input[name=password1]").fill("Eine-lange-Passphrase-1")
        page.locator("input[name=password2]").fill("Eine-andere-Passphrase-2")
        submit(page)
        assert page.locator("input[name=password2][aria-invalid=true]").count() == 1
        audit.check(page)

        open_page(page, reverse("account_login"))
        page.locator("input[name=login]").fill("niemand@example.org")
        page.locator("input[name=password]").fill("falsches-Passwort")
        submit(page)
        assert page.locator("main [role=alert]").count() >= 1
        audit.check(page)

        open_page(page, reverse("web:accessibility"))
        submit(page, page.locator("#feedback ~ form"))
        assert page.locator("textarea[name=message]").get_attribute("aria-invalid") == "true"
        audit.check(page)
    audit.assert_clean()

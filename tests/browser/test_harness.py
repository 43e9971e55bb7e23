"""The browser suite's safety nets catch what they promise: a check that cannot fail proves nothing."""

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from smartregion.web.demo import DemoData

from .conftest import RECORDER
from .support import axe_violations, format_violations

pytestmark = pytest.mark.browser


def test_recorder_reports_foreign_hosts_csp_violations_and_script_errors(
    page: Page, live_server: LiveServer, demo_data: DemoData, request: pytest.FixtureRequest
) -> None:
    recorder = request.node.stash[RECORDER]
    page.goto("/")
    assert not recorder.problems()

    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            "document.body.insertAdjacentHTML('beforeend', '<img alt=\"\" src=\"https://example.org/x.png\">')"
        )
    with page.expect_event("pageerror"):
        page.evaluate("setTimeout(() => { throw new Error('deliberate failure') }, 0)")
    # The same server under another name is another host as far as the browser is concerned.
    page.goto(live_server.url.replace("localhost", "127.0.0.1") + "/robots.txt")

    problems = "\n".join(recorder.problems())
    assert "CSP violation: " in problems
    assert "example.org/x.png" in problems
    assert "JavaScript error: Error: deliberate failure" in problems
    assert "request to a foreign host: http://127.0.0.1:" in problems
    # Deliberate problems: the check after the test must not fail on them.
    recorder.reset()


def test_axe_runs_despite_the_csp_and_reports_readably(page: Page, demo_data: DemoData) -> None:
    response = page.goto("/")
    assert response is not None
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    assert not axe_violations(page)

    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/favicon.ico\">')"
    )
    violations = axe_violations(page)
    assert [violation["id"] for violation in violations] == ["image-alt"]
    report = format_violations("/", violations)
    assert "image-alt: Images must have alternative text" in report
    assert "    - img\n" in report
    assert '<img src="/favicon.ico">' in report

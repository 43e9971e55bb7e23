"""Helpers for the browser tests: the request/console recorder, axe-core, signing in."""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Error, Locator, Page, Request, Response

AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# BITV 2.0 refers to WCAG 2.1 A and AA; best-practice rules are left to manual review.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
# Schemes that never leave the browser: they cannot reach a third party.
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})


class AxeNode(TypedDict):
    target: list[Any]
    html: str
    failureSummary: str


class AxeViolation(TypedDict):
    id: str
    impact: str | None
    help: str
    helpUrl: str
    nodes: list[AxeNode]


@dataclass
class PageRecorder:
    """Everything a page asked for or complained about, checked after each test (see conftest)."""

    allowed_netloc: str
    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_subresources: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("request", self._on_request)
        page.on("response", self._on_response)
        page.on("console", lambda message: self._on_console(page, message))
        page.on("pageerror", self._on_page_error)

    def _on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _on_response(self, response: Response) -> None:
        # Documents may answer 400 on purpose (invalid forms); a missing script, style or image is a bug.
        if response.status >= 400 and response.request.resource_type != "document":
            self.failed_subresources.append(f"{response.status} {response.url}")

    def _on_console(self, page: Page, message: ConsoleMessage) -> None:
        # The message's own location is empty for violations the browser reports itself.
        self.console.append((message.type, message.text, message.location.get("url") or page.url))

    def _on_page_error(self, error: Error) -> None:
        self.page_errors.append(error.stack or error.message)

    def reset(self) -> None:
        """Forget everything so far (for the tests of the recorder itself)."""
        for log in (self.requests, self.console, self.page_errors, self.failed_subresources):
            log.clear()

    def foreign_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in LOCAL_SCHEMES and urlsplit(url).netloc != self.allowed_netloc
        ]

    def csp_violations(self) -> list[str]:
        return [
            f"{text} (on {url})"
            for kind, text, url in self.console
            if kind == "error" and ("Content Security Policy" in text or "Refused to" in text)
        ]

    def problems(self) -> list[str]:
        """Human-readable descriptions of everything that makes the test fail."""
        problems = [f"request to a foreign host: {url}" for url in self.foreign_requests()]
        problems += [f"CSP violation: {text}" for text in self.csp_violations()]
        problems += [f"JavaScript error: {stack}" for stack in self.page_errors]
        problems += [f"subresource failed: {line}" for line in self.failed_subresources]
        return problems


@cache
def _axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[AxeViolation]:
    """Run axe-core (WCAG 2.1 A/AA) on the page as it is now."""
    # Evaluated through the DevTools protocol, the source is not subject to the page's CSP, which would
    # block a <script> tag without the request's nonce (add_script_tag).
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    results: dict[str, Any] = page.evaluate(
        "options => window.axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": list(AXE_TAGS)}, "resultTypes": ["violations"]},
    )
    violations: list[AxeViolation] = results["violations"]
    return violations


def format_violations(where: str, violations: list[AxeViolation]) -> str:
    """A report a person can act on: rule, impact, help, and each failing element."""
    lines = [f"{where}: {len(violations)} axe violation(s)"]
    for violation in violations:
        lines.append(
            f"  [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    - {target}")
            lines.append(f"      {node['html'][:300]}")
            summary = " / ".join(line.strip() for line in node["failureSummary"].splitlines()[1:])
            if summary:
                lines.append(f"      {summary[:500]}")
    return "\n".join(lines)


def where(page: Page) -> str:
    """The page's path and language, to label a report."""
    language = page.evaluate("document.documentElement.lang")
    return f"{urlsplit(page.url).path} [{language}]"


def assert_accessible(page: Page) -> None:
    """No WCAG 2.1 A/AA violation that axe-core can find on the page as it is now."""
    violations = axe_violations(page)
    assert not violations, format_violations(where(page), violations)


class AxeAudit:
    """Collects axe reports over several pages so one test run shows every failing page at once."""

    def __init__(self) -> None:
        self.reports: list[str] = []
        self.checked: list[str] = []

    def check(self, page: Page) -> None:
        label = where(page)
        self.checked.append(label)
        violations = axe_violations(page)
        if violations:
            self.reports.append(format_violations(label, violations))

    def assert_clean(self) -> None:
        assert self.checked, "no page was checked"
        assert not self.reports, "\n\n".join(self.reports)


def submit(page: Page, form: Locator | None = None) -> None:
    """Send a form with its default button (the first submit button, which Enter would press too) and wait
    for the answer page (the only form in main by default)."""
    form = form if form is not None else page.locator("main form")
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(reverse("account_login"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    submit(page)


def switch_language(page: Page, code: str) -> None:
    """Choose a language with the switch in the page header."""
    with page.expect_navigation():
        page.locator(f"form.sr-language button[name=language][value={code}]").click()
    assert page.evaluate("document.documentElement.lang") == code

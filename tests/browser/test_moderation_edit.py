"""The moderators' desk in the browser: a moderator removes a telephone number from a published e-mail idea
and files it under the right domain; the public page, the API and the open data no longer contain it."""

from email import policy
from email.message import EmailMessage

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from smartregion.accounts.demo import DEMO_PASSWORD
from smartregion.accounts.models import User
from smartregion.participation import services
from smartregion.participation.intake import idea_from_email
from smartregion.participation.models import Idea, IdeaEvent
from smartregion.strategy.models import Domain
from smartregion.web.demo import DemoData

from .support import AxeAudit, sign_in, submit

pytestmark = pytest.mark.browser

MODERATOR = "mira.moderation@example.org"
PHONE = "0261 98765-43"


def _published_email_idea(demo_data: DemoData) -> Idea:
    process = demo_data.process
    assert process is not None
    message = EmailMessage(policy=policy.default)
    message["From"] = "Erika Muster <erika@example.org>"
    message["Subject"] = "Mitfahrbank am Bahnhof Andernach"
    message["Message-ID"] = "<mitfahrbank-browser@example.org>"
    message.set_content(
        f"Bitte stellen Sie eine Mitfahrbank am Bahnhof auf. Rückfragen gern unter {PHONE}, abends."
    )
    idea = idea_from_email(process=process, message=message)
    assert idea is not None
    return services.idea_approve(actor=User.objects.get(email=MODERATOR), idea=idea)


def _anonymous_texts(browser: Browser, live_server: LiveServer, idea: Idea) -> dict[str, str]:
    """What an anonymous visitor gets from the idea page, the API and the open-data files."""
    context = browser.new_context(base_url=live_server.url)
    try:
        return {
            url: context.request.get(url).text()
            for url in (
                idea.get_absolute_url(),
                f"/api/v1/ideas/{idea.pk}",
                "/offene-daten/ideen.csv",
                "/offene-daten/ideen.json",
            )
        }
    finally:
        context.close()


def test_a_moderator_redacts_a_phone_number_and_fixes_the_domain(
    page: Page, browser: Browser, live_server: LiveServer, demo_data: DemoData
) -> None:
    idea = _published_email_idea(demo_data)
    mobility = Domain.objects.get(name="Mobilität und Verkehr")
    before = _anonymous_texts(browser, live_server, idea)  # also fills the page and API caches
    assert all(PHONE in text for text in before.values()), [
        url for url, t in before.items() if PHONE not in t
    ]

    audit = AxeAudit()
    sign_in(page, MODERATOR, DEMO_PASSWORD)
    page.goto(idea.get_absolute_url())
    with page.expect_navigation():
        page.get_by_role("link", name="Idee bearbeiten oder Stellen entfernen").click()
    expect(page.locator("h1")).to_contain_text("Mitfahrbank am Bahnhof Andernach")
    audit.check(page)

    # Mark the number in the description and add it to the passages with the button (JavaScript; without
    # it the passage is typed into the field, as the HTTP tests do).
    page.locator("#id_body").evaluate(
        "(field, passage) => { const at = field.value.indexOf(passage); field.focus();"
        " field.setSelectionRange(at, at + passage.length); }",
        PHONE,
    )
    page.get_by_role("button", name="Markierte Stelle entfernen").click()
    expect(page.locator("#id_redactions")).to_have_value(PHONE)
    expect(page.locator("#redact-status")).to_have_text(f"Wird entfernt: {PHONE}")
    # Sending without a reason: a German message on the field, nothing changed.
    submit(page, page.locator("main form[enctype='multipart/form-data']"))
    expect(page.locator("#id_reason_error")).to_have_text(
        "Bitte geben Sie eine öffentliche Begründung für die Bearbeitung an."
    )
    audit.check(page)

    for checked in page.locator("input[name=domains]:checked").all():
        checked.uncheck()
    page.get_by_label("Mobilität und Verkehr").check()
    page.get_by_label("Öffentliche Begründung").fill("Telefonnummer entfernt, Bereich korrigiert")
    submit(page, page.locator("main form[enctype='multipart/form-data']"))
    expect(page.locator("h1")).to_have_text("Mitfahrbank am Bahnhof Andernach")
    expect(page.locator("main")).to_contain_text("Frühere Fassungen")
    audit.check(page)

    idea.refresh_from_db()
    assert PHONE not in idea.body
    assert "Rückfragen gern unter [entfernt], abends." in idea.body
    assert list(idea.domains.all()) == [mobility]
    assert IdeaEvent.objects.get(idea=idea, kind=IdeaEvent.Kind.MODERATED).actor.email == MODERATOR

    after = _anonymous_texts(browser, live_server, idea)
    for url, text in after.items():
        assert PHONE not in text, url
        assert "[entfernt]" in text, url
    assert "Bearbeitet durch die Moderation:" in after[idea.get_absolute_url()]
    assert "Mobilität und Verkehr" in after[idea.get_absolute_url()]

    page.goto(idea.get_absolute_url())
    expect(page.locator("#moderation-note")).to_contain_text("Telefonnummer entfernt, Bereich korrigiert")
    audit.check(page)
    page.goto(reverse("participation:idea_edit", args=[idea.pk]))
    audit.check(page)
    audit.assert_clean()

"""Events in the browser: a guest registers and confirms through the mail, takes the last place, a second
guest joins the waiting list and moves up when the first cancels; the office enters five workshop cards at
once. axe checks every new page on the way."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from smartregion.accounts.demo import DEMO_PASSWORD
from smartregion.events.models import Event, Registration
from smartregion.participation.models import Channel, Idea
from smartregion.web.demo import DemoData

from .support import AxeAudit, sign_in, submit
from .test_account_lifecycle import german

pytestmark = pytest.mark.browser

OFFICE = "paul.programmbuero@example.org"
FORUM = "buergerforum-digitale-verwaltung-andernach"
WORKSHOP = "zukunftswerkstatt-mobilitaet-mayen"


def _link(email: str, kind: str) -> str:
    """The path of the last mailed confirm or cancel link to ``email``."""
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    found = re.search(rf"https?://[^/\s]+(/veranstaltungen/anmeldung/[^/\s]+/{kind}/)", message.body)
    assert found, message.body
    return found.group(1)


def _register_as_guest(page: Page, event: Event, name: str, email: str) -> None:
    page.goto(event.get_absolute_url())
    form = page.locator(f"form[action='{reverse('events:register', args=[event.slug])}']")
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=share_contact]").check()
    submit(page, form)


def test_guest_registration_waiting_list_and_move_up(page: Page, demo_data: DemoData) -> None:
    audit = AxeAudit()
    event = Event.objects.get(slug=FORUM)
    # One place left.
    Event.objects.filter(pk=event.pk).update(capacity=event.registered_count + 1)
    event.refresh_from_db()

    page.goto(reverse("events:calendar"))
    expect(page.locator("main h1")).to_have_text(german("Events"))
    audit.check(page)
    page.locator("select[name=municipality]").select_option(label="Andernach")
    submit(page, page.locator("main form[method=get]"))
    expect(page.locator("main")).to_contain_text(event.title)
    audit.check(page)
    page.goto(reverse("events:map"))
    audit.check(page)

    # Bad input first: an invalid address is refused, the name stays.
    page.goto(event.get_absolute_url())
    audit.check(page)
    form = page.locator(f"form[action='{reverse('events:register', args=[event.slug])}']")
    form.locator("input[name=name]").fill("Ada Gast")
    form.locator("input[name=email]").fill("ada@")
    submit(page, form)
    expect(page.locator("#id_email_error")).to_contain_text(
        german("Please give a valid e-mail address, for example name@example.org.")
    )
    expect(page.locator("input[name=name]")).to_have_value("Ada Gast")
    audit.check(page)

    # The first guest registers and confirms through the mail: the last place is theirs.
    _register_as_guest(page, event, "Ada Gast", "ada.gast@example.org")
    expect(page.locator(".sr-messages")).to_contain_text(
        german(
            "Almost done: we have sent you an e-mail. Please confirm your registration with the link in it."
        )
    )
    audit.check(page)
    page.goto(_link("ada.gast@example.org", "bestaetigen"))
    audit.check(page)
    submit(page)
    expect(page.locator("main")).to_contain_text(
        german("Thank you! Your place is confirmed. We have sent you a confirmation by e-mail.")
    )
    audit.check(page)
    event.refresh_from_db()
    assert event.registered_count == event.capacity

    # The second guest finds the event full and joins the waiting list.
    page.context.clear_cookies()
    page.goto(event.get_absolute_url())
    expect(page.locator("#registration button[type=submit]")).to_have_text(german("Join the waiting list"))
    audit.check(page)
    _register_as_guest(page, event, "Bea Gast", "bea.gast@example.org")
    page.goto(_link("bea.gast@example.org", "bestaetigen"))
    submit(page)
    expect(page.locator("main")).to_contain_text(
        german(
            "Thank you! The event is fully booked: you are on the waiting list and move up automatically "
            "when a place becomes free. We tell you by e-mail."
        )
    )
    assert Registration.objects.get(email="bea.gast@example.org").status == Registration.Status.WAITING
    audit.check(page)

    # The first guest cancels with the link from the mail; the second moves up and is told by mail.
    page.goto(_link("ada.gast@example.org", "absagen"))
    audit.check(page)
    submit(page)
    expect(page.locator("main")).to_contain_text(
        german("Your registration is cancelled. Thank you for letting us know.")
    )
    audit.check(page)
    assert Registration.objects.get(email="bea.gast@example.org").status == Registration.Status.CONFIRMED
    promoted = [m for m in mail.outbox if m.to == ["bea.gast@example.org"]][-1]
    assert "Ein Platz ist frei geworden" in promoted.subject
    event.refresh_from_db()
    assert event.registered_count == event.capacity
    assert event.waiting_count == 0
    audit.assert_clean()


def test_office_enters_five_workshop_cards_and_manages_the_event(page: Page, demo_data: DemoData) -> None:
    audit = AxeAudit()
    event = Event.objects.get(slug=WORKSHOP)
    before = Idea.objects.filter(source_event=event).count()
    sign_in(page, OFFICE, DEMO_PASSWORD)

    page.goto(event.get_absolute_url())
    audit.check(page)
    with page.expect_navigation():
        page.locator(f"main a[href='{reverse('events:cards', args=[event.slug])}']").click()
    audit.check(page)
    titles = [f"Karte aus der Werkstatt {number}" for number in range(1, 6)]
    for index, title in enumerate(titles):
        page.locator(f"#id_cards-{index}-title").fill(title)
    page.locator("#id_cards-1-text").fill("Mit einer längeren Erklärung.")
    submit(page)
    assert urlsplit(page.url).path == event.get_absolute_url()
    for title in titles:
        expect(page.locator("#ideas")).to_contain_text(title)
    audit.check(page)
    ideas = Idea.objects.filter(source_event=event, title__in=titles)
    assert ideas.count() == 5
    assert Idea.objects.filter(source_event=event).count() == before + 5
    assert set(ideas.values_list("channel", flat=True)) == {Channel.EVENT}

    # The idea page links back to the event and never names the staff member.
    page.goto(ideas.first().get_absolute_url())
    expect(page.locator("main")).to_contain_text(f"Workshop {event.title}")
    expect(page.locator("main")).not_to_contain_text("Paul Programmbüro")
    with page.expect_navigation():
        page.locator(f"main a[href='{event.get_absolute_url()}']").first.click()

    # The organizers' other pages.
    for url in (
        reverse("events:attendees", args=[event.slug]),
        reverse("events:minutes", args=[event.slug]),
        reverse("events:edit", args=[event.slug]),
        reverse("events:create"),
        reverse("events:attendees", args=["buergerforum-digitale-verwaltung-andernach"]),
        reverse("events:message", args=["buergerforum-digitale-verwaltung-andernach"]),
    ):
        page.goto(url)
        audit.check(page)
    audit.assert_clean()

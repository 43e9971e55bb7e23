"""Participation in the browser: submit an idea with wrong then right input, support and withdraw, comment
and reply, report, and moderate; axe checks every page on the way."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from smartregion.accounts.demo import DEMO_PASSWORD
from smartregion.accounts.models import User
from smartregion.participation.models import (
    Comment,
    Idea,
    IdeaEvent,
    IdeaStatus,
    ModerationEvent,
    Report,
    Support,
)
from smartregion.web.demo import DemoData

from .support import AxeAudit, sign_in, submit
from .test_account_lifecycle import german

pytestmark = pytest.mark.browser

CITIZEN = "clara.buerger@example.org"
MODERATOR = "mira.moderation@example.org"
TITLE = "Mitfahrbank mit Anzeige am Bahnhof Andernach"


def idea_form(page: Page):
    return page.locator("main form[enctype='multipart/form-data']")


def test_submit_support_comment_report_and_moderate(page: Page, demo_data: DemoData) -> None:
    audit = AxeAudit()
    process = demo_data.process
    assert process is not None
    clara = User.objects.get(email=CITIZEN)
    andernach = next(m for m in demo_data.municipalities if m.name == "Andernach")
    ideas_before = Idea.objects.count()

    sign_in(page, CITIZEN, DEMO_PASSWORD)
    page.goto(process.get_absolute_url())
    audit.check(page)
    create_url = reverse("participation:idea_create", args=[process.slug])
    with page.expect_navigation():
        page.locator(f"main a[href='{create_url}']").first.click()

    # Nothing filled in: every required field says what is missing, nothing is stored.
    submit(page, idea_form(page))
    expect(page.locator("#id_title_error")).to_have_text(german("Please give your idea a title."))
    expect(page.locator("#id_body_error")).to_have_text(german("Please describe your idea."))
    expect(page.locator("#id_domains_error")).to_have_text(
        german("Please choose at least one domain of life.")
    )
    audit.check(page)

    # A place outside the region (Munich) is refused by the service; what was typed stays in the form.
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_body").fill("Eine **Mitfahrbank** mit einer Anzeige, wer in Richtung Mayen fährt.")
    page.locator("input[name=domains]").first.check()
    page.locator("#id_latitude").fill("48.13743")
    page.locator("#id_longitude").fill("11.57549")
    submit(page, idea_form(page))
    expect(page.locator("#id_latitude_error")).to_have_text(
        german("This place lies outside the region. Please choose a place within the region.")
    )
    expect(page.locator("#id_title")).to_have_value(TITLE)
    assert Idea.objects.count() == ideas_before

    # Right input: the idea is published under Clara's display name, with the place in Andernach.
    page.locator("#id_latitude").fill(str(andernach.latitude))
    page.locator("#id_longitude").fill(str(andernach.longitude))
    page.locator("select[name=municipality]").select_option(label="Andernach")
    submit(page, idea_form(page))
    idea = Idea.objects.get(title=TITLE)
    assert urlsplit(page.url).path == idea.get_absolute_url()
    assert (idea.author, idea.channel, idea.status) == (clara, "online", IdeaStatus.PUBLISHED)
    expect(page.locator("main h1")).to_have_text(TITLE)
    expect(page.locator("main .sr-prose strong")).to_have_text("Mitfahrbank")
    audit.check(page)

    # Comment on the new idea, then reply to the comment (one level deep).
    comment_form = page.locator("main form[action$='/kommentare/#comments']")
    comment_form.locator("textarea[name=body]").fill("Gute Idee für Pendler.")
    submit(page, comment_form)
    comment = Comment.objects.get(idea=idea, parent=None)
    thread = page.locator(f"#comment-{comment.pk}")
    expect(thread).to_contain_text("Gute Idee für Pendler.")
    # The reply form is loaded under the comment (htmx) and takes the focus.
    thread.get_by_role("link", name=german("Reply")).click()
    expect(page.locator(f"#reply-{comment.pk}")).to_be_focused()
    page.locator(f"#reply-{comment.pk}").fill("Und für Schülerinnen und Schüler.")
    submit(page, thread.locator("form", has=page.locator(f"#reply-{comment.pk}")))
    reply = Comment.objects.get(idea=idea, parent=comment)
    expect(page.locator(f"#comment-{reply.pk}")).to_contain_text("Und für Schülerinnen und Schüler.")
    idea.refresh_from_db()
    assert idea.comment_count == 2
    audit.check(page)

    # Support somebody else's idea and withdraw again; htmx swaps the box without reloading the page.
    other = (
        Idea.objects.filter(process=process, status=IdeaStatus.PUBLISHED)
        .exclude(author=clara)
        .exclude(supports__user=clara)
        .order_by("pk")
        .first()
    )
    assert other is not None
    before = other.support_count
    page.goto(other.get_absolute_url())
    count = page.locator("#support-box .sr-count__number")
    expect(count).to_have_text(str(before))
    page.locator("#support-button").click()
    expect(count).to_have_text(str(before + 1))
    expect(page.locator("#support-button")).to_have_text(german("Withdraw my support"))
    assert Support.objects.filter(idea=other, user=clara).count() == 1
    audit.check(page)
    page.locator("#support-button").click()
    expect(count).to_have_text(str(before))
    expect(page.locator("#support-button")).to_have_text(german("Support this idea"))
    assert not Support.objects.filter(idea=other, user=clara).exists()
    other.refresh_from_db()
    assert other.support_count == before

    # Report the other idea: an empty reason is refused, a reason is stored for the moderators only.
    page.locator("summary", has_text=german("Something is wrong with this idea")).click()
    report_form = page.locator(f"form:has(#report-idea-{other.pk})")
    submit(page, report_form)
    # The answer page keeps the form open with the error next to the field.
    expect(page.locator(f"#report-idea-{other.pk}-error")).to_be_visible()
    assert not Report.objects.filter(idea=other, reporter=clara).exists()
    audit.check(page)
    page.locator(f"#report-idea-{other.pk}").fill("Enthält die Telefonnummer einer Privatperson.")
    submit(page, page.locator(f"form:has(#report-idea-{other.pk})"))
    assert Report.objects.filter(idea=other, reporter=clara).count() == 1
    audit.check(page)

    # The moderator finds the report in the queue and moves the idea into assessment with a reason.
    page.context.clear_cookies()
    sign_in(page, MODERATOR, DEMO_PASSWORD)
    page.goto(reverse("participation:moderation"))
    audit.check(page)
    moderate_url = reverse("participation:idea_moderate", args=[other.pk])
    with page.expect_navigation():
        page.locator(f"main a[href='{moderate_url}']").first.click()
    audit.check(page)
    page.locator("select[name=status]").select_option(IdeaStatus.UNDER_ASSESSMENT.value)
    page.locator("textarea[name=reason]").fill("Die Stabsstelle prüft die Idee mit dem Expertenbeirat.")
    submit(page, page.locator("main form", has=page.locator("select[name=status]")))
    other.refresh_from_db()
    assert other.status == IdeaStatus.UNDER_ASSESSMENT
    event = IdeaEvent.objects.filter(idea=other).latest("created_at")
    assert (event.to_status, event.actor.email) == (IdeaStatus.UNDER_ASSESSMENT, MODERATOR)
    audit.check(page)

    # On the public page the moderator hides Clara's reply with a reason that replaces its text.
    page.goto(idea.get_absolute_url())
    reply_article = page.locator(f"#comment-{reply.pk}")
    reply_article.locator("summary", has_text=german("Moderate")).click()
    page.locator(f"#hide-reason-{reply.pk}").fill("Off-Topic")
    submit(page, reply_article.locator("form", has=page.locator(f"#hide-reason-{reply.pk}")))
    expect(page.locator(f"#comment-{reply.pk}")).to_contain_text("Off-Topic")
    expect(page.locator(f"#comment-{reply.pk}")).not_to_contain_text("Schülerinnen")
    reply.refresh_from_db()
    assert reply.is_hidden
    assert ModerationEvent.objects.filter(comment=reply, actor__email=MODERATOR).exists()
    audit.check(page)

    # Anyone can read the result: the idea list and map show Clara's idea.
    page.context.clear_cookies()
    page.goto(reverse("participation:idea_list") + "?q=Mitfahrbank")
    expect(page.locator("main")).to_contain_text(TITLE)
    audit.check(page)
    page.goto(reverse("participation:idea_map"))
    expect(page.locator("main table")).to_contain_text(TITLE)
    audit.check(page)

    audit.assert_clean()

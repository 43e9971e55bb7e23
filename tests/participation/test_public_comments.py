"""The discussion under an idea: writing, replying one level deep, correcting within the window, deleting,
reporting; how deleted, hidden and highlighted comments look; bad input answered 400 on the idea page."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from smartregion.participation.models import Comment, IdeaStatus, ParticipationBlock, Report

from ..factories import UserFactory
from .factories import CommentFactory, IdeaFactory
from .public_support import german, text_of

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


@pytest.fixture
def idea(collecting):
    return IdeaFactory(process=collecting)


def _comment(client, idea, body="Gute Idee!", **extra):
    return client.post(reverse("participation:comment_create", args=[idea.pk]), {"body": body, **extra})


def test_a_comment_is_published_and_the_page_jumps_to_it(citizen_client, citizen, idea):
    response = _comment(citizen_client, idea, "Das *brauchen* wir.")
    comment = Comment.objects.get()
    assert response["Location"] == f"{idea.get_absolute_url()}#comment-{comment.pk}"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [german("Your comment is published.")]
    assert comment.author == citizen
    page = text_of(citizen_client.get(idea.get_absolute_url()))
    assert "Das <em>brauchen</em> wir." in page
    assert german("Comment by %(name)s", name="Clara Bürger") in page


def test_a_reply_goes_under_its_top_level_comment(citizen_client, idea):
    top = CommentFactory(idea=idea)
    assert _comment(citizen_client, idea, "Stimme zu.", parent=top.pk).status_code == 302
    reply = Comment.objects.get(parent=top)
    page = text_of(citizen_client.get(idea.get_absolute_url()))
    assert page.index(f'id="comment-{top.pk}"') < page.index('class="sr-comments sr-comments--replies"')
    assert page.index('class="sr-comments sr-comments--replies"') < page.index(f'id="comment-{reply.pk}"')
    assert german("Reply by %(name)s", name="Clara Bürger") in page


def test_a_reply_to_a_reply_is_400_and_stored_nowhere(citizen_client, idea):
    top = CommentFactory(idea=idea)
    reply = CommentFactory(idea=idea, parent=top)
    response = _comment(citizen_client, idea, "Tiefer geht es nicht.", parent=reply.pk)
    assert response.status_code == 400
    assert german("You can only reply to a top-level comment of this idea.") in text_of(response)
    assert Comment.objects.count() == 2


@pytest.mark.parametrize("parent", ["other-idea", "999999", "abc", "-1"])
def test_a_reply_to_a_comment_elsewhere_or_nowhere_is_400(citizen_client, collecting, idea, parent):
    if parent == "other-idea":
        parent = CommentFactory(idea=IdeaFactory(process=collecting)).pk
    response = _comment(citizen_client, idea, "Antwort", parent=parent)
    assert response.status_code == 400
    assert not Comment.objects.filter(idea=idea).exists()


@pytest.mark.parametrize(
    ("body", "expected"),
    [("", lambda: german("Please write a comment.")), ("x" * 5001, lambda: "höchstens 5000 Zeichen")],
)
def test_an_empty_or_too_long_comment_is_400_with_the_message(citizen_client, idea, body, expected):
    response = _comment(citizen_client, idea, body)
    assert response.status_code == 400
    assert expected() in text_of(response)
    assert 'aria-invalid="true"' in text_of(response)
    assert not Comment.objects.exists()


def test_a_failed_comment_keeps_its_text_in_the_comment_form(citizen_client, idea):
    response = _comment(citizen_client, idea, "z" * 5001)
    page = text_of(response)
    assert response.status_code == 400
    start = page.index('id="comment-body"')
    assert page.index("z" * 5001) > start
    assert 'aria-describedby="comment-body-hint comment-body-error" aria-invalid="true"' in page[start:]


def test_a_failed_reply_keeps_its_text_in_its_open_form(citizen_client, idea):
    top = CommentFactory(idea=idea)
    response = _comment(citizen_client, idea, "y" * 5001, parent=top.pk)
    page = text_of(response)
    assert response.status_code == 400
    assert '<details class="sr-details" open>' in page
    assert f'id="reply-{top.pk}"' in page
    assert "y" * 5001 in page


@pytest.mark.parametrize("status", [IdeaStatus.ADOPTED, IdeaStatus.NOT_PURSUED])
def test_commenting_on_a_closed_idea_is_400_with_the_reason(citizen_client, collecting, status):
    idea = IdeaFactory(process=collecting, status=status)
    response = _comment(citizen_client, idea, "Zu spät?")
    assert response.status_code == 400
    message = german(
        "This idea is closed (%(status)s) and can no longer be commented on.",
        status=german(IdeaStatus(status).label),
    )
    assert message in text_of(response)
    assert not Comment.objects.exists()


def test_a_comment_with_a_filled_honeypot_stores_nothing(citizen_client, idea):
    assert _comment(citizen_client, idea, "Kauft Uhren!", website="http://spam.example").status_code == 400
    assert not Comment.objects.exists()


def test_commenting_is_rate_limited(citizen_client, idea):
    answers = [_comment(citizen_client, idea, "").status_code for _ in range(31)]
    assert answers == [400] * 30 + [429]


def test_the_author_corrects_a_comment_within_the_window(citizen_client, citizen, idea):
    comment = CommentFactory(idea=idea, author=citizen, body="Tippfeler")
    page = text_of(citizen_client.get(idea.get_absolute_url()))
    assert f'action="{reverse("participation:comment_edit", args=[comment.pk])}"' in page
    response = citizen_client.post(
        reverse("participation:comment_edit", args=[comment.pk]), {"body": "Tippfehler"}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Tippfehler"
    assert comment.edited_at is not None
    assert german("corrected") in text_of(citizen_client.get(idea.get_absolute_url()))


def test_an_empty_correction_is_400(citizen_client, citizen, idea):
    comment = CommentFactory(idea=idea, author=citizen, body="Original")
    response = citizen_client.post(reverse("participation:comment_edit", args=[comment.pk]), {"body": " "})
    assert response.status_code == 400
    assert german("Please write a comment.") in text_of(response)
    comment.refresh_from_db()
    assert comment.body == "Original"


def test_after_the_window_a_comment_cannot_be_corrected(citizen_client, citizen, idea):
    comment = CommentFactory(idea=idea, author=citizen, body="Original")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=16))
    page = text_of(citizen_client.get(idea.get_absolute_url()))
    assert reverse("participation:comment_edit", args=[comment.pk]) not in page
    response = citizen_client.post(reverse("participation:comment_edit", args=[comment.pk]), {"body": "Neu"})
    assert response.status_code == 403
    assert german(
        "A comment can be corrected only within %(minutes)s minutes after writing it.", minutes=15
    ) in text_of(response)
    comment.refresh_from_db()
    assert comment.body == "Original"


def test_nobody_corrects_or_deletes_the_comments_of_others(citizen_client, idea):
    comment = CommentFactory(idea=idea, body="Fremd")
    for name in ("comment_edit", "comment_delete"):
        response = citizen_client.post(reverse(f"participation:{name}", args=[comment.pk]), {"body": "Meins"})
        assert response.status_code == 403
        assert german("You can only change your own comments.") in text_of(response)
    comment.refresh_from_db()
    assert (comment.body, comment.is_deleted) == ("Fremd", False)


def test_deleting_leaves_a_note_in_the_thread(citizen_client, citizen, idea):
    comment = CommentFactory(idea=idea, author=citizen, body="Bitte vergessen")
    response = citizen_client.post(reverse("participation:comment_delete", args=[comment.pk]))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_deleted
    page = text_of(citizen_client.get(idea.get_absolute_url()))
    assert german("This comment was deleted.") in page
    assert "Bitte vergessen" not in page
    assert citizen_client.post(reverse("participation:comment_delete", args=[comment.pk])).status_code == 400


def test_hidden_comments_show_the_moderation_reason_and_not_their_text(client, idea):
    CommentFactory(idea=idea, body="Beleidigung", is_hidden=True, hidden_reason="Persönlicher Angriff")
    page = text_of(client.get(idea.get_absolute_url()))
    assert german("Hidden by the moderation: %(reason)s", reason="Persönlicher Angriff") in page
    assert "Beleidigung" not in page


def test_highlighted_comments_come_first_and_say_so(client, idea):
    CommentFactory(idea=idea, body="Erster")
    CommentFactory(idea=idea, body="Hervorgehoben", is_highlighted=True)
    page = text_of(client.get(idea.get_absolute_url()))
    assert page.index("Hervorgehoben") < page.index("Erster")
    assert german("Highlighted by the moderation") in page


def test_report_a_comment(citizen_client, citizen, idea):
    comment = CommentFactory(idea=idea)
    url = reverse("participation:comment_report", args=[comment.pk])
    response = citizen_client.post(url, {"reason": "Beleidigend", "website": ""})
    assert response["Location"] == f"{idea.get_absolute_url()}#comment-{comment.pk}"
    report = Report.objects.get()
    assert (report.comment, report.reporter, report.reason) == (comment, citizen, "Beleidigend")
    response = citizen_client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert german("Please tell us what is wrong.") in text_of(response)
    assert citizen_client.post(url, {"reason": "Spam", "website": "bot"}).status_code == 400
    assert Report.objects.count() == 1


def test_deleted_comments_cannot_be_reported(citizen_client, idea):
    comment = CommentFactory(idea=idea, is_deleted=True, body="")
    response = citizen_client.post(
        reverse("participation:comment_report", args=[comment.pk]), {"reason": "x"}
    )
    assert response.status_code == 400
    assert german("This comment is no longer shown.") in text_of(response)
    assert not Report.objects.exists()


def test_actions_are_offered_only_where_allowed(client, citizen, idea):
    own = CommentFactory(idea=idea, author=citizen)
    other = CommentFactory(idea=idea)
    deleted = CommentFactory(idea=idea, is_deleted=True, body="")
    anonymous = text_of(client.get(idea.get_absolute_url()))
    assert german("Please sign in to comment.") in anonymous
    assert "participation:comment_report" not in anonymous
    assert reverse("participation:comment_report", args=[other.pk]) not in anonymous

    client.force_login(citizen)
    page = text_of(client.get(idea.get_absolute_url()))
    assert reverse("participation:comment_report", args=[other.pk]) in page
    assert reverse("participation:comment_report", args=[own.pk]) not in page
    assert reverse("participation:comment_report", args=[deleted.pk]) not in page
    assert reverse("participation:comment_delete", args=[own.pk]) in page
    assert reverse("participation:comment_delete", args=[other.pk]) not in page
    assert reverse("participation:comment_reply", args=[other.pk]) in page
    assert reverse("participation:comment_reply", args=[deleted.pk]) not in page


def test_comment_pages_of_unknown_comments_are_404(citizen_client):
    for name in ("comment_edit", "comment_delete", "comment_report"):
        assert citizen_client.post(reverse(f"participation:{name}", args=[999999]), {}).status_code == 404


def test_comments_on_ideas_one_may_not_see_are_404(collecting):
    from django.test import Client

    hidden_idea = IdeaFactory(process=collecting, status=IdeaStatus.HIDDEN)
    comment = CommentFactory(idea=hidden_idea)
    client = Client()
    client.force_login(UserFactory())
    for name in ("comment_edit", "comment_delete", "comment_report"):
        assert (
            client.post(reverse(f"participation:{name}", args=[comment.pk]), {"body": "x"}).status_code == 404
        )


def test_moderators_find_the_moderation_actions_on_the_idea_page(client, citizen, idea, make_person):
    comment = CommentFactory(idea=idea)
    action = reverse("participation:comment_moderate", args=[comment.pk])
    client.force_login(citizen)
    assert action not in text_of(client.get(idea.get_absolute_url()))
    client.force_login(make_person("moderator"))
    page = text_of(client.get(idea.get_absolute_url()))
    assert f'action="{action}"' in page
    assert f'name="next" value="{idea.get_absolute_url()}"' in page
    assert reverse("participation:idea_moderate", args=[idea.pk]) in page


# --- Reply and report forms on demand ----------------------------------------------------------------


def test_the_idea_page_links_to_the_forms_instead_of_carrying_one_per_comment(citizen_client, idea):
    comments = [CommentFactory(idea=idea) for _ in range(3)]
    page = text_of(citizen_client.get(idea.get_absolute_url()))
    assert page.count("<textarea") == 2  # the new comment's, and the report of the idea
    for comment in comments:
        reply = reverse("participation:comment_reply", args=[comment.pk])
        assert f'href="{reply}" hx-get="{reply}" hx-target="#comment-{comment.pk}-form"' in page
        assert f'<div id="comment-{comment.pk}-form"></div>' in page


def test_the_reply_form_without_javascript_is_a_page_that_posts_the_reply(citizen_client, idea):
    top = CommentFactory(idea=idea, body="Mehr Bänke, bitte.")
    response = citizen_client.get(reverse("participation:comment_reply", args=[top.pk]))
    page = text_of(response)
    assert response.status_code == 200
    assert german("Reply to a comment") in page
    assert "Mehr Bänke, bitte." in page
    assert f'action="{reverse("participation:comment_create", args=[idea.pk])}"' in page
    assert f'<input type="hidden" name="parent" value="{top.pk}">' in page
    assert f'<label class="kern-label" for="reply-{top.pk}">{german("Your reply")}</label>' in page
    assert "autofocus" not in page
    assert _comment(citizen_client, idea, "Stimme zu.", parent=top.pk).status_code == 302
    assert Comment.objects.filter(parent=top, body="Stimme zu.").exists()


def test_the_reply_form_for_htmx_is_the_form_alone(citizen_client, idea):
    top = CommentFactory(idea=idea)
    response = citizen_client.get(
        reverse("participation:comment_reply", args=[top.pk]), HTTP_HX_REQUEST="true"
    )
    page = text_of(response).strip()
    assert response.status_code == 200
    assert page.startswith("<form")
    assert page.endswith("</form>")
    assert f'id="reply-{top.pk}"' in page
    assert "autofocus" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_report_form_comes_on_demand(citizen_client, idea):
    comment = CommentFactory(idea=idea, body="Werbung für Autos.")
    url = reverse("participation:comment_report", args=[comment.pk])
    page = text_of(citizen_client.get(url))
    assert german("Report a comment") in page
    assert "Werbung für Autos." in page
    assert f'action="{url}"' in page
    assert f'id="report-{comment.pk}"' in page
    fragment = text_of(citizen_client.get(url, HTTP_HX_REQUEST="true")).strip()
    assert fragment.startswith("<form")
    assert f'id="report-{comment.pk}"' in fragment


def test_the_forms_on_demand_ask_what_their_posts_ask(client, citizen, collecting, idea):
    top = CommentFactory(idea=idea)
    reply = CommentFactory(idea=idea, parent=top)
    deleted = CommentFactory(idea=idea, is_deleted=True, body="")
    reply_url = reverse("participation:comment_reply", args=[top.pk])
    report_url = reverse("participation:comment_report", args=[top.pk])
    # Anonymous visitors are asked to sign in.
    for url in (reply_url, report_url):
        assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(citizen)
    # Only top-level comments take replies; a deleted comment takes neither.
    response = client.get(reverse("participation:comment_reply", args=[reply.pk]))
    assert response.status_code == 400
    assert german("You can only reply to a top-level comment of this idea.") in text_of(response)
    assert client.get(reverse("participation:comment_reply", args=[deleted.pk])).status_code == 400
    response = client.get(reverse("participation:comment_report", args=[deleted.pk]))
    assert response.status_code == 400
    assert german("This comment is no longer shown.") in text_of(response)
    # Blocked people read why, as when they post.
    ParticipationBlock.objects.create(user=citizen, reason="Spam")
    for url in (reply_url, report_url):
        response = client.get(url)
        assert response.status_code == 403
        assert german("You are blocked from contributing. Reason: %(reason)s", reason="Spam") in text_of(
            response
        )
    # An idea one may not see hides its comments' forms too.
    hidden = CommentFactory(idea=IdeaFactory(process=collecting, status=IdeaStatus.HIDDEN))
    ParticipationBlock.objects.filter(user=citizen).delete()
    for name in ("comment_reply", "comment_report"):
        assert client.get(reverse(f"participation:{name}", args=[hidden.pk])).status_code == 404


def test_no_reply_form_when_the_idea_takes_no_comments(citizen_client, collecting):
    closed = IdeaFactory(process=collecting, status=IdeaStatus.NOT_PURSUED)
    comment = CommentFactory(idea=closed)
    response = citizen_client.get(reverse("participation:comment_reply", args=[comment.pk]))
    assert response.status_code == 400
    assert reverse("participation:comment_reply", args=[comment.pk]) not in text_of(
        citizen_client.get(closed.get_absolute_url())
    )

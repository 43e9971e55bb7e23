"""Supporting, following and reporting an idea through the page: PRG with a message, the htmx partials,
refusals with their reason, bad input as 400, the honeypot and the rate limit."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from smartregion.participation.models import Follow, Idea, IdeaStatus, ParticipationBlock, Report, Support

from ..factories import UserFactory
from .factories import IdeaFactory
from .public_support import german, text_of

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def idea(collecting):
    return IdeaFactory(process=collecting)


def _support(client, idea, action="add", **extra):
    return client.post(reverse("participation:idea_support", args=[idea.pk]), {"action": action}, **extra)


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_support_and_withdraw_redirect_back_with_a_message(citizen_client, citizen, idea):
    response = _support(citizen_client, idea)
    assert response.status_code == 302
    assert response["Location"] == idea.get_absolute_url() + "#support"
    assert _messages(response) == [german("Thank you! Your support is counted.")]
    idea.refresh_from_db()
    assert idea.support_count == 1
    page = text_of(citizen_client.get(idea.get_absolute_url()))
    assert german("You support this idea.") in page
    assert 'value="withdraw"' in page

    response = _support(citizen_client, idea, "withdraw")
    assert _messages(response) == [german("Your support is withdrawn.")]
    idea.refresh_from_db()
    assert idea.support_count == 0
    assert not Support.objects.exists()


def test_supporting_twice_counts_once(citizen_client, idea):
    _support(citizen_client, idea)
    _support(citizen_client, idea)
    idea.refresh_from_db()
    assert idea.support_count == 1


def test_htmx_gets_the_support_box_with_a_status_message(citizen_client, idea):
    response = _support(citizen_client, idea, **HTMX)
    assert response.status_code == 200
    page = text_of(response)
    assert "<html" not in page
    assert '<span class="sr-count__number">1</span>' in page
    assert 'value="withdraw"' in page
    assert 'id="support-status" hx-swap-oob="innerHTML"' in page
    assert german("Thank you! Your support is counted.") in page


def test_the_support_button_works_without_and_with_javascript(client, idea):
    page = text_of(client.get(idea.get_absolute_url()))
    assert german("Please sign in to support this idea.") in page
    client.force_login(UserFactory())
    page = text_of(client.get(idea.get_absolute_url()))
    action = reverse("participation:idea_support", args=[idea.pk])
    assert f'method="post" action="{action}" hx-post="{action}"' in page
    assert 'id="support-status" class="kern-body" role="status"' in page


@pytest.mark.parametrize("action", ["", "like", "ADD"])
def test_an_unknown_support_action_is_400(citizen_client, idea, action):
    assert _support(citizen_client, idea, action).status_code == 400
    assert not Support.objects.exists()


def test_supporting_a_closed_idea_is_400_with_the_reason(citizen_client, collecting):
    idea = IdeaFactory(process=collecting, status=IdeaStatus.ADOPTED)
    response = _support(citizen_client, idea)
    assert response.status_code == 400
    message = german(
        "This idea is closed (%(status)s) and can no longer be supported.", status=german("Adopted")
    )
    assert message in text_of(response)
    assert not Support.objects.exists()


def test_supporting_a_closed_idea_with_htmx_sends_the_browser_to_the_reason(citizen_client, collecting):
    idea = IdeaFactory(process=collecting, status=IdeaStatus.NOT_PURSUED)
    response = _support(citizen_client, idea, **HTMX)
    assert response.status_code == 400
    assert response["HX-Redirect"] == idea.get_absolute_url()
    assert not Support.objects.exists()


def test_blocked_people_cannot_support_and_read_why(citizen_client, citizen, idea):
    ParticipationBlock.objects.create(user=citizen, reason="Spam")
    response = _support(citizen_client, idea)
    assert response.status_code == 403
    assert german("You are blocked from contributing. Reason: %(reason)s", reason="Spam") in text_of(response)
    page = text_of(citizen_client.get(idea.get_absolute_url()))
    assert german("You are blocked from contributing. Reason: %(reason)s", reason="Spam") in page
    assert 'value="add"' not in page


def test_anonymous_posts_are_sent_to_sign_in(client, idea):
    for name in ("idea_support", "idea_follow", "idea_report", "comment_create"):
        response = client.post(reverse(f"participation:{name}", args=[idea.pk]), {"action": "add"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not Support.objects.exists()


def test_hidden_and_unknown_ideas_are_404_for_every_action(citizen_client, collecting):
    hidden = IdeaFactory(process=collecting, status=IdeaStatus.HIDDEN)
    for pk in (hidden.pk, 999999):
        assert citizen_client.get(reverse("participation:idea", args=[pk])).status_code == 404
        for name in ("idea_support", "idea_follow", "idea_report", "comment_create"):
            assert citizen_client.post(reverse(f"participation:{name}", args=[pk]), {}).status_code == 404


def test_follow_and_unfollow(citizen_client, citizen, idea):
    url = reverse("participation:idea_follow", args=[idea.pk])
    response = citizen_client.post(url, {"action": "follow"})
    assert response["Location"] == idea.get_absolute_url() + "#follow"
    assert Follow.objects.filter(user=citizen, idea=idea).exists()
    assert german("Stop following the idea") in text_of(citizen_client.get(idea.get_absolute_url()))
    response = citizen_client.post(url, {"action": "unfollow"}, **HTMX)
    assert response.status_code == 200
    assert german("You no longer follow this idea.") in text_of(response)
    assert german("Follow the idea") in text_of(response)
    assert not Follow.objects.exists()
    assert citizen_client.post(url, {"action": "maybe"}).status_code == 400


def test_follow_a_process(citizen_client, citizen, collecting):
    url = reverse("participation:process_follow", args=[collecting.slug])
    assert citizen_client.post(url, {"action": "follow"})["Location"] == collecting.get_absolute_url()
    assert Follow.objects.filter(user=citizen, process=collecting).exists()
    assert german("You follow this process.") in text_of(citizen_client.get(collecting.get_absolute_url()))
    citizen_client.post(url, {"action": "unfollow"})
    assert not Follow.objects.exists()
    assert citizen_client.post(url, {"action": ""}).status_code == 400


def test_report_an_idea_once(citizen_client, citizen, idea):
    url = reverse("participation:idea_report", args=[idea.pk])
    response = citizen_client.post(url, {"reason": "Werbung für eine Firma", "website": ""})
    assert response.status_code == 302
    assert _messages(response) == [german("Thank you. The moderators will look at your report.")]
    assert Report.objects.get().idea == idea
    again = citizen_client.post(url, {"reason": "Nochmal", "website": ""})
    assert again.status_code == 400
    assert german("You have reported this already. The moderators will look at it.") in text_of(again)
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"reason": ""}, lambda: german("Please tell us what is wrong.")),
        ({"reason": "x" * 501}, lambda: "höchstens 500 Zeichen"),
    ],
)
def test_bad_reports_are_400_with_the_message(citizen_client, idea, data, expected):
    response = citizen_client.post(reverse("participation:idea_report", args=[idea.pk]), data)
    assert response.status_code == 400
    assert expected() in text_of(response)
    assert '<details class="sr-details" open>' in text_of(response)
    assert not Report.objects.exists()


def test_a_report_with_a_filled_honeypot_stores_nothing(citizen_client, idea):
    url = reverse("participation:idea_report", args=[idea.pk])
    assert citizen_client.post(url, {"reason": "Spam", "website": "x"}).status_code == 400
    assert not Report.objects.exists()


def test_reports_are_rate_limited(citizen_client, collecting):
    ideas = [IdeaFactory(process=collecting) for _ in range(21)]
    answers = [
        citizen_client.post(
            reverse("participation:idea_report", args=[idea.pk]), {"reason": "Spam"}
        ).status_code
        for idea in ideas
    ]
    assert answers == [302] * 20 + [429]
    assert Report.objects.count() == 20


def test_supporting_is_rate_limited(citizen_client, idea):
    answers = {_support(citizen_client, idea, action).status_code for action in ["add", "withdraw"] * 150}
    assert answers == {302}
    assert _support(citizen_client, idea).status_code == 429
    assert Idea.objects.get().support_count == 0

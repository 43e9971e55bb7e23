"""The moderation pages: what staff see, how bad input is answered, and fixed query counts.

Who may do what is in test_moderation_matrix.py; this module checks the behaviour behind an allowed
request: forms limited to what the workflow allows, service errors shown as 400 with a German message
and nothing changed, redirects and messages, private data shown to staff only.
"""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from smartregion.participation import services
from smartregion.participation.models import (
    AssistedContribution,
    Channel,
    Idea,
    IdeaEvent,
    IdeaStatus,
    ModerationEvent,
    ParticipationBlock,
    Report,
    Support,
)

from ..factories import UserFactory
from .factories import CommentFactory, IdeaFactory
from .staff_support import make_comment, make_domain, make_idea, make_process

GERMAN_REQUIRED = "Dieses Feld ist zwingend erforderlich."


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def moderator(client, make_person):
    user = make_person("moderator")
    client.force_login(user)
    return user


@pytest.fixture
def process(db):
    return make_process()


def _german(msgid: str) -> str:
    """What the German page shows for one of our messages (the lead keeps the catalogue)."""
    with translation.override("de"):
        return gettext(msgid)


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _assert_page_basics(html: str) -> None:
    """One h1, no inline scripts or styles (the CSP forbids them), every visible input labelled."""
    assert html.count("<h1") == 1
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    for input_id in re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', html):
        assert f'for="{input_id}"' in html, f"no label for #{input_id}"


# --- Queue ---------------------------------------------------------------------------------------


def test_queue_lists_waiting_ideas_with_their_origin_and_open_reports(
    client, moderator, process, municipality
):
    online = make_idea(
        process, title="Mehr Bänke am Rhein", status=IdeaStatus.SUBMITTED, municipality=municipality
    )
    phoned = make_idea(process, title="Bürgerbus", status=IdeaStatus.SUBMITTED, author=None)
    AssistedContribution.objects.create(idea=phoned, public_attribution="eingereicht per Telefon")
    make_idea(process, title="Schon veröffentlicht")
    comment = make_comment(make_idea(process, title="Diskutiert"), body="Unsinn!")
    Report.objects.create(comment=comment, reporter=UserFactory(display_name="Rita"), reason="Beleidigung")
    Report.objects.create(
        comment=make_comment(online), reporter=UserFactory(), reason="Erledigt", resolved_at=timezone.now()
    )

    response = client.get(reverse("participation:moderation"))

    html = response.content.decode()
    assert response.status_code == 200
    for shown in ("Mehr Bänke am Rhein", online.author.public_name, "Bürgerbus", "eingereicht per Telefon"):
        assert shown in html
    for shown in ("Beleidigung", "Rita", "Unsinn!"):
        assert shown in html
    assert "Schon veröffentlicht" not in html
    assert "Erledigt" not in html
    _assert_page_basics(html)


def test_coordinator_queue_holds_only_their_municipalities(client, make_person, process, municipality):
    other = make_idea(process, title="Anderswo", status=IdeaStatus.SUBMITTED, municipality=None)
    make_idea(process, title="Bei uns", status=IdeaStatus.SUBMITTED, municipality=municipality)
    client.force_login(make_person("coordinator"))

    html = client.get(reverse("participation:moderation")).content.decode()

    assert "Bei uns" in html
    assert other.title not in html


def test_queue_query_count_does_not_grow_with_rows(client, moderator, process, municipality):
    def add_rows(n: int) -> None:
        for i in range(n):
            idea = make_idea(
                process, title=f"Wartend {i}", status=IdeaStatus.SUBMITTED, municipality=municipality
            )
            Report.objects.create(idea=idea, reporter=UserFactory(), reason="?")
            Report.objects.create(comment=make_comment(idea), reporter=UserFactory(), reason="!")

    add_rows(1)
    url = reverse("participation:moderation")
    client.get(url)  # session and role caches warm
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_rows(20)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("Wartend") >= 21
    assert len(many) == len(few)


def test_queue_pages_through_long_queues(client, moderator, process):
    for i in range(51):
        make_idea(process, title=f"Wartend {i:02d}", status=IdeaStatus.SUBMITTED)
    url = reverse("participation:moderation")

    first = client.get(url).content.decode()
    second = client.get(url, {"seite": 2}).content.decode()

    assert first.count("Wartend ") == 2 * 50  # the title and the review link
    assert "?seite=2" in first
    assert "Wartend 50" in second
    assert "Wartend 00" not in second


# --- One idea: private data, status form ---------------------------------------------------------


def test_idea_page_shows_private_contact_data_and_only_allowed_statuses(client, moderator, process):
    idea = make_idea(process, status=IdeaStatus.SUBMITTED, author=None, channel=Channel.LETTER)
    AssistedContribution.objects.create(
        idea=idea,
        contributor_name="Erika Muster",
        contributor_contact="Hauptstr. 5, Mayen",
        consent_given_at=timezone.now(),
        public_attribution="eingereicht per Brief",
    )

    response = client.get(reverse("participation:idea_moderate", args=[idea.pk]))

    html = response.content.decode()
    assert "Erika Muster" in html
    assert "Hauptstr. 5, Mayen" in html
    status_options = re.findall(r'<option value="([a-z_]+)"', html)
    assert sorted(status_options) == sorted(services.STATUS_TRANSITIONS[IdeaStatus.SUBMITTED])
    assert 'name="merged_into"' not in html  # a waiting idea cannot be merged
    _assert_page_basics(html)


def test_merge_targets_are_other_public_ideas_of_the_same_process(client, moderator, process):
    idea = make_idea(process, title="Radweg B9")
    target = make_idea(process, title="Radweg B9 (älter)")
    make_idea(process, title="Noch wartend", status=IdeaStatus.SUBMITTED)
    make_idea(make_process("andere"), title="Anderer Prozess")

    html = client.get(reverse("participation:idea_moderate", args=[idea.pk])).content.decode()

    select = html[
        html.index('name="merged_into"') : html.index("</select>", html.index('name="merged_into"'))
    ]
    assert f'value="{target.pk}"' in select
    assert f'value="{idea.pk}"' not in select
    assert "Noch wartend" not in select
    assert "Anderer Prozess" not in select


def test_idea_page_query_count_does_not_grow_with_merge_targets_or_comments(client, moderator, process):
    idea = make_idea(process)
    url = reverse("participation:idea_moderate", args=[idea.pk])
    make_idea(process, title="Ziel 0")
    make_comment(idea)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(20):
        make_idea(process, title=f"Ziel {i + 1}")
        make_comment(idea)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("Ziel ") == 21
    assert len(many) == len(few)


def test_status_change_with_reason_redirects_with_a_message(client, moderator, process):
    idea = make_idea(process)
    url = reverse("participation:idea_moderate", args=[idea.pk])

    response = client.post(url, {"status": IdeaStatus.NOT_PURSUED, "reason": "Nicht im Kreis zuständig."})

    assert response.status_code == 302
    assert response["Location"] == url
    idea.refresh_from_db()
    assert (idea.status, idea.status_reason) == (IdeaStatus.NOT_PURSUED, "Nicht im Kreis zuständig.")
    assert IdeaEvent.objects.filter(idea=idea, to_status=IdeaStatus.NOT_PURSUED, actor=moderator).exists()
    assert len(_messages(response)) == 1


def test_missing_reason_is_400_with_the_message_and_nothing_changes(client, moderator, process):
    idea = make_idea(process)

    response = client.post(
        reverse("participation:idea_moderate", args=[idea.pk]),
        {"status": IdeaStatus.NOT_PURSUED, "reason": " "},
    )

    assert response.status_code == 400
    assert _german("Please give a public reason for this decision.") in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PUBLISHED
    assert not IdeaEvent.objects.filter(idea=idea).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, GERMAN_REQUIRED),
        ({"status": "adopted!"}, "Bitte eine gültige Auswahl treffen."),
        # Not allowed from "published": the form offers only the workflow's next steps.
        ({"status": IdeaStatus.SUBMITTED}, "Bitte eine gültige Auswahl treffen."),
        (
            {"status": IdeaStatus.MERGED, "reason": "doppelt", "merged_into": "999999"},
            "Bitte eine gültige Auswahl",
        ),
    ],
)
def test_bad_status_input_is_400_in_german(client, moderator, process, data, message):
    idea = make_idea(process)

    response = client.post(reverse("participation:idea_moderate", args=[idea.pk]), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'lang="de"' in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PUBLISHED


def test_merge_without_target_is_400(client, moderator, process):
    idea = make_idea(process)

    response = client.post(
        reverse("participation:idea_moderate", args=[idea.pk]),
        {"status": IdeaStatus.MERGED, "reason": "doppelt"},
    )

    assert response.status_code == 400
    assert _german("Please choose another published idea of the same process.") in response.content.decode()
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.PUBLISHED


def test_merge_moves_supports_to_the_target(client, moderator, process):
    idea, target = make_idea(process, title="Neu"), make_idea(process, title="Alt")
    both, only_idea = UserFactory(), UserFactory()
    Support.objects.create(idea=idea, user=both)
    Support.objects.create(idea=target, user=both)
    Support.objects.create(idea=idea, user=only_idea)

    response = client.post(
        reverse("participation:idea_moderate", args=[idea.pk]),
        {"status": IdeaStatus.MERGED, "reason": "Gleiche Idee.", "merged_into": target.pk},
    )

    assert response.status_code == 302
    idea.refresh_from_db()
    target.refresh_from_db()
    assert (idea.status, idea.merged_into_id) == (IdeaStatus.MERGED, target.pk)
    assert target.support_count == 2
    assert IdeaEvent.objects.filter(idea=idea, kind=IdeaEvent.Kind.MERGED).exists()


def test_merged_idea_offers_no_status_change(client, moderator, process):
    target = make_idea(process)
    idea = make_idea(process, status=IdeaStatus.MERGED, merged_into=target)

    response = client.get(reverse("participation:idea_moderate", args=[idea.pk]))

    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()


def test_approving_an_idea_that_is_no_longer_waiting_is_400(client, moderator, process):
    idea = make_idea(process, status=IdeaStatus.ADOPTED)

    response = client.post(reverse("participation:idea_moderate", args=[idea.pk]), {"approve": "1"})

    assert response.status_code == 400
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.ADOPTED


def test_unknown_idea_is_404(client, moderator):
    assert client.get(reverse("participation:idea_moderate", args=[424242])).status_code == 404


def test_approve_ignores_a_next_url_to_another_site(client, moderator, process):
    idea = make_idea(process, status=IdeaStatus.SUBMITTED)
    url = reverse("participation:idea_moderate", args=[idea.pk])

    response = client.post(url, {"approve": "1", "next": "https://evil.example/"})

    assert response["Location"] == url


# --- Comments --------------------------------------------------------------------------------------


def test_hiding_a_comment_returns_to_the_idea_with_a_message(client, moderator, process):
    idea = make_idea(process)
    comment = make_comment(idea)

    response = client.post(
        reverse("participation:comment_moderate", args=[comment.pk]),
        {"action": "hide", "reason": "Beleidigend"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("participation:idea", args=[idea.pk])
    assert _messages(response) == [_german("The comment is hidden.")]
    comment.refresh_from_db()
    assert (comment.is_hidden, comment.hidden_reason) == (True, "Beleidigend")
    assert Idea.objects.get(pk=idea.pk).comment_count == 0
    assert ModerationEvent.objects.get().reason == "Beleidigend"


def test_hiding_without_reason_is_400_and_changes_nothing(client, moderator, process):
    comment = make_comment(make_idea(process))

    response = client.post(reverse("participation:comment_moderate", args=[comment.pk]), {"action": "hide"})

    assert response.status_code == 400
    html = response.content.decode()
    assert _german("Please give a reason for hiding the comment.") in html
    _assert_page_basics(html)
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert not ModerationEvent.objects.exists()


def test_unknown_comment_action_is_400_in_german(client, moderator, process):
    comment = make_comment(make_idea(process))

    response = client.post(reverse("participation:comment_moderate", args=[comment.pk]), {"action": "delete"})

    assert response.status_code == 400
    assert "Bitte eine gültige Auswahl treffen." in response.content.decode()


def test_highlight_and_remove_it(client, moderator, process):
    comment = make_comment(make_idea(process))
    url = reverse("participation:comment_moderate", args=[comment.pk])

    client.post(url, {"action": "highlight"})
    comment.refresh_from_db()
    assert comment.is_highlighted
    client.post(url, {"action": "unhighlight"})
    comment.refresh_from_db()
    assert not comment.is_highlighted
    assert list(ModerationEvent.objects.order_by("id").values_list("action", flat=True)) == [
        ModerationEvent.Action.HIGHLIGHT_COMMENT,
        ModerationEvent.Action.UNHIGHLIGHT_COMMENT,
    ]


def test_comment_moderation_is_post_only(client, moderator, process):
    comment = make_comment(make_idea(process))
    assert client.get(reverse("participation:comment_moderate", args=[comment.pk])).status_code == 405


# --- Blocks --------------------------------------------------------------------------------------


def test_block_until_a_date_runs_through_that_day(client, moderator):
    target = UserFactory()
    until = timezone.localdate() + datetime.timedelta(days=7)

    response = client.post(
        reverse("participation:user_block", args=[target.pk]),
        {"action": "block", "reason": "Wiederholt beleidigend", "until": until.isoformat()},
    )

    assert response.status_code == 302
    block = ParticipationBlock.objects.get(user=target)
    assert timezone.localtime(block.until).date() == until + datetime.timedelta(days=1)
    assert timezone.localtime(block.until).time() == datetime.time.min
    assert ModerationEvent.objects.get().action == ModerationEvent.Action.BLOCK_USER


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "block", "reason": ""}, GERMAN_REQUIRED),
        (
            {"action": "block", "reason": "Spam", "until": "2020-01-01"},
            "Please choose today or a later date.",
        ),
        ({"action": "block", "reason": "Spam", "until": "morgen"}, "Bitte ein gültiges Datum eingeben."),
    ],
)
def test_bad_block_input_is_400(client, moderator, data, message):
    target = UserFactory()

    response = client.post(reverse("participation:user_block", args=[target.pk]), data)

    assert response.status_code == 400
    assert _german(message) in response.content.decode()
    assert not ParticipationBlock.objects.exists()
    assert not ModerationEvent.objects.exists()


def test_blocking_oneself_is_400(client, moderator):
    response = client.post(
        reverse("participation:user_block", args=[moderator.pk]), {"action": "block", "reason": "Test"}
    )

    assert response.status_code == 400
    assert _german("You cannot block yourself.") in response.content.decode()
    assert not ParticipationBlock.objects.exists()


def test_block_page_shows_the_current_block(client, moderator):
    target = UserFactory(display_name="Troll")
    ParticipationBlock.objects.create(user=target, reason="Spam-Links")

    response = client.get(reverse("participation:user_block", args=[target.pk]))

    html = response.content.decode()
    assert "Troll" in html
    assert "Spam-Links" in html
    assert 'value="unblock"' in html
    _assert_page_basics(html)


def test_unknown_person_is_404(client, moderator):
    assert client.get(reverse("participation:user_block", args=[424242])).status_code == 404


# --- Reports -------------------------------------------------------------------------------------


def test_resolving_twice_writes_one_event(client, moderator, process):
    report = Report.objects.create(idea=make_idea(process), reporter=UserFactory(), reason="Spam")
    url = reverse("participation:report_resolve", args=[report.pk])

    first = client.post(url)
    second = client.post(url)

    assert first["Location"] == second["Location"] == reverse("participation:moderation")
    assert ModerationEvent.objects.filter(action=ModerationEvent.Action.RESOLVE_REPORT).count() == 1


def test_report_resolve_is_post_only(client, moderator, process):
    report = Report.objects.create(idea=make_idea(process), reporter=UserFactory(), reason="Spam")
    assert client.get(reverse("participation:report_resolve", args=[report.pk])).status_code == 405


# --- Recording ideas -----------------------------------------------------------------------------


def _record_data(process, **overrides):
    return {
        "channel": "phone",
        "title": "Mitfahrbänke",
        "body": "Frau M. rief an: Mitfahrbänke in den Dörfern der Vordereifel.",
        "domains": [d.pk for d in process.domains.all()],
        **overrides,
    }


def test_record_page_says_the_idea_is_never_shown_with_the_staff_name(client, moderator, process):
    response = client.get(reverse("participation:idea_record", args=[process.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert _german("The idea is never shown with your name.") in html
    for attribution in services.ASSISTED_ATTRIBUTION.values():
        assert str(attribution) in html
    assert _german("The person agreed to the storage of their contact details") in html
    _assert_page_basics(html)


def test_recorded_idea_is_attributed_to_the_channel_never_to_staff(client, moderator, process):
    moderator.display_name = "Mira Moderation"
    moderator.save()

    response = client.post(
        reverse("participation:idea_record", args=[process.slug]),
        _record_data(
            process,
            contributor_name="Frau M.",
            contributor_contact="02651 1234",
            consent_given="on",
        ),
    )

    idea = Idea.objects.get(process=process)
    assert response["Location"] == idea.get_absolute_url()
    assert (idea.channel, idea.status, idea.author) == (Channel.PHONE, IdeaStatus.PUBLISHED, None)
    assert idea.assisted.public_attribution == str(services.ASSISTED_ATTRIBUTION[Channel.PHONE])
    assert "Mira" not in idea.assisted.public_attribution
    assert idea.assisted.consent_given_at is not None
    assert idea.assisted.contributor_contact == "02651 1234"
    assert idea.assisted.public_attribution in _messages(response)[0]


def test_contact_without_consent_is_400_and_nothing_is_stored(client, moderator, process):
    response = client.post(
        reverse("participation:idea_record", args=[process.slug]),
        _record_data(process, contributor_contact="erika@example.org"),
    )

    assert response.status_code == 400
    assert (
        _german("Contact details may only be stored if the person agreed. Please confirm or remove them.")
        in response.content.decode()
    )
    assert not Idea.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, GERMAN_REQUIRED),
        ({"domains": []}, GERMAN_REQUIRED),
        ({"channel": "online"}, "Bitte eine gültige Auswahl treffen."),
        ({"body": "x" * 10001}, "höchstens 10000 Zeichen"),
    ],
)
def test_bad_record_input_is_400(client, moderator, process, overrides, message):
    response = client.post(
        reverse("participation:idea_record", args=[process.slug]), _record_data(process, **overrides)
    )

    assert response.status_code == 400
    assert _german(message) in response.content.decode()
    assert not Idea.objects.exists()


def test_coordinator_records_only_for_their_municipalities(
    client, make_person, process, municipality, other_municipality
):
    client.force_login(make_person("coordinator"))
    url = reverse("participation:idea_record", args=[process.slug])

    html = client.get(url).content.decode()
    refused = client.post(url, _record_data(process, municipality=other_municipality.pk))
    accepted = client.post(url, _record_data(process, municipality=municipality.pk))

    assert municipality.name in html
    assert other_municipality.name not in html
    assert refused.status_code == 400
    assert accepted.status_code == 302
    assert Idea.objects.get().municipality == municipality


def test_unknown_process_is_404(client, moderator):
    assert client.get(reverse("participation:idea_record", args=["gibt-es-nicht"])).status_code == 404


def test_draft_process_accepts_recorded_ideas_from_staff(client, moderator):
    process = make_process("entwurf", visibility="draft", domains=[make_domain("energie", "Energie")])
    response = client.post(reverse("participation:idea_record", args=[process.slug]), _record_data(process))
    assert response.status_code == 302


# --- Rate limit ----------------------------------------------------------------------------------


def test_posts_are_rate_limited_per_person(client, moderator, process):
    report = Report.objects.create(idea=make_idea(process), reporter=UserFactory(), reason="Spam")
    url = reverse("participation:report_resolve", args=[report.pk])
    answers = [client.post(url).status_code for _ in range(61)]
    assert answers[:60] == [302] * 60
    # django-ratelimit answers 403 (Ratelimited is a PermissionDenied); with its middleware installed,
    # settings.RATELIMIT_VIEW would turn that into the 429 page.
    assert answers[60] in (403, 429)


@pytest.mark.parametrize("role", ["citizen", "expert"])
def test_people_without_a_moderation_right_cannot_probe_for_ids(client, signed_in, role, process):
    """Issue 11: the moderation pages answered 403 for existing and 404 for missing ids to anybody."""
    signed_in(role)
    idea = IdeaFactory(process=process)
    comment = CommentFactory(idea=idea)
    person = UserFactory()
    missing = 10**6
    for existing_url, missing_url, method in (
        (f"/moderation/ideen/{idea.pk}/", f"/moderation/ideen/{missing}/", client.get),
        (
            f"/moderation/personen/{person.pk}/sperren/",
            f"/moderation/personen/{missing}/sperren/",
            client.get,
        ),
        (
            reverse("participation:comment_moderate", args=[comment.pk]),
            reverse("participation:comment_moderate", args=[missing]),
            client.post,
        ),
    ):
        assert method(existing_url).status_code == method(missing_url).status_code == 403

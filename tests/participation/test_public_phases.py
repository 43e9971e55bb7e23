"""What the pages offer and accept depends on the phase: before the idea collection starts and after it
ended, the propose, support and comment forms are absent, the page says why, and POSTs are refused (403)."""

import pytest
from django.urls import reverse

from smartregion.participation.models import Comment, Idea, Phase, Support

from .factories import IdeaFactory, PhaseFactory, ProcessFactory
from .public_support import german, text_of

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


@pytest.fixture
def process(db, domain):
    def make(state):
        process = ProcessFactory(phase=state)
        process.domains.set([domain])
        return process

    return make


@pytest.mark.parametrize("state", ["before", "after"])
def test_outside_the_collection_nothing_can_be_submitted_supported_or_commented(
    citizen_client, process, domain, state
):
    process = process(state)
    idea = IdeaFactory(process=process)

    page = text_of(citizen_client.get(idea.get_absolute_url()))
    assert reverse("participation:idea_support", args=[idea.pk]) not in page
    assert reverse("participation:comment_create", args=[idea.pk]) not in page
    assert german("Supporting is not possible in this phase.") in page
    assert german("Commenting is not possible in this phase.") in page

    process_page = text_of(citizen_client.get(process.get_absolute_url()))
    assert reverse("participation:idea_create", args=[process.slug]) not in process_page
    assert german("At the moment you can read the ideas, but not submit, support or comment on them.") in (
        process_page
    )

    refused = [
        citizen_client.get(reverse("participation:idea_create", args=[process.slug])),
        citizen_client.post(
            reverse("participation:idea_create", args=[process.slug]),
            {"title": "Neu", "body": "Text", "domains": [domain.pk]},
        ),
        citizen_client.post(reverse("participation:idea_support", args=[idea.pk]), {"action": "add"}),
        citizen_client.post(reverse("participation:comment_create", args=[idea.pk]), {"body": "Spät"}),
    ]
    assert [response.status_code for response in refused] == [403, 403, 403, 403]
    assert german("Ideas can be submitted only while the idea collection runs.") in text_of(refused[0])
    assert german("Supporting is not possible in this phase.") in text_of(refused[2])
    assert german("Commenting is not possible in this phase.") in text_of(refused[3])
    assert Idea.objects.count() == 1
    assert not Support.objects.exists()
    assert not Comment.objects.exists()


def test_during_the_collection_everything_is_offered(citizen_client, process):
    process = process("active")
    idea = IdeaFactory(process=process)
    page = text_of(citizen_client.get(idea.get_absolute_url()))
    assert reverse("participation:idea_support", args=[idea.pk]) in page
    assert reverse("participation:comment_create", args=[idea.pk]) in page
    process_page = text_of(citizen_client.get(process.get_absolute_url()))
    assert reverse("participation:idea_create", args=[process.slug]) in process_page
    for feature in ("Submit ideas", "Support ideas", "Discuss ideas in the comments"):
        assert german(feature) in process_page


def test_a_discussion_phase_allows_comments_and_supports_but_no_new_ideas(citizen_client, process):
    process = process(None)
    PhaseFactory(process=process, kind=Phase.Kind.COMMENTING)
    idea = IdeaFactory(process=process)
    page = text_of(citizen_client.get(idea.get_absolute_url()))
    assert reverse("participation:comment_create", args=[idea.pk]) in page
    assert reverse("participation:idea_support", args=[idea.pk]) in page
    response = citizen_client.get(reverse("participation:idea_create", args=[process.slug]))
    assert response.status_code == 403


def test_the_timeline_names_past_current_and_upcoming_phases(client, process):
    process = process(None)
    PhaseFactory(process=process, kind=Phase.Kind.INFORMATION, state="after", title="Auftakt")
    PhaseFactory(process=process, kind=Phase.Kind.IDEA_COLLECTION, state="active")
    PhaseFactory(process=process, kind=Phase.Kind.ASSESSMENT, state="before")
    page = text_of(client.get(process.get_absolute_url()))
    timeline = page[page.index('<ol class="sr-timeline">') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert (
        timeline.index("Auftakt")
        < timeline.index(german("Idea collection"))
        < timeline.index(german("Assessment"))
    )
    assert timeline.count('aria-current="step"') == 1
    for state in ("Finished", "Now", "Upcoming"):
        assert german(state) in timeline
    assert "sr-timeline__item--past" in timeline
    assert "sr-timeline__item--upcoming" in timeline


def test_a_process_that_only_informs_names_the_next_phase(client, process):
    process = process(None)
    PhaseFactory(process=process, kind=Phase.Kind.INFORMATION, state="active")
    upcoming = PhaseFactory(process=process, kind=Phase.Kind.IDEA_COLLECTION, state="before")
    page = text_of(client.get(process.get_absolute_url()))
    assert german("At the moment you can read the ideas, but not submit, support or comment on them.") in page
    assert german("Idea collection") in page
    assert upcoming.starts_at.strftime("%Y") in page


def test_anonymous_visitors_are_invited_to_sign_in_during_the_collection(client, process):
    process = process("active")
    idea = IdeaFactory(process=process)
    assert german("Please sign in to submit an idea.") in text_of(client.get(process.get_absolute_url()))
    page = text_of(client.get(idea.get_absolute_url()))
    assert german("Please sign in to support this idea.") in page
    assert german("Please sign in to comment.") in page
    assert f"{reverse('account_login')}?next=" in page

"""Search and similar ideas show public content only, whoever asks: role x state of each kind.

Every unpublished document carries a word of its own ("geheimwort…"), so a leak shows up as that word on
the page, in a snippet, in the API, or among the similar ideas.
"""

import pytest
from django.urls import reverse

from smartregion.events.models import Event
from smartregion.insights.selectors import search_everything, similar_ideas
from smartregion.participation.models import IdeaStatus, Process

from ..conftest import ROLES
from ..participation.factories import ProcessFactory

pytestmark = pytest.mark.django_db

IDEA_STATES = {
    IdeaStatus.SUBMITTED: False,
    IdeaStatus.HIDDEN: False,
    IdeaStatus.PUBLISHED: True,
    IdeaStatus.UNDER_ASSESSMENT: True,
    IdeaStatus.ADOPTED: True,
    IdeaStatus.NOT_PURSUED: True,
}


def _shown(client, word: str) -> dict[str, bool]:
    """Where ``word`` appears for this client: search page, idea list, API."""
    return {
        # The page repeats the query in its form and title: only a highlighted match or the title counts.
        "search": f"<mark>{word}</mark>"
        in client.get(reverse("insights:search"), {"q": word}).content.decode(),
        "list": f"Idee {word}"
        in client.get(reverse("participation:idea_list"), {"q": word}).content.decode(),
        "api": client.get("/api/v1/ideas", {"q": word}).json()["count"] > 0,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("status", "public"), IDEA_STATES.items())
def test_ideas_by_status(client, signed_in, make_idea, role, status, public):  # noqa: PLR0917 - fixtures
    signed_in(role)
    make_idea(f"Idee geheimwort{status.value.replace('_', '')}", "Text", status=status)
    word = f"geheimwort{status.value.replace('_', '')}"
    assert _shown(client, word) == {"search": public, "list": public, "api": public}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("visibility", "public"), [(Process.Visibility.DRAFT, False), (Process.Visibility.PUBLIC, True)]
)
def test_ideas_of_a_draft_process_stay_hidden_until_it_is_public(  # noqa: PLR0917 - fixtures
    client, signed_in, make_idea, role, visibility, public
):
    signed_in(role)
    process = ProcessFactory(visibility=Process.Visibility.DRAFT)
    make_idea("Entwurfsidee geheimwortprozess", process=process)
    process.visibility = visibility
    process.save()
    assert _shown(client, "geheimwortprozess")["search"] is public


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("state", "public"),
    [("visible", True), ("deleted", False), ("hidden", False), ("on_hidden_idea", False)],
)
def test_comments_by_state(client, signed_in, make_idea, make_comment, role, state, public):  # noqa: PLR0917 - fixtures
    signed_in(role)
    idea = make_idea(
        "Eine Idee", status=IdeaStatus.HIDDEN if state == "on_hidden_idea" else IdeaStatus.PUBLISHED
    )
    comment = make_comment(idea=idea, body="Kommentar mit geheimwortkommentar")
    if state == "deleted":
        comment.is_deleted = True
        comment.save()
    elif state == "hidden":
        comment.is_hidden = True
        comment.hidden_reason = "Beleidigung"
        comment.save()
    page = client.get(reverse("insights:search"), {"q": "geheimwortkommentar"}).content.decode()
    assert ("<mark>geheimwortkommentar</mark>" in page) is public


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("published", [True, False])
def test_measures_by_publication(client, signed_in, make_measure, role, published):
    signed_in(role)
    make_measure("Maßnahme geheimwortmassnahme", published=published)
    page = client.get(reverse("insights:search"), {"q": "geheimwortmassnahme"}).content.decode()
    assert ("<mark>geheimwortmassnahme</mark>" in page) is published


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("status", "public"),
    [(Event.Status.DRAFT, False), (Event.Status.PUBLISHED, True), (Event.Status.CANCELLED, True)],
)
def test_events_by_status(client, signed_in, make_event, role, status, public):  # noqa: PLR0917 - fixtures
    signed_in(role)
    make_event(title="Werkstatt geheimwortevent", status=status)
    page = client.get(reverse("insights:search"), {"q": "geheimwortevent"}).content.decode()
    assert ("<mark>geheimwortevent</mark>" in page) is public


def test_a_stale_index_row_never_shows_hidden_content(make_idea):
    """Between a hiding and its index task the index may still call the idea public: the page asks the
    live rows, so neither the title nor a snippet appears."""
    from smartregion.insights.models import SearchEntry
    from smartregion.participation.models import Idea

    idea = make_idea("Veraltet geheimwortstale", "Persönliche Daten geheimwortstale")
    Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.HIDDEN)  # no signal: the index is stale
    assert SearchEntry.objects.get(object_id=idea.pk).is_public
    found = search_everything(q="geheimwortstale")
    assert found.results == []


@pytest.mark.parametrize("status", [IdeaStatus.SUBMITTED, IdeaStatus.HIDDEN, IdeaStatus.MERGED])
def test_similar_ideas_leave_out_unpublished_and_merged_ideas(process, make_idea, status):
    target = make_idea("Etwas ganz anderes", "Ohne Bezug.") if status == IdeaStatus.MERGED else None
    make_idea(
        "Sitzbank am Marktplatz",
        "Eine Sitzbank im Schatten am Marktplatz.",
        status=status,
        merged_into=target,
    )
    assert similar_ideas(process=process, text="Sitzbank Marktplatz") == []


def test_similar_ideas_of_a_draft_process_are_not_served(client, make_idea):
    draft = ProcessFactory(visibility=Process.Visibility.DRAFT, slug="entwurf")
    make_idea("Sitzbank am Marktplatz", process=draft)
    response = client.post(reverse("insights:similar_ideas", args=["entwurf"]), {"title": "Sitzbank"})
    assert response.status_code == 404

"""Survey free-text answers in the search: found only once the survey's results are public, never when the
moderation hid them, and gone again when the results are withdrawn; the same on both databases."""

import pytest
from django.utils import timezone

from smartregion.accounts.models import Role
from smartregion.insights import search
from smartregion.insights.selectors import search_everything
from smartregion.surveys import services
from smartregion.surveys.models import Answer, QuestionKind, Response

from ..factories import RoleGrantFactory, UserFactory
from ..surveys.factories import add_question, make_survey, survey_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    user = UserFactory(display_name="Stabsstelle")
    RoleGrantFactory(user=user, role=Role.PROGRAM_OFFICE)
    return user


@pytest.fixture
def answers(office):
    survey = make_survey(office, survey_process("active"), title="Mobilität morgen")
    wish = add_question(office, survey, QuestionKind.LONG_TEXT, "Was wünschen Sie sich?")
    choice = add_question(
        office, survey, QuestionKind.SINGLE, "Wie kommen Sie?", allow_other=True, options=["Bus", "Rad"]
    )
    response = Response.objects.create(survey=survey, submitted_at=timezone.now())
    found = Answer.objects.create(response=response, question=wish, text="Ein Lastenrad zum Ausleihen.")
    named = Answer.objects.create(response=response, question=wish, text="Lastenrad wie bei Herrn Meier.")
    other = Answer.objects.create(
        response=response, question=choice, option=choice.options.first(), text="Lastenrad"
    )
    return {"survey": survey, "wish": wish, "found": found, "named": named, "other": other}


def _answers(q: str) -> list[str]:
    return [result.snippet for result in search_everything(q=q, kind="answer").results]


def test_answers_are_found_only_while_the_results_are_public(office, answers):
    survey = answers["survey"]
    assert _answers("Lastenräder") == []
    services.answer_set_hidden(actor=office, answer=answers["named"], hidden=True, reason="Name")
    services.results_publish(actor=office, survey=survey, published=True)

    found = search_everything(q="Lastenräder", kind="answer")
    # Only the free text of a text question, not the hidden one, and not an "other" of a choice.
    assert [str(result.snippet) for result in found.results] == ["Ein <mark>Lastenrad</mark> zum Ausleihen."]
    assert found.results[0].url == f"/umfragen/{survey.pk}/ergebnisse/fragen/{answers['wish'].pk}/"
    assert found.counts["answer"] == 1

    services.results_publish(actor=office, survey=survey, published=False)
    assert _answers("Lastenrad") == []
    assert search.match(["lastenrad"], kind="answer") == []


def test_a_hidden_answer_is_never_shown_even_before_its_index_follows(office, answers):
    services.results_publish(actor=office, survey=answers["survey"], published=True)
    # Hidden by a bare UPDATE (no survey event): the index still lists it, the live check does not show it.
    Answer.objects.filter(pk=answers["found"].pk).update(hidden=True)
    assert search.match(["lastenrad"], kind="answer") != []
    shown = [str(snippet) for snippet in _answers("Lastenrad")]
    assert shown == ["<mark>Lastenrad</mark> wie bei Herrn Meier."]


def test_the_office_clusters_a_questions_free_text_answers(
    client, office, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from smartregion.insights.models import Cluster, ClusterMember, ClusterRun, RunStatus

    process = survey_process("active")
    survey = make_survey(office, process, title="Mobilität morgen")
    wish = add_question(office, survey, QuestionKind.LONG_TEXT, "Was wünschen Sie sich?")
    number = add_question(office, survey, QuestionKind.NUMBER, "Wie alt sind Sie?")
    response = Response.objects.create(survey=survey, submitted_at=timezone.now())
    texts = [f"Mehr Busse am Abend nach Mayen, Linie {n}." for n in range(6)] + [
        f"Ein sicherer Radweg an der B9 bei Kilometer {n}." for n in range(6)
    ]
    for text in texts:
        Answer.objects.create(response=response, question=wish, text=text)
    hidden = Answer.objects.create(
        response=response, question=wish, text="Herr Meier soll Bus fahren.", hidden=True
    )
    client.force_login(office)
    url = reverse("insights:clusterings", args=[process.slug])
    refused = client.post(url, {"question": number.pk}, HTTP_ACCEPT_LANGUAGE="de")
    assert refused.status_code == 400  # not a free-text question: not offered
    with django_capture_on_commit_callbacks(execute=True):
        response_page = client.post(url, {"question": wish.pk, "clusters": "2"})
    run = ClusterRun.objects.get()
    assert response_page.url == reverse("insights:clustering", args=[run.pk])
    assert (run.status, run.question, run.idea_count) == (RunStatus.DONE, wish, 12)
    members = ClusterMember.objects.filter(run=run)
    assert {m.answer_id for m in members} == set(
        Answer.objects.filter(question=wish, hidden=False).values_list("pk", flat=True)
    )
    assert hidden.pk not in {m.answer_id for m in members}
    assert all(m.idea_id is None for m in members)
    groups = [
        {m.answer.text.split()[1] for m in ClusterMember.objects.filter(cluster=c).select_related("answer")}
        for c in Cluster.objects.filter(run=run)
    ]
    assert sorted(map(sorted, groups)) == [["Busse"], ["sicherer"]]
    page = client.get(response_page.url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Mehr Busse am Abend" in page
    assert "12 Antworten in 2 Gruppen" in page
    assert "(6 Antworten)" in page
    assert "Ideen" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    listing = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert ", 12 Antworten" in listing
    assert 'value="goal"' not in page  # answers are no ideas to draw a goal or measure from
    assert 'value="measure"' not in page

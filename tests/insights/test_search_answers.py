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

"""Answering a survey through the API with a token: the page's rules (who may answer, one response per
person that she edits while the phase runs, conditions, required questions), German problem+json errors,
and the page's rate limit."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from smartregion.participation.policy import RateLimit
from smartregion.surveys.models import Answer, Response, Survey

from ..factories import UserFactory
from ..surveys.factories import full_survey, survey_process
from .conftest import bearer_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    return UserFactory(display_name="Anna Antwort")


@pytest.fixture
def bearer(person):
    return bearer_client(person)


@pytest.fixture
def survey(office, municipality):
    return full_survey(office, survey_process("active"), audience=Survey.Audience.SIGNED_IN)


def _put(client, survey, payload):
    return client.put(
        f"/api/v1/surveys/{survey.pk}/response", data=json.dumps(payload), content_type="application/json"
    )


def _payload(q, transport="Fahrrad", **changes):
    option = q["transport"].options.get(text=transport)
    payload = {
        "answers": [
            {"question": q["transport"].pk, "options": [option.pk]},
            {"question": q["bike_why"].pk, "text": "Weil es gesund ist"},
            {"question": q["digital"].pk, "number": 4},
            {
                "question": q["ranking"].pk,
                "ranks": {str(o.pk): rank for rank, o in enumerate(q["ranking"].options.all(), start=1)},
            },
            {"question": q["matrix"].pk, "rows": {str(o.pk): 3 for o in q["matrix"].options.all()}},
            {"question": q["age"].pk, "number": "2.5"},
            {"question": q["date"].pk, "date": "2020-05-01"},
        ],
        "municipality": "andernach",
        "age_group": "30-44",
    }
    return payload | changes


def test_a_token_answers_once_and_edits_its_response(bearer, person, survey, municipality):
    survey, q = survey
    first = _put(bearer, survey, _payload(q))
    assert first.status_code == 201, first.content
    assert first.json()["created"] is True
    response = Response.objects.get(survey=survey)
    assert response.user == person
    assert response.municipality == municipality
    assert Answer.objects.get(response=response, question=q["bike_why"]).text == "Weil es gesund ist"
    assert str(Answer.objects.get(response=response, question=q["age"]).number) == "2.50"
    # The second call replaces her answers: by car, the bike question is hidden and its answer dropped.
    second = _put(bearer, survey, _payload(q, transport="Auto"))
    assert second.status_code == 200, second.content
    assert second.json()["created"] is False
    assert Response.objects.filter(survey=survey).count() == 1
    assert not Answer.objects.filter(question=q["bike_why"]).exists()
    assert Answer.objects.get(question=q["transport"]).option.text == "Auto"
    assert Survey.objects.get(pk=survey.pk).response_count == 1


def test_bad_answers_are_a_german_problem_naming_each_question(bearer, survey):
    survey, q = survey
    payload = _payload(q)
    payload["answers"] = [
        {"question": q["bike_why"].pk, "text": "x"},  # the required transport question is missing
        {"question": q["digital"].pk, "number": 9},  # the scale runs from 1 to 5
        {"question": 999999, "text": "?"},
    ]
    unknown = _put(bearer, survey, payload)
    assert unknown.status_code == 422
    assert unknown["Content-Type"] == "application/problem+json"
    assert {e["field"] for e in unknown.json()["errors"]} == {"answers.999999"}
    payload["answers"] = payload["answers"][:2]
    invalid = _put(bearer, survey, payload)
    assert invalid.status_code == 422
    errors = {e["field"]: e["message"] for e in invalid.json()["errors"]}
    assert set(errors) == {f"answers.{q['transport'].pk}", f"answers.{q['digital'].pk}"}
    assert "Bitte" in errors[f"answers.{q['transport'].pk}"]
    twice = _payload(q)
    twice["answers"][0]["options"] = [o.pk for o in q["transport"].options.all()[:2]]
    assert _put(bearer, survey, twice).status_code == 422
    unknown_place = _put(bearer, survey, _payload(q, municipality="atlantis"))
    assert unknown_place.json()["errors"][0]["field"] == "municipality"
    assert not Response.objects.exists()


def test_the_rules_of_the_page_apply(bearer, office, municipality):
    over, q = full_survey(office, survey_process("after"), title="Vorbei")
    refused = _put(bearer, over, _payload(q))
    assert refused.status_code == 403
    assert "Umfragephase" in refused.json()["detail"]
    draft, q = full_survey(office, survey_process("active"), public=False, title="Entwurf")
    assert _put(bearer, draft, _payload(q)).status_code == 404
    assert _put(Client(), over, _payload(q)).status_code == 401
    assert not Response.objects.exists()


def test_the_api_and_the_page_share_the_rate_limit(bearer, person, survey, monkeypatch):
    from smartregion.api.endpoints import surveys as endpoint
    from smartregion.surveys import views

    survey, q = survey
    shared = RateLimit("surveys.answer", "2/h", "100/h")
    monkeypatch.setattr(endpoint, "ANSWER_LIMIT", shared)
    monkeypatch.setattr(views, "ANSWER_LIMIT", shared)
    assert [_put(bearer, survey, _payload(q)).status_code for _ in range(2)] == [201, 200]
    page = Client()
    page.force_login(person)
    assert page.post(survey.get_absolute_url(), {}).status_code == 429


def test_answering_makes_the_same_number_of_queries_with_more_responses(bearer, survey, office):
    survey, q = survey
    assert Client().get(f"/api/v1/surveys/{survey.pk}").status_code == 200  # caches the questionnaire
    with CaptureQueriesContext(connection) as few:
        assert _put(bearer, survey, _payload(q)).status_code == 201
    with CaptureQueriesContext(connection) as edit_few:
        assert _put(bearer, survey, _payload(q)).status_code == 200
    for _ in range(20):
        assert _put(bearer_client(UserFactory()), survey, _payload(q)).status_code == 201
    with CaptureQueriesContext(connection) as many:
        assert _put(bearer, survey, _payload(q)).status_code == 200
    other = bearer_client(UserFactory())
    with CaptureQueriesContext(connection) as new:
        assert _put(other, survey, _payload(q)).status_code == 201
    assert len(new) == len(few)
    assert len(many) == len(edit_few)

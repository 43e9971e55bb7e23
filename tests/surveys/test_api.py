"""The API reads published surveys and published results, the same as the pages."""

from smartregion.surveys import services

from .test_results import _respond


def test_surveys_and_results_read_through_the_api(client, office, survey_and_questions, municipality):
    survey, q = survey_and_questions
    _respond(survey, q, municipality, n=4)
    listed = client.get("/api/v1/surveys").json()
    assert [item["id"] for item in listed] == [survey.pk]
    detail = client.get(f"/api/v1/surveys/{survey.pk}").json()
    assert detail["questions"][0]["text"] == "Wie kommen Sie zur Arbeit?"
    bike = q["transport"].options.get(text="Fahrrad").pk
    assert detail["questions"][1]["show_if"] == [bike]
    unpublished = client.get(f"/api/v1/surveys/{survey.pk}/results")
    assert unpublished.status_code == 404
    assert unpublished["Content-Type"].startswith("application/problem+json")
    services.results_publish(actor=office, survey=survey, published=True)
    results = client.get(f"/api/v1/surveys/{survey.pk}/results").json()
    assert results["responses"] == 4
    transport = next(item for item in results["questions"] if item["question"] == q["transport"].pk)
    assert sum(row["count"] for row in transport["rows"]) == 4


def test_drafts_are_not_in_the_api(client, office, survey_and_questions):
    survey, _q = survey_and_questions
    services.survey_publish(actor=office, survey=survey, public=False)
    assert client.get("/api/v1/surveys").json() == []
    assert client.get(f"/api/v1/surveys/{survey.pk}").status_code == 404

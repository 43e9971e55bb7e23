"""The demo data set holds the Zukunftsdialog with a few hundred responses across towns and channels."""

from smartregion.surveys import selectors
from smartregion.surveys.demo import RESPONSES, TITLE
from smartregion.surveys.models import Response, Survey
from smartregion.web.demo import seed_all


def test_demo_survey_and_poll(db, client):
    seed_all()
    survey = Survey.objects.get(title=TITLE)
    assert survey.results_published
    assert Response.objects.filter(survey=survey).count() == RESPONSES == survey.response_count
    assert Response.objects.filter(survey=survey).values("channel").distinct().count() == 4
    assert Response.objects.filter(survey=survey).values("municipality").distinct().count() >= 10
    results = selectors.survey_results(survey=survey, filters=selectors.ResultFilters())
    assert results.total == RESPONSES
    assert client.get(survey.get_absolute_url()).status_code == 200
    assert "Video-Sprechstunde" in client.get("/").content.decode()
    assert client.get(f"/umfragen/{survey.pk}/ergebnisse/").status_code == 200

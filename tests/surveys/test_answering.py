"""Answering a survey online: every question type validated on the server, conditions, one answer per
browser or per person, German errors with the typed input kept."""

from decimal import Decimal

import pytest
from django.urls import reverse

from smartregion.surveys.models import Answer, Response, Survey

from ..factories import UserFactory
from .factories import full_survey, now_plus, survey_process


def valid_post(q, municipality=None, **overrides):
    transport = q["transport"].options.get(text="Fahrrad")
    ranking = list(q["ranking"].options.all())
    rows = list(q["matrix"].options.all())
    data = {
        q["transport"].field_name: str(transport.pk),
        q["bike_why"].field_name: "Weil es gesund ist",
        q["topics"].field_name: [str(q["topics"].options.first().pk)],
        q["wish"].field_name: "Mehr Radwege",
        q["digital"].field_name: "4",
        **{f"{q['ranking'].field_name}_o{o.pk}": str(i) for i, o in enumerate(ranking, start=1)},
        **{f"{q['matrix'].field_name}_r{o.pk}": "3" for o in rows},
        q["age"].field_name: "3",
        q["date"].field_name: "2020-05-01",
        f"{q['place'].field_name}_lat": "50.43",
        f"{q['place'].field_name}_lon": "7.40",
        "municipality": str(municipality.pk) if municipality else "",
        "age_group": "30-44",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def survey(survey_and_questions):
    return survey_and_questions


def test_anonymous_answer_is_stored_once_per_browser(client, survey, municipality):
    survey, q = survey
    url = survey.get_absolute_url()
    page = client.get(url)
    assert page.status_code == 200
    assert "Wie kommen Sie zur Arbeit?" in page.content.decode()
    answer = client.post(url, valid_post(q, municipality))
    assert answer.status_code == 302
    response = Response.objects.get(survey=survey)
    assert response.user is None
    assert response.browser_token
    assert response.municipality == municipality
    assert response.age_group == "30-44"
    assert response.channel == "online"
    assert Answer.objects.filter(
        response=response, question=q["bike_why"], text="Weil es gesund ist"
    ).exists()
    assert Answer.objects.filter(response=response, question=q["ranking"]).count() == 3
    assert Answer.objects.get(response=response, question=q["place"]).latitude == Decimal("50.43")
    survey.refresh_from_db()
    assert survey.response_count == 1
    # The same browser cannot answer again.
    again = client.post(url, valid_post(q, municipality), follow=True)
    assert "bereits" in again.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1


def test_wrong_input_gets_german_errors_and_keeps_what_was_typed(client, survey):
    survey, q = survey
    bad = valid_post(
        q,
        **{
            q["bike_why"].field_name: "",  # required once "Fahrrad" is chosen
            q["topics"].field_name: [str(o.pk) for o in q["topics"].options.all()],  # 3 > max 2
            q["digital"].field_name: "7",
            f"{q['ranking'].field_name}_o{q['ranking'].options.first().pk}": "2",  # two options ranked 2
            q["age"].field_name: "25",
            f"{q['place'].field_name}_lat": "48.1",  # Munich: outside the region
            f"{q['place'].field_name}_lon": "11.5",
            q["wish"].field_name: "Mehr Radwege bitte",
        },
    )
    page = client.post(survey.get_absolute_url(), bad)
    assert page.status_code == 400
    html = page.content.decode()
    assert "Bitte beantworten Sie diese Frage." in html
    assert "Bitte wählen Sie höchstens 2." in html
    assert "Bitte geben Sie jeder Option einen anderen Rang von 1 bis 3." in html
    assert "außerhalb der Region" in html
    assert "Mehr Radwege bitte" in html  # typed input kept
    assert not Response.objects.exists()


def test_hidden_question_answers_are_dropped_and_its_required_does_not_apply(client, survey):
    survey, q = survey
    car = q["transport"].options.get(text="Auto")
    data = valid_post(
        q, **{q["transport"].field_name: str(car.pk), q["bike_why"].field_name: "Sollte fehlen"}
    )
    assert client.post(survey.get_absolute_url(), data).status_code == 302
    assert not Answer.objects.filter(question=q["bike_why"]).exists()
    data = valid_post(q, **{q["transport"].field_name: str(car.pk), q["bike_why"].field_name: ""})
    client.cookies.clear()
    assert client.post(survey.get_absolute_url(), data).status_code == 302
    assert Response.objects.count() == 2


def test_other_needs_its_text(client, survey):
    survey, q = survey
    data = valid_post(q, **{q["transport"].field_name: "other", f"{q['transport'].field_name}_other": ""})
    page = client.post(survey.get_absolute_url(), data)
    assert page.status_code == 400
    assert "„Sonstiges“" in page.content.decode() or "Sonstiges" in page.content.decode()
    data[f"{q['transport'].field_name}_other"] = "Zu Fuß"
    assert client.post(survey.get_absolute_url(), data).status_code == 302
    assert Answer.objects.get(question=q["transport"]).text == "Zu Fuß"


def test_signed_in_person_edits_her_response(client, office, process, municipality):
    survey, q = full_survey(office, process, audience=Survey.Audience.SIGNED_IN, title="Nur angemeldet")
    url = survey.get_absolute_url()
    assert client.post(url, valid_post(q)).status_code == 403
    person = UserFactory()
    client.force_login(person)
    assert client.post(url, valid_post(q)).status_code == 302
    changed = valid_post(q, **{q["wish"].field_name: "Schnelleres Internet"})
    assert client.post(url, changed).status_code == 302
    response = Response.objects.get(survey=survey)
    assert response.user == person
    assert list(Answer.objects.filter(question=q["wish"]).values_list("text", flat=True)) == [
        "Schnelleres Internet"
    ]
    assert "Schnelleres Internet" in client.get(url).content.decode()
    survey.refresh_from_db()
    assert survey.response_count == 1


def test_no_answers_outside_the_phase(client, office, db, municipality):
    survey, q = full_survey(office, survey_process("after"), title="Vorbei")
    page = client.post(survey.get_absolute_url(), valid_post(q))
    assert page.status_code == 403
    assert "Umfragephase" in page.content.decode()
    assert not Response.objects.exists()


def test_honeypot_stores_nothing(client, survey):
    survey, q = survey
    page = client.post(survey.get_absolute_url(), valid_post(q, website="http://spam.example"))
    assert page.status_code == 400
    assert not Response.objects.exists()


def test_results_are_staff_only_until_published(client, survey, office):
    survey, q = survey
    client.post(survey.get_absolute_url(), valid_post(q))
    url = reverse("surveys:results", kwargs={"pk": survey.pk})
    assert client.get(url).status_code == 403
    client.force_login(office)
    page = client.get(url)
    assert page.status_code == 200
    assert "Fahrrad" in page.content.decode()
    client.post(reverse("surveys:results_publish", kwargs={"pk": survey.pk}), {"action": "publish"})
    client.logout()
    assert client.get(url).status_code == 200


def _poll(office, process, show_results):
    from smartregion.surveys.models import QuestionKind

    from .factories import add_question, make_survey

    poll = make_survey(
        office,
        process,
        kind=Survey.Kind.POLL,
        title="Tempo 30?",
        show_results=show_results,
        on_start_page=True,
    )
    question = add_question(
        office, poll, QuestionKind.SINGLE, "Tempo 30 in Ortskernen?", required=True, options=["Ja", "Nein"]
    )
    return poll, question


def test_quick_poll_on_the_process_and_start_page_shows_results_after_voting(client, office, process):
    poll, question = _poll(office, process, Survey.ShowResults.AFTER_VOTING)
    assert "Tempo 30 in Ortskernen?" in client.get(process.get_absolute_url()).content.decode()
    home = client.get("/").content.decode()
    assert "Tempo 30 in Ortskernen?" in home
    assert "Bisherige Ergebnisse" not in client.get(poll.get_absolute_url()).content.decode()
    yes = question.options.get(text="Ja")
    assert client.post(poll.get_absolute_url(), {question.field_name: str(yes.pk)}).status_code == 302
    page = client.get(poll.get_absolute_url()).content.decode()
    assert "Bisherige Ergebnisse" in page
    assert "100,0 %" in page


def test_quick_poll_results_only_after_closing(client, office, process):
    poll, question = _poll(office, process, Survey.ShowResults.AFTER_CLOSING)
    yes = question.options.get(text="Ja")
    client.post(poll.get_absolute_url(), {question.field_name: str(yes.pk)})
    assert "Bisherige Ergebnisse" not in client.get(poll.get_absolute_url()).content.decode()
    process.phases.update(starts_at=now_plus(-5), ends_at=now_plus(-1))
    assert "Bisherige Ergebnisse" in client.get(poll.get_absolute_url()).content.decode()


def test_anonymous_visitors_are_limited_per_address_not_all_together(survey, municipality, monkeypatch):
    """Every anonymous visitor has the same (empty) user id: a per-person limit would make them share one
    counter, so a town's first 30 answers would lock out everybody else. They are counted per address."""
    from django.test import Client

    from smartregion.participation.policy import RateLimit
    from smartregion.surveys import views

    survey, q = survey
    monkeypatch.setattr(views, "ANSWER_LIMIT", RateLimit("surveys.answer", "2/h", "3/h"))
    url = survey.get_absolute_url()
    elsewhere = [
        Client(REMOTE_ADDR=f"192.0.2.{n}").post(url, valid_post(q, municipality)).status_code
        for n in range(1, 6)
    ]
    assert elsewhere == [302] * 5
    same_address = [
        Client(REMOTE_ADDR="198.51.100.7").post(url, valid_post(q, municipality)).status_code
        for _ in range(4)
    ]
    assert same_address == [302, 302, 302, 429]
    assert Response.objects.filter(survey=survey).count() == 8

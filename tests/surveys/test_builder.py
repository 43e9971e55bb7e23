"""Building a survey on the site: create, sections, questions with conditions, preview, publishing; once
answers exist only wording fixes with a note."""

import pytest
from django.urls import reverse

from smartregion.surveys.models import Question, Response, Survey, SurveyEvent

from .factories import full_survey


@pytest.fixture
def office_client(client, office):
    client.force_login(office)
    return client


def test_office_builds_a_survey_with_a_conditional_question(office_client, process):
    page = office_client.post(
        reverse("surveys:create"),
        {
            "process": process.pk,
            "kind": "survey",
            "title": "Mobilität",
            "description": "",
            "audience": "anyone",
            "show_results": "after_voting",
        },
    )
    survey = Survey.objects.get(title="Mobilität")
    assert page.url == reverse("surveys:build", kwargs={"pk": survey.pk})
    assert survey.visibility == "draft"
    section = survey.sections.get()
    add = reverse("surveys:question_add", kwargs={"pk": survey.pk})
    bad = office_client.post(add, {"section": section.pk, "kind": "single", "text": "Auto?", "options": "Ja"})
    assert bad.status_code == 400
    assert "mindestens zwei Antwortmöglichkeiten" in bad.content.decode()
    assert "Auto?" in bad.content.decode()
    office_client.post(
        add,
        {"section": section.pk, "kind": "single", "text": "Auto?", "options": "Ja\nNein", "required": "on"},
    )
    first = Question.objects.get(text="Auto?")
    yes = first.options.get(text="Ja")
    page = office_client.get(add)
    assert "Auto? → Ja" in page.content.decode()
    office_client.post(
        add, {"section": section.pk, "kind": "short_text", "text": "Welches Auto?", "show_if": [yes.pk]}
    )
    second = Question.objects.get(text="Welches Auto?")
    assert list(second.show_if.all()) == [yes]
    preview = office_client.get(reverse("surveys:preview", kwargs={"pk": survey.pk}))
    assert "Bitte nur beantworten, wenn Sie bei „Auto?“ „Ja“ gewählt haben." in preview.content.decode()
    checked = office_client.get(reverse("surveys:preview", kwargs={"pk": survey.pk}), {"check": "1"})
    assert "Bitte beantworten Sie diese Frage." in checked.content.decode()
    assert not Response.objects.exists()
    office_client.post(reverse("surveys:publish", kwargs={"pk": survey.pk}), {"action": "publish"})
    survey.refresh_from_db()
    assert survey.visibility == "public"


def _wording_fix(q: dict) -> dict[str, str]:
    """The transport question of ``full_survey`` with its wording corrected, as the edit form posts it."""
    return {
        "section": q["transport"].section_id,
        "kind": "single",
        "text": "Wie kommen Sie meistens zur Arbeit?",
        "options": "Auto\nFahrrad\nBus und Bahn",
        "required": "on",
        "allow_other": "on",
    }


def test_questionnaire_kept_per_version_follows_an_edit(
    office_client, office, process, django_assert_num_queries
):
    """The questionnaire is read once per version of the survey; an edit makes a new version."""
    from smartregion.surveys.selectors import questionnaire

    survey, q = full_survey(office, process)
    assert "Wie kommen Sie zur Arbeit?" in office_client.get(survey.get_absolute_url()).content.decode()
    with django_assert_num_queries(0):
        _sections, questions = questionnaire(survey)
    assert questions[0].text == "Wie kommen Sie zur Arbeit?"
    url = reverse("surveys:question_edit", kwargs={"pk": survey.pk, "question_pk": q["transport"].pk})
    edit = _wording_fix(q)
    # A refused edit leaves the questionnaire that respondents see as it was.
    assert office_client.post(url, {**edit, "kind": "scale", "text": ""}).status_code == 400
    assert "Wie kommen Sie zur Arbeit?" in office_client.get(survey.get_absolute_url()).content.decode()
    assert office_client.post(url, edit).status_code == 302
    page = office_client.get(survey.get_absolute_url()).content.decode()
    assert "Wie kommen Sie meistens zur Arbeit?" in page
    survey.refresh_from_db()
    assert questionnaire(survey)[1][0].text == "Wie kommen Sie meistens zur Arbeit?"


def test_citizens_cannot_build(client, process, office):
    from ..factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("surveys:create")).status_code == 403
    survey, _q = full_survey(office, process)
    assert client.get(reverse("surveys:build", kwargs={"pk": survey.pk})).status_code == 403


def test_once_answered_only_wording_fixes_with_a_note(office_client, office, process):
    survey, q = full_survey(office, process)
    Response.objects.create(survey=survey, submitted_at="2026-01-01T00:00Z")
    url = reverse("surveys:question_edit", kwargs={"pk": survey.pk, "question_pk": q["transport"].pk})
    base = _wording_fix(q)
    changed = office_client.post(url, {**base, "options": "Auto\nFahrrad"})
    assert changed.status_code == 400
    assert "Nur der Wortlaut darf korrigiert werden" in changed.content.decode()
    no_note = office_client.post(url, base)
    assert no_note.status_code == 400
    assert "Bitte vermerken Sie" in no_note.content.decode()
    fixed = office_client.post(url, {**base, "options": "PKW\nFahrrad\nBus und Bahn", "note": "Tippfehler"})
    assert fixed.status_code == 302
    q["transport"].refresh_from_db()
    assert q["transport"].text == "Wie kommen Sie meistens zur Arbeit?"
    assert list(q["transport"].options.values_list("text", flat=True)) == ["PKW", "Fahrrad", "Bus und Bahn"]
    assert SurveyEvent.objects.filter(survey=survey, kind="wording_fixed", note="Tippfehler").exists()
    delete = reverse("surveys:question_delete", kwargs={"pk": survey.pk, "question_pk": q["wish"].pk})
    office_client.post(delete)
    assert Question.objects.filter(pk=q["wish"].pk).exists()


def test_answer_forms_of_one_questionnaire_share_no_state(office, process):
    """Forms copy the kept fields: what one form changes while it validates never reaches another."""
    from smartregion.surveys.forms import ResponseForm
    from smartregion.surveys.selectors import questionnaire

    survey, q = full_survey(office, process)
    sections, questions = questionnaire(survey)
    name = q["transport"].field_name
    first = ResponseForm(sections=sections, questions=questions)
    first.fields[name].required = False
    first.fields[name].label = "Geändert"
    second = ResponseForm(data={}, sections=sections, questions=questions)
    assert second.fields[name].required is True
    assert second.fields[name].label != "Geändert"
    assert not second.is_valid()
    assert second.errors[name] == ["Bitte beantworten Sie diese Frage."]
    assert ResponseForm(sections=sections, questions=questions).fields[name].required is True

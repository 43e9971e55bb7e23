"""Surveys for the tests: a process with a survey phase before, around or after now, and a questionnaire
with one question of every kind (``full_survey``), built through the services as the builder does."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from smartregion.participation.models import Phase, Process
from smartregion.surveys import services
from smartregion.surveys.models import Question, QuestionKind, Section, Survey
from smartregion.surveys.services import QuestionData

from ..participation.factories import PhaseFactory, ProcessFactory


def survey_process(state: str = "active", **kwargs: Any) -> Process:
    """A public process whose survey phase lies before, around or after now."""
    process = ProcessFactory(**kwargs)
    PhaseFactory(process=process, kind=Phase.Kind.SURVEY, state=state)
    return process


def question_data(section: Section, kind: str, text: str, **overrides: Any) -> QuestionData:
    values: dict[str, Any] = {
        "section": section,
        "kind": kind,
        "text": text,
        "help_text": "",
        "required": False,
        "shuffle_options": False,
        "allow_other": False,
        "min_choices": None,
        "max_choices": None,
        "max_length": None,
        "scale_max": None,
        "scale_min_label": "",
        "scale_max_label": "",
        "number_min": None,
        "number_max": None,
        "options": [],
        "show_if": [],
    }
    values.update(overrides)
    return QuestionData(**values)


def add_question(office: Any, survey: Survey, kind: str, text: str, **overrides: Any) -> Question:
    section = overrides.pop("section", None) or survey.sections.first()
    return services.question_save(
        actor=office, survey=survey, question=None, data=question_data(section, kind, text, **overrides)
    )


def make_survey(
    office: Any,
    process: Process,
    *,
    audience: str = Survey.Audience.ANYONE,
    public: bool = True,
    **kwargs: Any,
) -> Survey:
    survey = services.survey_create(
        actor=office,
        process=process,
        title=kwargs.pop("title", "Zukunftsdialog"),
        audience=audience,
        **kwargs,
    )
    if public:
        Survey.objects.filter(pk=survey.pk).update(visibility=Survey.Visibility.PUBLIC)
        survey.refresh_from_db()
    return survey


def full_survey(office: Any, process: Process, **kwargs: Any) -> tuple[Survey, dict[str, Question]]:
    """A survey with every kind of question; "bike_why" is shown only to those who ride a bike."""
    survey = make_survey(office, process, **kwargs)
    q: dict[str, Question] = {}
    q["transport"] = add_question(
        office,
        survey,
        QuestionKind.SINGLE,
        "Wie kommen Sie zur Arbeit?",
        required=True,
        allow_other=True,
        options=["Auto", "Fahrrad", "Bus und Bahn"],
    )
    bike = q["transport"].options.get(text="Fahrrad")
    q["bike_why"] = add_question(
        office, survey, QuestionKind.SHORT_TEXT, "Warum fahren Sie Rad?", required=True, show_if=[bike]
    )
    q["topics"] = add_question(
        office,
        survey,
        QuestionKind.MULTIPLE,
        "Welche Themen sind Ihnen wichtig?",
        min_choices=1,
        max_choices=2,
        options=["Mobilität", "Gesundheit", "Bildung"],
    )
    q["wish"] = add_question(office, survey, QuestionKind.LONG_TEXT, "Was wünschen Sie sich?", max_length=200)
    q["digital"] = add_question(
        office,
        survey,
        QuestionKind.SCALE,
        "Wie digital ist der Kreis?",
        scale_max=5,
        scale_min_label="gar nicht",
        scale_max_label="sehr",
    )
    q["ranking"] = add_question(
        office,
        survey,
        QuestionKind.RANKING,
        "Ordnen Sie nach Wichtigkeit",
        options=["Breitband", "Radwege", "Ärzte"],
    )
    q["matrix"] = add_question(
        office,
        survey,
        QuestionKind.MATRIX,
        "Wie zufrieden sind Sie?",
        scale_max=5,
        options=["Bus", "Internet"],
    )
    q["age"] = add_question(
        office,
        survey,
        QuestionKind.NUMBER,
        "Wie viele Personen leben im Haushalt?",
        number_min=Decimal(1),
        number_max=Decimal(20),
    )
    q["date"] = add_question(office, survey, QuestionKind.DATE, "Seit wann wohnen Sie hier?")
    q["place"] = add_question(office, survey, QuestionKind.POINT, "Wo fehlt ein Radweg?")
    return survey, q


def now_plus(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)

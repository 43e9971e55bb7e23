"""Published surveys and their published results, and answering with a token under the page's rules:
the same refusals, answer form (conditions, ranges, required), one response per person that she edits
while the phase runs, and the same rate limit group as the page."""

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints

from smartregion.network.selectors import municipality_list
from smartregion.surveys import selectors, services
from smartregion.surveys.apps import PAGES
from smartregion.surveys.forms import OTHER, ResponseForm
from smartregion.surveys.models import CHOICE_KINDS, Question, QuestionKind, Survey
from smartregion.surveys.policy import ANSWER_LIMIT, answer_refusal

from ..auth import WRITE_AUTH
from ..problems import ApiProblem
from ..schemas import NO_NUL, Slug
from .common import PUBLIC, READ_ERRORS, WRITE_ERRORS, cached, enforce, person

router = Router(tags=["Umfragen"])


class SurveyOut(Schema):
    id: int
    title: str
    description: str
    kind: str
    audience: str
    process: str
    results_published: bool
    responses: int
    url: str


class OptionOut(Schema):
    id: int
    text: str


class QuestionOut(Schema):
    id: int
    number: int
    kind: str
    text: str
    help_text: str
    required: bool
    options: list[OptionOut]
    scale_max: int | None
    show_if: list[int]


class SurveyDetailOut(SurveyOut):
    questions: list[QuestionOut]


class ResultRowOut(Schema):
    label: str
    count: int
    share: float


class QuestionResultOut(Schema):
    question: int
    text: str
    kind: str
    respondents: int
    rows: list[ResultRowOut]
    average: float | None


class ResultsOut(Schema):
    survey: int
    responses: int
    questions: list[QuestionResultOut]


def _survey(survey: Survey, request: HttpRequest) -> dict[str, Any]:
    return {
        "id": survey.pk,
        "title": survey.title,
        "description": survey.description,
        "kind": survey.kind,
        "audience": survey.audience,
        "process": survey.process.slug,
        "results_published": survey.results_published,
        "responses": survey.response_count,
        "url": request.build_absolute_uri(survey.get_absolute_url()),
    }


@router.get("/surveys", response={200: list[SurveyOut], **READ_ERRORS}, summary="Umfragen")
@cached(PAGES)
def survey_list(request: HttpRequest) -> Any:
    return [_survey(survey, request) for survey in selectors.survey_list(viewer=PUBLIC)]


@router.get("/surveys/{survey_id}", response={200: SurveyDetailOut, **READ_ERRORS}, summary="Umfrage")
@cached(PAGES)
def survey_get(request: HttpRequest, survey_id: int) -> Any:
    survey = get_object_or_404(selectors.survey_list(viewer=PUBLIC), pk=survey_id)
    _sections, questions = selectors.questionnaire(survey)
    return {
        **_survey(survey, request),
        "questions": [
            {
                "id": question.pk,
                "number": number,
                "kind": question.kind,
                "text": question.text,
                "help_text": question.help_text,
                "required": question.required,
                "options": [{"id": option.pk, "text": option.text} for option in question.options.all()],
                "scale_max": question.scale_max,
                "show_if": [option.pk for option in question.show_if.all()],
            }
            for number, question in enumerate(questions, start=1)
        ],
    }


@router.get(
    "/surveys/{survey_id}/results",
    response={200: ResultsOut, **READ_ERRORS},
    summary="Ergebnisse einer Umfrage",
)
@cached(PAGES)
def survey_results(request: HttpRequest, survey_id: int) -> Any:
    survey = get_object_or_404(selectors.published_surveys(), pk=survey_id)
    results = selectors.survey_results(survey=survey, filters=selectors.ResultFilters())
    return {
        "survey": survey.pk,
        "responses": results.total,
        "questions": [
            {
                "question": item.question.pk,
                "text": item.question.text,
                "kind": item.question.kind,
                "respondents": item.respondents,
                "rows": [
                    {"label": row.label, "count": row.count, "share": float(row.share)} for row in item.rows
                ],
                "average": float(item.average) if item.average is not None else None,
            }
            for item in results.questions
        ],
    }


# --- Answering -----------------------------------------------------------------------------------------

AnswerText = Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL)]
ShortValue = Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)]


class AnswerIn(Schema):
    """The answer to one question; only the parts that fit its kind are read."""

    question: int = Field(description="Nummer (id) der Frage")
    options: list[int] = Field(
        default=[],
        max_length=100,
        description="Einfach- und Mehrfachauswahl: die Nummern der gewählten Optionen",
    )
    other: AnswerText = Field(default="", description="Auswahl mit „Sonstiges“: der Text dazu")
    text: AnswerText = Field(default="", description="Kurzer oder langer Freitext")
    number: Decimal | None = Field(default=None, description="Skala (ganze Zahl) oder Zahl")
    date: ShortValue | None = Field(default=None, description="Datum, JJJJ-MM-TT")
    ranks: dict[int, int] = Field(default={}, description="Rangfolge: Option → Rang (1 = am wichtigsten)")
    rows: dict[int, int] = Field(default={}, description="Matrix: Zeile → Wert auf der Skala")
    latitude: Decimal | None = Field(default=None, description="Ort: Breite")
    longitude: Decimal | None = Field(default=None, description="Ort: Länge")


class ResponseIn(Schema):
    answers: list[AnswerIn] = Field(max_length=500)
    municipality: Slug | None = Field(default=None, description="Freiwillig: Kurzname der eigenen Kommune")
    age_group: ShortValue = Field(default="", description="Freiwillig: Altersgruppe, z. B. 30-44")


class ResponseOut(Schema):
    survey: int
    created: bool = Field(description="true: neu gespeichert; false: die eigene Antwort wurde geändert")
    submitted_at: datetime
    updated_at: datetime
    answers: int = Field(
        description="Gespeicherte Einzelwerte (Fragen ohne Antwort und ausgeblendete fehlen)"
    )


QUESTION_FIELD = re.compile(r"^q(\d+)")


def _form_data(questions: dict[int, Question], payload: ResponseIn, municipality: int | None) -> QueryDict:
    """The answer form's fields for the payload, so the API checks exactly what the page checks."""
    data = QueryDict(mutable=True)
    errors = [
        (f"answers.{answer.question}", _("This survey has no such question."))
        for answer in payload.answers
        if answer.question not in questions
    ] + [
        (f"answers.{answer.question}", _("Please choose one answer only."))
        for answer in payload.answers
        if answer.question in questions
        and questions[answer.question].kind == QuestionKind.SINGLE
        and len(answer.options) + bool(answer.other) > 1
    ]
    if errors:
        raise _invalid(errors)
    for answer in payload.answers:
        question = questions[answer.question]
        name, kind = question.field_name, question.kind
        if kind in CHOICE_KINDS:
            data.setlist(name, [str(pk) for pk in answer.options] + ([OTHER] if answer.other else []))
            data[f"{name}_other"] = answer.other
        elif kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
            data[name] = answer.text
        elif kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
            data[name] = "" if answer.number is None else str(answer.number)
        elif kind == QuestionKind.DATE:
            data[name] = answer.date or ""
        elif kind == QuestionKind.RANKING:
            for option, rank in answer.ranks.items():
                data[f"{name}_o{option}"] = str(rank)
        elif kind == QuestionKind.MATRIX:
            for row, value in answer.rows.items():
                data[f"{name}_r{row}"] = str(value)
        else:
            data[f"{name}_lat"] = "" if answer.latitude is None else str(answer.latitude)
            data[f"{name}_lon"] = "" if answer.longitude is None else str(answer.longitude)
    data["municipality"] = "" if municipality is None else str(municipality)
    data["age_group"] = payload.age_group
    return data


def _field_of(name: str) -> str:
    """The payload's name for a form field: ``answers.<question>`` for a question's fields."""
    match = QUESTION_FIELD.match(name)
    return f"answers.{match.group(1)}" if match else name


def _invalid(errors: list[tuple[str, str]]) -> ApiProblem:
    return ApiProblem(422, _("Please check your input."), errors=errors)


@router.put(
    "/surveys/{survey_id}/response",
    auth=WRITE_AUTH,
    response={200: ResponseOut, 201: ResponseOut, **WRITE_ERRORS},
    summary="Eine Umfrage beantworten oder die eigene Antwort ändern",
    description=(
        "Eine Antwort je Person: der erste Aufruf speichert sie (201), jeder weitere ersetzt sie, "
        "solange die Umfragephase läuft (200). Es gelten dieselben Regeln wie auf der Seite: "
        "Pflichtfragen, Bereiche, Bedingungen (Antworten auf ausgeblendete Fragen werden verworfen) "
        "und dasselbe Ratenlimit."
    ),
)
def answer_survey(request: HttpRequest, survey_id: int, payload: ResponseIn) -> Any:
    user = person(request)
    enforce(request, ANSWER_LIMIT)
    survey = get_object_or_404(selectors.survey_list(viewer=PUBLIC), pk=survey_id)
    existing = selectors.response_of(survey=survey, user=user)
    if refusal := answer_refusal(user, survey, existing):
        raise ApiProblem(refusal.status, refusal.message)
    sections, questions = selectors.questionnaire(survey)
    places = list(municipality_list())
    municipality = next((m.pk for m in places if m.slug == payload.municipality), None)
    if payload.municipality and municipality is None:
        raise _invalid(
            [("municipality", _("There is nothing called “%(slug)s” here.") % {"slug": payload.municipality})]
        )
    form = ResponseForm(
        _form_data({q.pk: q for q in questions}, payload, municipality),
        sections=sections,
        questions=questions,
        municipalities=places,
    )
    if not form.is_valid():
        raise _invalid(
            [
                (_field_of(field), str(message))
                for field, messages in form.errors.items()
                for message in messages
            ]
        )
    try:
        response, created = services.response_submit(
            user=user, survey=survey, answers=form.answers, respondent=form.respondent()
        )
    except ValidationError as error:
        raise _invalid([("answers", message) for message in error.messages]) from None
    except PermissionDenied:
        refusal = answer_refusal(user, survey, existing)
        raise ApiProblem(403, refusal.message if refusal else _("You may not do this.")) from None
    return Status(
        201 if created else 200,
        {
            "survey": survey.pk,
            "created": created,
            "submitted_at": response.submitted_at,
            "updated_at": response.updated_at,
            "answers": len(form.answers),
        },
    )

"""Published surveys and their published results (reads only; answering stays on the pages for now)."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from smartregion.surveys import selectors
from smartregion.surveys.apps import PAGES
from smartregion.surveys.models import Survey

from .common import PUBLIC, READ_ERRORS, cached

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

"""Sixteen requests answering as the same person yield one response; sixteen staff entering the same paper
form store it once (tests/concurrency.py: each thread loads first, then all enter the service together)."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from smartregion.accounts.models import Role, User
from smartregion.surveys import services
from smartregion.surveys.models import Answer, QuestionKind, Response, Survey

from ..concurrency import race
from ..factories import RoleGrantFactory, UserFactory
from .factories import add_question, make_survey, survey_process

THREADS = 16


@pytest.fixture
def setting(race_database):
    office = UserFactory()
    RoleGrantFactory(user=office, role=Role.PROGRAM_OFFICE)
    survey = make_survey(office, survey_process("active"), audience=Survey.Audience.SIGNED_IN)
    question = add_question(office, survey, QuestionKind.SINGLE, "Ja oder nein?", options=["Ja", "Nein"])
    return survey.pk, question.pk, office.pk


def _answers(question_pk, index):
    from smartregion.surveys.models import Question

    question = Question.objects.prefetch_related("options").get(pk=question_pk)
    option = list(question.options.all())[index % 2]
    return [Answer(question=question, option=option)]


def test_one_response_per_person(setting):
    survey_pk, question_pk, _office = setting
    person_pk = UserFactory().pk

    def request(index):
        def load():
            user = User.objects.get(pk=person_pk)
            survey = (
                Survey.objects.select_related("process").prefetch_related("process__phases").get(pk=survey_pk)
            )
            answers = _answers(question_pk, index)
            return lambda: services.response_submit(
                user=user, survey=survey, answers=answers, respondent=services.Respondent()
            )

        return load

    outcomes = race([request(i) for i in range(THREADS)])
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert Response.objects.filter(survey_id=survey_pk).count() == 1
    # Exactly one request created it; the others edited it, and the edits left one answer, not sixteen.
    assert Counter(created for _response, created in outcomes)[True] == 1
    assert Answer.objects.filter(question_id=question_pk).count() == 1
    assert Survey.objects.get(pk=survey_pk).response_count == 1


def test_a_paper_form_is_entered_once(setting):
    survey_pk, question_pk, office_pk = setting

    def request(index):
        def load():
            office = User.objects.get(pk=office_pk)
            survey = Survey.objects.select_related("process").get(pk=survey_pk)
            answers = _answers(question_pk, index)
            return lambda: services.response_enter(
                actor=office,
                survey=survey,
                answers=answers,
                respondent=services.Respondent(),
                channel="paper",
                provenance="Rathaus Mendig",
                paper_number="A-0001",
            )

        return load

    outcomes = race([request(i) for i in range(THREADS)])
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == THREADS - 1
    assert all("A-0001" in str(error) for error in refused)
    assert Response.objects.filter(survey_id=survey_pk, paper_number="A-0001").count() == 1
    assert Survey.objects.get(pk=survey_pk).response_count == 1


def _workbook(survey_pk, numbers):
    import io

    from openpyxl import load_workbook

    from smartregion.surveys.imports import template_workbook
    from smartregion.surveys.selectors import questionnaire

    survey = Survey.objects.get(pk=survey_pk)
    _sections, questions = questionnaire(survey)
    book = load_workbook(io.BytesIO(template_workbook(survey, questions)))
    for number in numbers:
        book.active.append([number, "paper", "Rathaus", "Ja", "", ""])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def test_sixteen_importers_never_duplicate_a_form(setting):
    from smartregion.surveys.imports import responses_import
    from smartregion.surveys.models import ImportRun

    survey_pk, _question_pk, office_pk = setting
    content = _workbook(survey_pk, [f"B{n}" for n in range(1, 6)])
    run_pks = [
        ImportRun.objects.create(
            survey_id=survey_pk, created_by_id=office_pk, file_name="b.xlsx", content=content
        ).pk
        for _ in range(THREADS)
    ]

    def request(index):
        def load():
            run = ImportRun.objects.get(pk=run_pks[index])
            return lambda: responses_import(run)

        return load

    outcomes = race([request(i) for i in range(THREADS)])
    statuses = Counter(run.status for run in outcomes)
    assert statuses == {"done": 1, "failed": THREADS - 1}
    assert Response.objects.filter(survey_id=survey_pk).count() == 5
    assert Survey.objects.get(pk=survey_pk).response_count == 5

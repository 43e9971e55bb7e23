"""The answer counters (``AnswerCount``) that the results read: kept exact by answering, editing, paper
entry, imports and account deletion, equal to a recount from the answers, and exact under a race."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from smartregion.accounts.models import Role, User
from smartregion.accounts.services import account_delete
from smartregion.surveys import selectors, services
from smartregion.surveys.models import Answer, AnswerCount, QuestionKind, Survey

from ..concurrency import race
from ..factories import MunicipalityFactory, RoleGrantFactory, UserFactory
from .factories import add_question, make_survey, survey_process

THREADS = 16


def _counters(survey):
    return sorted(
        (c.question_id, c.respondents, c.option_key, c.value, c.municipality_key, c.channel, c.count)
        for c in AnswerCount.objects.filter(question__survey=survey).exclude(count=0)
    )


def _answers(q, choice, scale, ranking_first):
    ranking = list(q["ranking"].options.all())
    if ranking_first:
        ranking.reverse()
    return [
        Answer(question=q["transport"], option=q["transport"].options.get(text=choice)),
        Answer(question=q["digital"], number=Decimal(scale)),
        Answer(question=q["wish"], text="Mehr Busse"),
        *(
            Answer(question=q["ranking"], option=option, number=Decimal(rank))
            for rank, option in enumerate(ranking, start=1)
        ),
    ]


def _results(survey, **filters):
    results = selectors.survey_results(survey=survey, filters=selectors.ResultFilters(**filters))
    return {item.question.pk: item for item in results.questions}


def test_counters_follow_answers_edits_entries_and_erasure(survey_and_questions, office, municipality):
    survey, q = survey_and_questions
    elsewhere = MunicipalityFactory()
    person = UserFactory()
    here = services.Respondent(municipality=municipality)
    services.response_submit(
        user=person, survey=survey, answers=_answers(q, "Auto", 2, False), respondent=here
    )
    services.response_submit(
        user=AnonymousUser(),
        survey=survey,
        answers=_answers(q, "Auto", 4, False),
        respondent=here,
        browser_token="browser-1",
    )
    services.response_enter(
        actor=office,
        survey=survey,
        answers=_answers(q, "Bus und Bahn", 5, True),
        respondent=services.Respondent(municipality=elsewhere),
        channel="paper",
        provenance="Rathaus",
        paper_number="P-1",
    )
    # The person changes her mind and her municipality: her old answers leave the counters.
    _response, created = services.response_submit(
        user=person,
        survey=survey,
        answers=_answers(q, "Fahrrad", 1, True)[:1],
        respondent=services.Respondent(municipality=elsewhere),
    )
    assert not created

    transport = _results(survey)[q["transport"].pk]
    counts = {row.label: row.count for row in transport.rows}
    assert [counts["Auto"], counts["Fahrrad"], counts["Bus und Bahn"]] == [1, 1, 1]
    assert transport.respondents == 3
    assert _results(survey)[q["digital"].pk].respondents == 2  # the edit dropped her scale answer
    there = _results(survey, municipality=elsewhere)
    assert there[q["transport"].pk].respondents == 2
    assert _results(survey, municipality=municipality)[q["transport"].pk].respondents == 1
    paper = _results(survey, channel="paper")
    assert paper[q["ranking"].pk].rows[0].label == "Ärzte"  # ranked first on the paper form

    before = _counters(survey)
    account_delete(user=person)
    assert _counters(survey) == before  # anonymised: her answers stay in the aggregates
    services.answer_counts_rebuild(survey=survey)
    assert _counters(survey) == before  # the kept counters equal a recount from the answers


def test_the_recount_command_repairs_broken_counters(survey_and_questions, municipality):
    survey, q = survey_and_questions
    services.response_submit(
        user=UserFactory(),
        survey=survey,
        answers=_answers(q, "Auto", 3, False),
        respondent=services.Respondent(municipality=municipality),
    )
    good = _counters(survey)
    AnswerCount.objects.filter(question__survey=survey).update(count=99)
    call_command("recount_survey_answers", survey=survey.pk, stdout=io.StringIO())
    assert _counters(survey) == good


@pytest.fixture
def race_setting(race_database):
    office = UserFactory()
    RoleGrantFactory(user=office, role=Role.PROGRAM_OFFICE)
    survey = make_survey(office, survey_process("active"), audience=Survey.Audience.SIGNED_IN)
    question = add_question(office, survey, QuestionKind.SINGLE, "Ja oder nein?", options=["Ja", "Nein"])
    people = [UserFactory().pk for _ in range(THREADS // 2)]
    return survey.pk, question.pk, people


def test_counters_stay_exact_when_many_answer_and_edit_at_once(race_setting):
    """Eight people answer twice each at the same time (the second submission edits the first, in either
    order): the counters equal a recount and count each person once."""
    survey_pk, question_pk, people = race_setting

    def request(index):
        def load():
            from smartregion.surveys.models import Question

            user = User.objects.get(pk=people[index % len(people)])
            survey = (
                Survey.objects.select_related("process").prefetch_related("process__phases").get(pk=survey_pk)
            )
            question = Question.objects.prefetch_related("options").get(pk=question_pk)
            answers = [Answer(question=question, option=list(question.options.all())[index % 2])]
            return lambda: services.response_submit(
                user=user, survey=survey, answers=answers, respondent=services.Respondent()
            )

        return load

    outcomes = race([request(i) for i in range(THREADS)])
    assert not [o for o in outcomes if isinstance(o, Exception)]
    survey = Survey.objects.get(pk=survey_pk)
    kept = _counters(survey)
    respondents = sum(row[-1] for row in kept if row[1])
    assert respondents == len(people)
    assert sum(row[-1] for row in kept if not row[1]) == len(people)
    services.answer_counts_rebuild(survey=survey)
    assert _counters(survey) == kept


def test_numbers_and_dates_are_summed_up_from_the_counters(survey_and_questions, municipality):
    """Average, smallest and largest number and the earliest and latest date follow edits exactly."""
    import datetime

    survey, q = survey_and_questions
    people = [UserFactory(), UserFactory()]
    for person, number, day in ((people[0], "2", 2001), (people[1], "5", 2010)):
        services.response_submit(
            user=person,
            survey=survey,
            answers=[
                Answer(question=q["age"], number=Decimal(number)),
                Answer(question=q["date"], date=datetime.date(day, 5, 1)),
            ],
            respondent=services.Respondent(municipality=municipality),
        )
    age, since = (_results(survey)[q[name].pk] for name in ("age", "date"))
    assert (age.average, age.minimum, age.maximum) == (Decimal("3.50"), Decimal(2), Decimal(5))
    assert (since.minimum, since.maximum) == (datetime.date(2001, 5, 1), datetime.date(2010, 5, 1))
    services.response_submit(
        user=people[0],
        survey=survey,
        answers=[Answer(question=q["age"], number=Decimal("7.5"))],
        respondent=services.Respondent(),
    )
    age, since = (_results(survey)[q[name].pk] for name in ("age", "date"))
    assert (age.average, age.minimum, age.maximum) == (Decimal("6.25"), Decimal(5), Decimal("7.5"))
    assert since.minimum == since.maximum == datetime.date(2010, 5, 1)
    assert _results(survey, municipality=municipality)[q["age"].pk].maximum == Decimal(5)


def test_many_counter_keys_are_written_in_batches(survey_and_questions, municipality, monkeypatch):
    survey, q = survey_and_questions
    monkeypatch.setattr(services, "COUNT_BATCH", 2)
    services.response_submit(
        user=UserFactory(),
        survey=survey,
        answers=_answers(q, "Auto", 3, False),
        respondent=services.Respondent(municipality=municipality),
    )
    kept = _counters(survey)
    assert len(kept) > 2 * 2
    services.answer_counts_rebuild(survey=survey)
    assert _counters(survey) == kept

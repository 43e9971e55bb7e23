"""Role x phase x survey-setting matrix for building, answering, editing, entering, importing and reading
results (STYLE.md rule 6). Each table is written out by hand: a row per role, a column per phase state."""

import pytest
from django.contrib.auth.models import AnonymousUser

from smartregion.accounts.models import Role
from smartregion.participation.models import ParticipationBlock
from smartregion.surveys.models import Response, Survey

from ..factories import RoleGrantFactory, UserFactory
from .factories import make_survey, survey_process

ROLES = ("anonymous", "citizen", "blocked", "moderator", "coordinator", "expert", "program_office")
STATES = ("before", "active", "after")
Y, N = True, False


@pytest.fixture
def person(db, municipality):
    def make(role):
        if role == "anonymous":
            return AnonymousUser()
        user = UserFactory()
        if role == "blocked":
            ParticipationBlock.objects.create(user=user, reason="Spam")
        elif role == "coordinator":
            RoleGrantFactory(user=user, role=Role.COORDINATOR, municipality=municipality)
        elif role != "citizen":
            RoleGrantFactory(user=user, role=role)
        return user

    return make


@pytest.fixture
def scenario(office):
    def make(state, audience=Survey.Audience.ANYONE, public=True, published_results=False):
        survey = make_survey(office, survey_process(state), audience=audience, public=public)
        if published_results:
            Survey.objects.filter(pk=survey.pk).update(results_published_at="2026-01-01T00:00Z")
            survey.refresh_from_db()
        return survey

    return make


def _check(person, scenario, perm, table, **settings):
    for role, row in table.items():
        for state, expected in zip(STATES, row, strict=True):
            survey = scenario(state, **settings)
            user = person(role)
            assert user.has_perm(perm, survey) is expected, (perm, role, state, settings)


ANSWER_ANYONE = {
    "anonymous": (N, Y, N),
    "citizen": (N, Y, N),
    "blocked": (N, N, N),
    "moderator": (N, Y, N),
    "coordinator": (N, Y, N),
    "expert": (N, Y, N),
    "program_office": (N, Y, N),
}
ANSWER_SIGNED_IN = {**ANSWER_ANYONE, "anonymous": (N, N, N)}
ANSWER_DRAFT = dict.fromkeys(ROLES, (N, N, N))


def test_answer_open_to_anyone(person, scenario):
    _check(person, scenario, "surveys.answer_survey", ANSWER_ANYONE)


def test_answer_signed_in_only(person, scenario):
    _check(person, scenario, "surveys.answer_survey", ANSWER_SIGNED_IN, audience=Survey.Audience.SIGNED_IN)


def test_nobody_answers_a_draft(person, scenario):
    _check(person, scenario, "surveys.answer_survey", ANSWER_DRAFT, public=False)


STAFF_ONLY = {
    "anonymous": (N, N, N),
    "citizen": (N, N, N),
    "blocked": (N, N, N),
    "moderator": (Y, Y, Y),
    "coordinator": (N, N, N),
    "expert": (N, N, N),
    "program_office": (Y, Y, Y),
}


def test_build(person, scenario):
    _check(person, scenario, "surveys.build_survey", STAFF_ONLY)
    _check(person, scenario, "surveys.build_survey", STAFF_ONLY, public=False)


def test_import(person, scenario):
    _check(person, scenario, "surveys.import_responses", STAFF_ONLY)
    _check(person, scenario, "surveys.import_responses", ANSWER_DRAFT, public=False)


def test_enter_paper(person, scenario):
    table = {**STAFF_ONLY, "coordinator": (Y, Y, Y)}
    _check(person, scenario, "surveys.enter_response", table)
    _check(person, scenario, "surveys.enter_response", ANSWER_DRAFT, public=False)


def test_publish_and_moderate(person, scenario):
    _check(person, scenario, "surveys.publish_results", STAFF_ONLY)
    _check(person, scenario, "surveys.moderate_answer", STAFF_ONLY)
    _check(person, scenario, "surveys.export_responses", STAFF_ONLY)


def test_read_results(person, scenario):
    live = {**STAFF_ONLY, "coordinator": (Y, Y, Y)}
    _check(person, scenario, "surveys.view_results", live)
    _check(person, scenario, "surveys.view_results", dict.fromkeys(ROLES, (Y, Y, Y)), published_results=True)


def test_edit_own_response_only_while_the_phase_runs(person, scenario):
    table = {
        "citizen": (N, Y, N),
        "blocked": (N, N, N),
        "moderator": (N, Y, N),
        "program_office": (N, Y, N),
    }
    for role, row in table.items():
        for state, expected in zip(STATES, row, strict=True):
            survey = scenario(state, audience=Survey.Audience.SIGNED_IN)
            user = person(role)
            own = Response.objects.create(survey=survey, user=user, submitted_at="2026-01-01T00:00Z")
            assert user.has_perm("surveys.edit_response", own) is expected, (role, state)
            other = person("citizen")
            assert not other.has_perm("surveys.edit_response", own)


def test_view_survey(person, scenario):
    _check(person, scenario, "surveys.view_survey", dict.fromkeys(ROLES, (Y, Y, Y)))
    _check(person, scenario, "surveys.view_survey", {**STAFF_ONLY, "coordinator": (Y, Y, Y)}, public=False)


@pytest.mark.parametrize("perm", ["surveys", "surveys.view_surveyevent"])
def test_the_surveys_admin_is_the_offices(person, perm):
    for role in ROLES:
        assert person(role).has_perm(perm) is (role == "program_office"), role

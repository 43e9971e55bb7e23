import pytest

from smartregion.accounts.models import Role

from ..factories import RoleGrantFactory, UserFactory
from .factories import full_survey, survey_process


@pytest.fixture
def office(db):
    user = UserFactory(display_name="Stabsstelle")
    RoleGrantFactory(user=user, role=Role.PROGRAM_OFFICE)
    return user


@pytest.fixture
def process(db, municipality):
    return survey_process("active", title="Zukunftsdialog", slug="zukunftsdialog")


@pytest.fixture
def survey_and_questions(office, process):
    return full_survey(office, process)

"""A small public world for the API: a running process with ideas and comments, a published measure with
money, milestones and indicators, and next to them a hidden idea, a hidden comment and a draft measure."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from smartregion.accounts.models import Role
from smartregion.api import services as tokens
from smartregion.participation.models import IdeaStatus
from smartregion.program import services as program_services
from smartregion.program.models import Indicator, Milestone
from smartregion.strategy.models import IdeaLink

from ..factories import RoleGrantFactory, UserFactory
from ..participation.factories import CommentFactory, IdeaFactory, ProcessFactory, assisted_idea
from ..program.conftest import domain, make_measure, program, strategy  # noqa: F401 - fixtures


@pytest.fixture
def office(db):
    user = UserFactory(display_name="Programmbüro")
    RoleGrantFactory(user=user, role=Role.PROGRAM_OFFICE)
    return user


@pytest.fixture
def world(db, municipality, domain, program, make_measure, office):  # noqa: F811, PLR0917 - fixtures
    """Ideas, comments and a measure, plus hidden, unpublished and personal things around them."""
    process = ProcessFactory(title="Mobil in der Region", slug="mobil", phase="active")
    process.domains.set([domain])
    author = UserFactory(email="geheim.autorin@example.net", display_name="Clara Bürger", age_group="18-29")
    ideas = [
        IdeaFactory(process=process, author=author, title=f"Radweg Nummer {n}", domains=[domain])
        for n in range(3)
    ]
    hidden = IdeaFactory(process=process, title="Versteckte Idee", status=IdeaStatus.HIDDEN, domains=[domain])
    phoned = assisted_idea(process, recorded_by=office, title="Telefonische Idee", domains=[domain])
    CommentFactory(idea=ideas[0], author=author, body="Ein öffentlicher Kommentar.")
    CommentFactory(idea=ideas[0], body="Verborgener Kommentar", is_hidden=True, hidden_reason="Beleidigung")

    measure = make_measure(title="Mitfahrbänke")
    federal, _own = program
    program_services.budget_line_set(actor=office, measure=measure, source=federal, year=2026, planned="300")
    Milestone.objects.create(measure=measure, title="Bänke aufgestellt", due_on=datetime.date(2026, 3, 1))
    indicator = Indicator.objects.create(
        measure=measure, name="Fahrten", unit="Fahrten", baseline=Decimal("0"), target=Decimal("100")
    )
    program_services.indicator_value_add(
        actor=office, indicator=indicator, measured_on=datetime.date(2026, 6, 1), value="12", source="Zählung"
    )
    IdeaLink.objects.create(measure=measure, idea=ideas[0], note="Aufgenommen.", created_by=office)
    secret_measure = make_measure(title="Entwurf einer Maßnahme", published=False)
    return {
        "process": process,
        "ideas": ideas,
        "hidden": hidden,
        "phoned": phoned,
        "author": author,
        "measure": measure,
        "secret_measure": secret_measure,
        "indicator": indicator,
    }


@pytest.fixture
def api_client() -> Client:
    return Client(HTTP_HOST="testserver")


def bearer_client(user) -> Client:
    """A client that sends a fresh API token of ``user`` with every request."""
    _token, secret = tokens.token_create(user=user, name="Test", lifetime_days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

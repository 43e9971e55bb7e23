"""Content of every searchable kind, public and not, with real German text; the program fixtures for the
office's analyses."""

from typing import Any

import pytest

from smartregion.strategy.models import Goal, Measure, Strategy

from ..events.factories import EventFactory
from ..participation.factories import CommentFactory, IdeaFactory, ProcessFactory
from ..program.conftest import domain, program, strategy  # noqa: F401  (fixtures of the office's analyses)


@pytest.fixture
def process(db):
    return ProcessFactory(title="Mobilität im Kreis", slug="mobilitaet", phase="active")


@pytest.fixture
def make_idea(process):
    def make(title: str, body: str = "Mehr Lebensqualität für alle.", **fields: Any):
        return IdeaFactory(process=fields.pop("process", process), title=title, body=body, **fields)

    return make


@pytest.fixture
def make_comment():
    return CommentFactory


@pytest.fixture
def make_event():
    return EventFactory


@pytest.fixture
def make_measure(db):
    goal = Goal.objects.create(title="Nachhaltige Mobilität", slug="nachhaltige-mobilitaet")
    parent = Strategy.objects.create(goal=goal, title="Radverkehr", slug="radverkehr-strategie")
    counter = iter(range(1000))

    def make(title: str, summary: str = "Eine Maßnahme.", *, published: bool = True) -> Measure:
        return Measure.objects.create(
            strategy=parent,
            title=title,
            slug=f"massnahme-{next(counter)}",
            summary=summary,
            is_published=published,
        )

    return make

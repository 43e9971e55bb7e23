"""A small program to work on: two funding sources, the program phases, a goal, a strategy, and a measure
of the coordinator's municipality (``municipality`` from tests/conftest.py)."""

import datetime
from decimal import Decimal

import pytest

from smartregion.program.models import FundingSource, ProgramPhase
from smartregion.strategy.models import Domain, Goal, Measure, Strategy


@pytest.fixture
def program(db):
    ProgramPhase.objects.create(
        name="Strategiephase",
        kind=ProgramPhase.Kind.STRATEGY,
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    ProgramPhase.objects.create(
        name="Umsetzungsphase",
        kind=ProgramPhase.Kind.IMPLEMENTATION,
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2031, 12, 31),
    )
    federal = FundingSource.objects.create(
        name="Bund", kind=FundingSource.Kind.FEDERAL, amount=Decimal("1000.00"), max_rate=Decimal("65.00")
    )
    own = FundingSource.objects.create(
        name="Eigenanteil", kind=FundingSource.Kind.OWN_SHARE, amount=Decimal("500.00")
    )
    return federal, own


@pytest.fixture
def domain(db):
    return Domain.objects.create(name="Mobilität", slug="mobilitaet")


@pytest.fixture
def strategy(db):
    goal = Goal.objects.create(title="Mobil im ländlichen Raum", slug="mobil")
    return Strategy.objects.create(goal=goal, title="Geteilte Mobilität", slug="geteilte-mobilitaet")


@pytest.fixture
def make_measure(strategy, domain, municipality):
    """A measure, published and of ``municipality`` unless told otherwise (``municipalities=[]``: the
    whole region)."""

    def make(*, published: bool = True, municipalities=None, title: str = "Mitfahrbänke") -> Measure:
        n = Measure.objects.count()
        measure = Measure.objects.create(
            strategy=strategy, title=title, slug=f"massnahme-{n}", summary="Kurz.", is_published=published
        )
        measure.domains.set([domain])
        measure.municipalities.set([municipality] if municipalities is None else municipalities)
        return measure

    return make

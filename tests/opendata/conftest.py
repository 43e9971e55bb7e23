"""A small public program for the open-data tests: a public process with ideas (one with a location), a
published measure with budget, milestones and indicator values, and next to each what must stay out of
the data: a hidden idea, a merged idea, an unpublished measure with its money and milestones."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from smartregion.participation.models import IdeaStatus
from smartregion.program import services
from smartregion.program.models import Indicator

from ..participation.factories import IdeaFactory, ProcessFactory
from ..personal_data import SeededSecrets, seed_personal_data
from ..program.conftest import domain, make_measure, program, strategy  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def opendata_root(settings, tmp_path):
    """The download files (opendata/publish.py) of this test alone."""
    settings.OPENDATA_ROOT = tmp_path / "opendata"
    return settings.OPENDATA_ROOT


@pytest.fixture
def office(make_person):
    return make_person("program_office")


def fill_measure(measure, office, sources, *, year: int = 2026, title: str = "Pilot gestartet") -> None:
    """Budget in two sources, a reached and an open milestone, an indicator with a value."""
    federal, own = sources
    services.budget_line_set(actor=office, measure=measure, source=federal, year=year, planned="20.00")
    services.budget_line_set(actor=office, measure=measure, source=own, year=year, planned="10.00")
    day = timezone.localdate() - datetime.timedelta(days=3)
    milestone = services.milestone_add(actor=office, measure=measure, title=title, due_on=day)
    services.milestone_set_done(actor=office, milestone=milestone, done_on=day)
    services.milestone_add(actor=office, measure=measure, title=f"{title} – Ausbau", due_on=day)
    indicator = Indicator.objects.create(
        measure=measure, name=f"{title}: Bänke", unit="Stück", baseline=Decimal(0), target=Decimal(40)
    )
    services.indicator_value_add(
        actor=office, indicator=indicator, measured_on=day, value="3.5", source="Zählung"
    )


@pytest.fixture
def public_data(db, municipality, program, make_measure, office):  # noqa: F811 (fixtures)
    """Public and non-public content side by side; returns the objects by name."""
    process = ProcessFactory(title="Radverkehr in der Region", slug="radverkehr", phase="active")
    located = IdeaFactory(
        process=process,
        title="Radweg am Rhein",
        latitude=Decimal("50.43300"),
        longitude=Decimal("7.40000"),
        municipality=municipality,
    )
    plain = IdeaFactory(process=process, title="Mehr Fahrradständer")
    target = IdeaFactory(process=process, title="Sichere Radwege")
    merged = IdeaFactory(
        process=process, title="Zusammengeführte Idee Doppelt", status=IdeaStatus.MERGED, merged_into=target
    )
    hidden = IdeaFactory(process=process, title="Entfernte Idee Beleidigung", status=IdeaStatus.HIDDEN)
    measure = make_measure(title="Mitfahrbänke mit digitaler Anzeige")
    fill_measure(measure, office, program)
    unpublished = make_measure(title="Unveröffentlichte Maßnahme Schublade", published=False)
    fill_measure(unpublished, office, program, title="Schubladen-Meilenstein")
    survey = _published_survey(process, office)
    return {
        "process": process,
        "located": located,
        "plain": plain,
        "target": target,
        "merged": merged,
        "hidden": hidden,
        "measure": measure,
        "unpublished": unpublished,
        "survey": survey,
    }


def _published_survey(process, office):
    """A survey with one answer and its results published (the survey results dataset)."""
    from smartregion.surveys import services
    from smartregion.surveys.models import Answer, QuestionKind, Response

    from ..surveys.factories import add_question, make_survey

    survey = make_survey(office, process, title="Radumfrage")
    question = add_question(office, survey, QuestionKind.SINGLE, "Fahren Sie Rad?", options=["Ja", "Nein"])
    response = Response.objects.create(survey=survey, submitted_at="2026-01-01T00:00Z")
    Answer.objects.create(response=response, question=question, option=question.options.first())
    services.results_publish(actor=office, survey=survey, published=True)
    return survey


# What must never appear in any download, feed or the catalogue (titles of non-public content).
NOT_PUBLIC = (
    "Zusammengeführte Idee Doppelt",
    "Entfernte Idee Beleidigung",
    "Unveröffentlichte Maßnahme Schublade",
    "Schubladen-Meilenstein",
)


@pytest.fixture
def secrets(public_data, municipality, office) -> SeededSecrets:
    return seed_personal_data(municipality=municipality, office=office, measure=public_data["measure"])

"""The whole MYK demo data set in one call, for `manage.py seed_demo` and the tests that need all of it."""

from dataclasses import dataclass, field

from django.db import transaction

from smartregion.accounts import demo as accounts_demo
from smartregion.accounts.models import User
from smartregion.events import demo as events_demo
from smartregion.network import demo as network_demo
from smartregion.network.models import Municipality, Region
from smartregion.participation import demo as participation_demo
from smartregion.participation.models import Process
from smartregion.program import demo as program_demo
from smartregion.strategy import demo as strategy_demo
from smartregion.strategy.models import Measure
from smartregion.surveys import demo as surveys_demo


@dataclass(frozen=True)
class DemoData:
    region: Region
    municipalities: list[Municipality]
    people: list[User]
    process: Process | None
    measures: list[Measure] = field(default_factory=list)


@transaction.atomic
def seed_all() -> DemoData:
    """Region, municipalities, organizations, personas, expert board, domains, the demo processes and the
    program (phases, funding, goals, strategies, measures with budget, milestones and indicators)."""
    region = network_demo.seed_region()
    municipalities = network_demo.seed_municipalities(region)
    bodies = network_demo.seed_organizations(municipalities)
    people = accounts_demo.seed_people(bodies=bodies)
    domains = strategy_demo.seed_domains()
    process = participation_demo.seed_participation(
        people=people, municipalities=municipalities, domains=domains
    )
    measures = program_demo.seed_program(people=people, municipalities=municipalities, domains=domains)
    strategy_demo.seed_assessment(people=people, measures=measures)
    strategy_demo.seed_versions()
    program_demo.seed_agendas(office=next(p for p in people if p.email == program_demo.OFFICE_EMAIL))
    events_demo.seed_events(people=people, municipalities=municipalities, process=process)
    seed_home_municipalities(municipalities)
    surveys_demo.seed_surveys(people=people, municipalities=municipalities, process=process)
    return DemoData(
        region=region, municipalities=municipalities, people=people, process=process, measures=measures
    )


# Where the demo citizens say they live (voluntary, for the reach figures): most give a town, some do not,
# and three towns are left without residents so that the region page shows whom the program misses.
HOMES = {
    "clara.buerger@example.org": "Andernach",
    "buerger01@example.org": "Mendig",
    "buerger02@example.org": "Andernach",
    "buerger03@example.org": "Mayen",
    "buerger04@example.org": "Mendig",
    "buerger05@example.org": "Weißenthurm",
    "buerger07@example.org": "Pellenz",
    "buerger08@example.org": "Mayen",
    "buerger09@example.org": "Maifeld",
    "buerger11@example.org": "Andernach",
}


def seed_home_municipalities(municipalities: list[Municipality]) -> None:
    """Give the demo citizens their home municipality, where they have none yet (idempotent)."""
    places = {municipality.name: municipality for municipality in municipalities}
    for email, name in HOMES.items():
        if name in places:
            User.objects.filter(email=email, home_municipality__isnull=True).update(
                home_municipality=places[name]
            )

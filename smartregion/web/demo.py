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
    return DemoData(
        region=region, municipalities=municipalities, people=people, process=process, measures=measures
    )

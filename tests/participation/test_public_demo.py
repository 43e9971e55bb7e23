"""The demo participation data: what it contains, that it keeps the rules, and that loading it twice changes
nothing."""

import io

import pytest
from django.core.management import call_command

from smartregion.accounts import demo as accounts_demo
from smartregion.network import demo as network_demo
from smartregion.participation import demo, selectors
from smartregion.participation.models import (
    AssistedContribution,
    Channel,
    Comment,
    Idea,
    IdeaStatus,
    Process,
    Support,
)
from smartregion.strategy import demo as strategy_demo

from .public_support import text_of

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


@pytest.fixture
def seeded(db):
    region = network_demo.seed_region()
    municipalities = network_demo.seed_municipalities(region)
    people = accounts_demo.seed_people(bodies=network_demo.seed_organizations(municipalities))
    domains = strategy_demo.seed_domains()
    process = demo.seed_participation(people=people, municipalities=municipalities, domains=domains)
    return {"process": process, "people": people, "municipalities": municipalities, "domains": domains}


def test_a_running_idea_collection_and_a_process_that_informs(seeded):
    main = seeded["process"]
    assert main.title == "Ideen für die Smart-Region-Strategie MYK10"
    assert main.visibility == Process.Visibility.PUBLIC
    assert [phase.kind for phase in selectors.phase_timeline(main).phases] == [
        "information",
        "idea_collection",
        "assessment",
    ]
    timeline = selectors.phase_timeline(main)
    assert timeline.current is not None
    assert timeline.current.kind == "idea_collection"
    second = Process.objects.get(slug=demo.SECOND_SLUG)
    second_timeline = selectors.phase_timeline(second)
    assert second_timeline.current is not None
    assert second_timeline.current.kind == "information"


def test_ideas_on_every_channel_with_places_supports_and_a_discussion(seeded):
    ideas = Idea.objects.filter(process=seeded["process"])
    assert ideas.count() == 30
    assert main_count(seeded) == 30
    assert {Channel.ONLINE, Channel.PHONE, Channel.LETTER, Channel.EVENT} <= set(
        ideas.values_list("channel", flat=True)
    )
    assert AssistedContribution.objects.filter(idea__in=ideas).exclude(public_attribution="").count() == 5
    assert not ideas.filter(author__isnull=True, assisted__isnull=True).exists()
    bounds = selectors.region_bounds()
    located = ideas.filter(latitude__isnull=False)
    assert located.count() >= 8
    assert all(bounds.contains(idea.latitude, idea.longitude) for idea in located)
    assert len(set(ideas.values_list("municipality", flat=True))) >= 10
    assert Support.objects.count() > 100
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Comment.objects.filter(is_hidden=True).exclude(hidden_reason="").exists()
    for idea in ideas:
        assert idea.support_count == idea.supports.count()


def main_count(seeded):
    seeded["process"].refresh_from_db()
    return seeded["process"].idea_count


def test_one_merged_and_one_not_pursued_with_reasons(seeded):
    merged = Idea.objects.get(status=IdeaStatus.MERGED)
    assert merged.merged_into is not None
    assert merged.status_reason
    not_pursued = Idea.objects.get(status=IdeaStatus.NOT_PURSUED)
    assert "DigitalPakt" in not_pursued.status_reason


def test_seeding_again_changes_nothing(seeded):
    counts = (Process.objects.count(), Idea.objects.count(), Support.objects.count(), Comment.objects.count())
    assert (
        demo.seed_participation(
            people=seeded["people"], municipalities=seeded["municipalities"], domains=seeded["domains"]
        )
        is None
    )
    assert (
        Process.objects.count(),
        Idea.objects.count(),
        Support.objects.count(),
        Comment.objects.count(),
    ) == counts


def test_seed_demo_loads_participation_once(db, settings, client):
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert Process.objects.count() == 2
    # 30 from the participation demo, the citizen persona's 2 that the program demo adds and takes up, and
    # the 5 workshop cards of the events demo's past workshop.
    assert Idea.objects.count() == 37
    settings.DEBUG = False
    page = text_of(client.get("/ideen/?q=Mitfahrbänke"))
    assert "Mitfahrbänke in den Dörfern der Vordereifel" in page
    assert "Gisela Demo" not in page

"""Every public list and detail page makes the same number of SQL queries with 20 more rows (STYLE.md rule
5), for anonymous visitors and for a signed-in citizen whose own comments and supports are among the rows."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from smartregion.participation.models import Notification, Support

from ..factories import MunicipalityFactory, UserFactory
from .factories import INSIDE, CommentFactory, DomainFactory, IdeaFactory, assisted_idea
from .public_support import count_queries

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")
VIEWERS = ("anonymous", "citizen")


@pytest.fixture
def viewer(request, client, citizen, make_person):
    if request.param == "citizen":
        client.force_login(citizen)
    elif request.param == "moderator":
        # Moderators see the moderation actions on every comment.
        client.force_login(make_person("moderator"))
    return client


def _ideas(process, count, *, citizen, staff, places):
    """Ideas of every shape the list shows: online and assisted, with and without place and municipality."""
    second_domain = DomainFactory(name="Energie", slug="energie")
    for index in range(count):
        fields = {
            "municipality": places[index % len(places)] if index % 3 else None,
            "latitude": INSIDE[0] if index % 2 else None,
            "longitude": INSIDE[1] if index % 2 else None,
        }
        if index % 4 == 0:
            idea = assisted_idea(process, recorded_by=staff, **fields)
        else:
            idea = IdeaFactory(process=process, author=UserFactory(), **fields)
        idea.domains.add(second_domain)
        if index % 5 == 0:
            Support.objects.create(idea=idea, user=citizen)


def _rendered_count(client, url):
    # Counts what rendering the page costs: the page cache (tested in tests/core/test_pagecache.py) would
    # answer anonymous visitors from memory with no query at all.
    caches["pages"].clear()
    return count_queries(client, url)


def _same_count(client, url, grow):
    client.get(url)  # the first request may set up a session or warm caches
    before = _rendered_count(client, url)
    grow()
    after = _rendered_count(client, url)
    assert after == before, f"{url}: {before} queries, then {after} with 20 more rows"
    return before


@pytest.fixture
def add_ideas(collecting, citizen, make_person, municipality, other_municipality):
    """Adds ideas to ``collecting``; the citizen supports some, a moderator recorded some."""
    staff = make_person("moderator")
    return lambda count: _ideas(
        collecting, count, citizen=citizen, staff=staff, places=[municipality, other_municipality]
    )


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
@pytest.mark.parametrize(
    "query",
    [
        "",
        "?sort=supported",
        "?sort=discussed&page=2",
        "?domain=energie&status=published&q=Radweg",
        "?sort=random",
    ],
)
def test_idea_list(viewer, add_ideas, query):
    add_ideas(25)
    _same_count(viewer, reverse("participation:idea_list") + query, lambda: add_ideas(20))


def _comments(idea, count, *, citizen):
    """Top-level comments and replies, some the viewer's own, some deleted, hidden or highlighted."""
    top = None
    for index in range(count):
        fields = {
            "author": citizen if index % 7 == 0 else UserFactory(),
            "is_deleted": index % 11 == 5,
            "is_hidden": index % 13 == 6,
            "is_highlighted": index % 17 == 3,
        }
        if fields["is_hidden"]:
            fields["hidden_reason"] = "Beleidigend"
        if fields["is_deleted"]:
            fields["body"] = ""
        if index % 3 == 2 and top is not None:
            CommentFactory(idea=idea, parent=top, **fields)
        else:
            top = CommentFactory(idea=idea, **fields)


@pytest.mark.parametrize("viewer", [*VIEWERS, "moderator"], indirect=True)
@pytest.mark.parametrize("located", [False, True])
def test_idea_page_with_fifty_comments_and_replies(viewer, collecting, citizen, settings, located):
    if located:
        # The idea's own little map is drawn only with map tiles.
        settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    idea = IdeaFactory(
        process=collecting, latitude=INSIDE[0] if located else None, longitude=INSIDE[1] if located else None
    )
    _comments(idea, 50, citizen=citizen)
    _same_count(viewer, idea.get_absolute_url(), lambda: _comments(idea, 20, citizen=citizen))


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_process_page(viewer, collecting, add_ideas, municipality, other_municipality):
    collecting.municipalities.set([municipality, other_municipality])
    add_ideas(5)
    _same_count(viewer, collecting.get_absolute_url(), lambda: add_ideas(20))


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_process_list(viewer, db, domain):
    from .factories import ProcessFactory

    def grow():
        for _ in range(20):
            process = ProcessFactory(phase="active")
            process.domains.set([domain])
            process.municipalities.set([MunicipalityFactory()])

    grow_first = ProcessFactory(phase="active")
    grow_first.municipalities.set([MunicipalityFactory()])
    _same_count(viewer, reverse("participation:process_list"), grow)


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
@pytest.mark.parametrize("name", ["participation:idea_geojson", "participation:idea_map"])
def test_geojson_and_map(viewer, add_ideas, municipality, name):
    add_ideas(6)
    _same_count(viewer, reverse(name) + "?municipality=" + municipality.slug, lambda: add_ideas(20))


def test_notifications_page(client, citizen, collecting):
    idea = IdeaFactory(process=collecting)

    def grow():
        Notification.objects.bulk_create(
            Notification(user=citizen, kind=Notification.Kind.NEW_COMMENT, idea=idea, message=f"Neu {n}")
            for n in range(20)
        )

    grow()
    client.force_login(citizen)
    _same_count(client, reverse("participation:notifications"), grow)


def test_sitemap(client, add_ideas):
    add_ideas(3)
    _same_count(client, reverse("sitemap"), lambda: add_ideas(20))

"""Prepared queries (core/prepared.py) give what the ORM gives, with each call's values, in one query."""

import datetime
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from smartregion.accounts.models import Role
from smartregion.accounts.selectors import person_for_request
from smartregion.core.prepared import Prepared, prefetched
from smartregion.participation import selectors
from smartregion.participation.models import Idea, Notification, ParticipationBlock, Phase
from tests.factories import RoleGrantFactory, UserFactory
from tests.participation.factories import IdeaFactory, PhaseFactory, ProcessFactory

pytestmark = pytest.mark.django_db


def _fields(instance: Model) -> dict[str, Any]:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_an_idea_and_its_process_are_what_the_orm_reads(municipality) -> None:
    process = ProcessFactory(phase="active")
    PhaseFactory(process=process, state="after")
    ideas = [IdeaFactory(process=process, municipality=municipality) for _ in range(3)]
    ideas[1].support_count = 7
    ideas[1].latitude, ideas[1].longitude = "50.4331234", "7.4712345"
    ideas[1].save()
    expected = Idea.objects.select_related("process").prefetch_related("process__phases").get(pk=ideas[1].pk)

    with CaptureQueriesContext(connection) as queries:
        idea = selectors.idea_get_for_action(pk=ideas[1].pk)
        phases = list(idea.process.phases.all())
        back = [phase.process for phase in phases]
    assert len(queries) == 2  # the idea with its process, and the phases

    assert _fields(idea) == _fields(expected)
    assert isinstance(idea.published_at, datetime.datetime)
    assert timezone.is_aware(idea.published_at)
    assert _fields(idea.process) == _fields(expected.process)
    assert [_fields(phase) for phase in phases] == [_fields(phase) for phase in expected.process.phases.all()]
    assert all(owner is idea.process for owner in back)
    # Another call binds its own value, and the phases' relation still filters by its process.
    assert selectors.idea_get_for_action(pk=ideas[2].pk).pk == ideas[2].pk
    assert list(idea.process.phases.filter(pk=phases[0].pk)) == [phases[0]]


def test_a_missing_or_impossible_idea_is_none_of_them(municipality) -> None:
    idea = IdeaFactory(municipality=municipality)
    for pk in (idea.pk + 1000, -1, 2**70, -(2**70)):
        with pytest.raises(Idea.DoesNotExist):
            selectors.idea_get_for_action(pk=pk)


def test_a_person_is_read_with_her_roles_block_and_unread_count(municipality) -> None:
    person, other = UserFactory(), UserFactory()
    RoleGrantFactory(user=person, role=Role.COORDINATOR, municipality=municipality)
    RoleGrantFactory(user=person, role=Role.PROGRAM_OFFICE, municipality=None)
    ParticipationBlock.objects.create(user=person, reason="Beleidigungen")
    idea = IdeaFactory(municipality=municipality)
    for _ in range(2):
        Notification.objects.create(user=person, idea=idea, kind=Notification.Kind.IDEA_STATUS)

    with CaptureQueriesContext(connection) as queries:
        read, read_other = person_for_request(pk=person.pk), person_for_request(pk=str(other.pk))
    assert len(queries) == 2

    assert _fields(read) == _fields(person)
    assert read.role_grants == {(Role.COORDINATOR, municipality.pk), (Role.PROGRAM_OFFICE, None)}
    assert read.participation_block.reason == "Beleidigungen"
    assert read.unread_notification_count == 2
    assert read_other.pk == other.pk
    assert read_other.role_grants == frozenset()
    assert read_other.unread_notification_count == 0
    with CaptureQueriesContext(connection) as queries:
        assert not hasattr(read_other, "participation_block")
    assert len(queries) == 0  # her missing block was read with her
    assert person_for_request(pk=other.pk + 1000) is None


def test_an_expired_session_signs_nobody_in(client, make_person) -> None:
    person = make_person("citizen")
    client.force_login(person)
    key = client.cookies["sessionid"].value
    assert client.get("/konto/profil/").status_code == 200

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/konto/profil/")
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]
    assert Session.objects.get(session_key=key).get_decoded()[SESSION_KEY] == str(person.pk)


def test_values_must_be_of_their_kind_and_stand_in_exactly_once() -> None:
    ideas = Prepared(lambda pk: Idea.objects.filter(pk=pk), pk=int)
    with pytest.raises(TypeError):
        ideas(pk="1")
    with pytest.raises(TypeError):
        ideas(id=1)
    with pytest.raises(ValueError, match="exactly one parameter"):
        Prepared(lambda pk: Idea.objects.filter(pk=1), pk=int)(pk=1)
    with pytest.raises(ValueError, match="prefetches nothing"):
        Prepared(lambda pk: Idea.objects.prefetch_related("domains").filter(pk=pk), pk=int)(pk=1)
    with pytest.raises(ValueError, match="model instances"):
        Prepared(lambda pk: Idea.objects.filter(pk=pk).values("pk"), pk=int)(pk=1)


def test_forget_compiles_what_build_returns_now(municipality) -> None:
    process = ProcessFactory()
    future, past = (PhaseFactory(process=process, state=state) for state in ("before", "after"))
    order = ["starts_at"]
    phases = Prepared(lambda process: Phase.objects.filter(process_id=process).order_by(*order), process=int)
    assert phases(process=process.pk) == [past, future]
    order[0] = "-starts_at"
    assert phases(process=process.pk) == [past, future]  # compiled once
    phases.forget()
    assert phases(process=process.pk) == [future, past]


def test_prefetched_objects_are_read_without_a_query(municipality) -> None:
    process = ProcessFactory(phase="active")
    phase = Phase.objects.get(process=process)
    prefetched(process, "phases", [phase])
    with CaptureQueriesContext(connection) as queries:
        assert list(process.phases.all()) == [phase]
        assert phase.process is process
    assert len(queries) == 0

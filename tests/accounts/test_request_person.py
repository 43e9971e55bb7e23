"""The signed-in person of a request is read in one query with what every page asks of her: her roles,
her block and her unread notifications (accounts.selectors.person_for_request, accounts/backends.py)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from smartregion.accounts.backends import AuthenticationBackend
from smartregion.accounts.models import Role
from smartregion.participation.models import Notification, ParticipationBlock
from smartregion.participation.rules import is_blocked
from smartregion.participation.selectors import unread_notification_count

from ..factories import MunicipalityFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db


def _notify(person, *, read: bool) -> None:
    Notification.objects.create(
        user=person,
        kind=Notification.Kind.NEW_IDEA,
        message="Neue Idee",
        read_at=timezone.now() if read else None,
    )


def test_her_roles_block_and_unread_notifications_come_with_her_in_one_query():
    person = UserFactory()
    first, second = MunicipalityFactory(), MunicipalityFactory()
    RoleGrantFactory(user=person, role=Role.COORDINATOR, municipality=second)
    RoleGrantFactory(user=person, role=Role.PROGRAM_OFFICE)
    ParticipationBlock.objects.create(user=person, reason="Spam", until=timezone.now() + timedelta(days=1))
    _notify(person, read=False)
    _notify(person, read=False)
    _notify(person, read=True)
    _notify(UserFactory(), read=False)

    with CaptureQueriesContext(connection) as queries:
        loaded = AuthenticationBackend().get_user(person.pk)
        grants = loaded.role_grants
        blocked = is_blocked(loaded)
        unread = unread_notification_count(user=loaded)
    assert len(queries) == 1
    assert grants == {(Role.COORDINATOR.value, second.pk), (Role.PROGRAM_OFFICE.value, None)}
    assert (Role.COORDINATOR.value, first.pk) not in grants
    assert blocked is True
    assert unread == 2


def test_a_person_without_roles_block_or_notifications_costs_no_second_query():
    person = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        loaded = AuthenticationBackend().get_user(person.pk)
        assert loaded.role_grants == frozenset()
        assert is_blocked(loaded) is False
        assert unread_notification_count(user=loaded) == 0
    assert len(queries) == 1


def test_an_inactive_or_unknown_person_is_nobody():
    person = UserFactory(is_active=False)
    RoleGrantFactory(user=person, role=Role.PROGRAM_OFFICE)
    assert AuthenticationBackend().get_user(person.pk) is None
    assert AuthenticationBackend().get_user(person.pk + 1000) is None


def test_a_role_taken_away_counts_from_her_next_request(client):
    """Nothing about her is kept between requests: the office's admin link goes with the role."""
    person = UserFactory()
    grant = RoleGrantFactory(user=person, role=Role.PROGRAM_OFFICE)
    client.force_login(person)
    admin = reverse("admin:index")
    assert admin in client.get(reverse("web:home")).content.decode()
    grant.delete()
    assert admin not in client.get(reverse("web:home")).content.decode()
    assert client.get(admin).status_code == 302


def test_the_badge_counts_her_unread_notifications_and_follows_them(client):
    person = UserFactory()
    client.force_login(person)
    _notify(person, read=False)
    _notify(person, read=False)
    _notify(person, read=True)
    page = client.get(reverse("web:home")).content.decode()
    assert 'sr-count-badge"><span class="kern-label kern-label--small">2<' in page
    client.post(reverse("participation:notifications_mark_read"))
    assert "sr-count-badge" not in client.get(reverse("web:home")).content.decode()

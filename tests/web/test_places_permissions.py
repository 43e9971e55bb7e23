"""Role-by-state matrix for the municipality work list and "Meine Beteiligung" (STYLE.md rule 6).

Roles: the six platform roles, a coordinator of another municipality, and a deactivated coordinator.
States: the asked municipality is the coordinator's own or another one. The rule is asked directly and
through the pages, so the page and the rule cannot disagree.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from smartregion.accounts.models import Role

from ..factories import RoleGrantFactory, UserFactory

ROLES = (
    "anonymous",
    "citizen",
    "moderator",
    "coordinator",
    "coordinator_other",
    "coordinator_inactive",
    "expert",
    "program_office",
)
STATES = ("own_municipality", "other_municipality")
Y, N = True, False

#                              own     other
VIEW_MUNICIPALITY_TASKS = {
    "anonymous":              (N,      N),
    "citizen":                (N,      N),
    "moderator":              (N,      N),
    "coordinator":            (Y,      N),
    "coordinator_other":      (N,      Y),
    "coordinator_inactive":   (N,      N),
    "expert":                 (N,      N),
    "program_office":         (Y,      Y),
}  # fmt: skip

# "Meine Beteiligung" is always the asking person's own: every signed-in, active person, nobody else.
VIEW_OWN_PARTICIPATION = {
    "anonymous": N,
    "citizen": Y,
    "moderator": Y,
    "coordinator": Y,
    "coordinator_other": Y,
    "coordinator_inactive": N,
    "expert": Y,
    "program_office": Y,
}


def _person(role: str, municipality, other_municipality):
    if role == "anonymous":
        return AnonymousUser()
    user = UserFactory()
    if role in ("coordinator", "coordinator_inactive"):
        RoleGrantFactory(user=user, role=Role.COORDINATOR, municipality=municipality)
    elif role == "coordinator_other":
        RoleGrantFactory(user=user, role=Role.COORDINATOR, municipality=other_municipality)
    elif role != "citizen":
        RoleGrantFactory(user=user, role=role)
    if role == "coordinator_inactive":
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


@pytest.mark.parametrize("role", ROLES)
def test_view_municipality_tasks(db, role, municipality, other_municipality):
    user = _person(role, municipality, other_municipality)
    for state, expected in zip(STATES, VIEW_MUNICIPALITY_TASKS[role], strict=True):
        target = municipality if state == "own_municipality" else other_municipality
        assert user.has_perm("web.view_municipality_tasks", target) is expected, (role, state)


@pytest.mark.parametrize("role", ROLES)
def test_the_work_list_page_follows_the_rule(client, db, role, municipality, other_municipality):
    user = _person(role, municipality, other_municipality)
    if user.is_authenticated and user.is_active:
        client.force_login(user)
    for state, expected in zip(STATES, VIEW_MUNICIPALITY_TASKS[role], strict=True):
        target = municipality if state == "own_municipality" else other_municipality
        response = client.get(reverse("web:municipality_tasks", kwargs={"slug": target.slug}))
        if expected:
            assert response.status_code == 200, (role, state)
        elif not user.is_authenticated or not user.is_active:
            assert response.status_code == 302, (role, state)  # to the sign-in page
        else:
            assert response.status_code == 403, (role, state)


@pytest.mark.parametrize("role", ROLES)
def test_view_own_participation(client, db, role, municipality, other_municipality):
    user = _person(role, municipality, other_municipality)
    expected = VIEW_OWN_PARTICIPATION[role]
    assert user.has_perm("web.view_own_participation") is expected
    if user.is_authenticated and user.is_active:
        client.force_login(user)
    response = client.get(reverse("web:own_participation"))
    assert response.status_code == (200 if expected else 302)

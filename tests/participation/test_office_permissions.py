"""Role matrix for the participation permissions that depend on roles only (STYLE.md rule 6).

The phase-dependent permissions are in test_rules_matrix.py. These are the admin's (processes and phases
are the office's; ideas, comments and the event logs are read-only there), following an idea, and
seeing a process, which depends on the process being public or a draft rather than on a phase.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from smartregion.participation.models import Process

from ..conftest import ROLES
from ..factories import UserFactory

Y, N = True, False

#                                              anon citiz moder coord exper office
WITHOUT_OBJECT = {
    "participation":                            (N, N, N, N, N, Y),
    "participation.add_process":                (N, N, N, N, N, Y),
    "participation.change_process":             (N, N, N, N, N, Y),
    "participation.delete_process":             (N, N, N, N, N, Y),
    "participation.view_phase":                 (N, N, N, N, N, Y),
    "participation.add_phase":                  (N, N, N, N, N, Y),
    "participation.change_phase":               (N, N, N, N, N, Y),
    "participation.delete_phase":               (N, N, N, N, N, Y),
    "participation.view_comment":               (N, N, N, N, N, Y),
    "participation.view_ideaevent":             (N, N, N, N, N, Y),
    "participation.view_inboundmessage":        (N, N, N, N, N, Y),
    "participation.view_moderationevent":       (N, N, N, N, N, Y),
    "participation.view_participationblock":    (N, N, N, N, N, Y),
    "participation.follow":                     (N, Y, Y, Y, Y, Y),
}  # fmt: skip

#                       anon citiz moder coord exper office
VIEW_PROCESS = {
    "public":           (Y, Y, Y, Y, Y, Y),
    "draft":            (N, N, Y, Y, N, Y),
}  # fmt: skip


@pytest.mark.parametrize(
    ("perm", "role", "expected"),
    [(perm, role, row[i]) for perm, row in WITHOUT_OBJECT.items() for i, role in enumerate(ROLES)],
)
def test_permission(make_person, perm, role, expected):
    person = make_person(role)
    assert (person or AnonymousUser()).has_perm(perm) is expected


@pytest.mark.parametrize(
    ("visibility", "role", "expected"),
    [(state, role, row[i]) for state, row in VIEW_PROCESS.items() for i, role in enumerate(ROLES)],
)
def test_view_process(make_person, visibility, role, expected):
    process = Process.objects.create(
        title="Mobilität 2030", slug="mobilitaet-2030", summary="Ideen", visibility=visibility
    )
    person = make_person(role)
    assert (person or AnonymousUser()).has_perm("participation.view_process", process) is expected


@pytest.mark.parametrize("perm", WITHOUT_OBJECT)
def test_inactive_program_office_has_no_rights(make_person, perm):
    person = make_person("program_office")
    person.is_active = False
    person.save()
    assert not person.has_perm(perm)


@pytest.mark.parametrize("perm", WITHOUT_OBJECT)
def test_superuser_has_every_right(db, perm):
    assert UserFactory(is_superuser=True).has_perm(perm)

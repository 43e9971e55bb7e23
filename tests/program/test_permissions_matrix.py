"""Role-by-state matrix for the strategy's and the program's permissions (STYLE.md rule 6).

Roles: the six platform roles, a coordinator of another municipality, and a member of the measure's lead
organization. States of the measure: published or draft, and of the coordinator's municipality or
region-wide (no municipality).
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from smartregion.accounts.models import Role
from smartregion.program.models import Responsibility

from ..factories import MembershipFactory, OrganizationFactory, RoleGrantFactory, UserFactory

ROLES = (
    "anonymous",
    "citizen",
    "moderator",
    "coordinator",
    "coordinator_other",
    "expert",
    "lead_member",
    "program_office",
)
STATES = ("published", "draft", "region_wide")
Y, N = True, False


@pytest.fixture
def scenario(db, make_measure, municipality, other_municipality):
    def make(role: str, state: str):
        measure = make_measure(
            published=state != "draft", municipalities=[] if state == "region_wide" else [municipality]
        )
        lead = OrganizationFactory()
        Responsibility.objects.create(measure=measure, organization=lead, role=Responsibility.Role.LEAD)
        if role == "anonymous":
            return AnonymousUser(), measure
        user = UserFactory()
        if role == "coordinator":
            RoleGrantFactory(user=user, role=Role.COORDINATOR, municipality=municipality)
        elif role == "coordinator_other":
            RoleGrantFactory(user=user, role=Role.COORDINATOR, municipality=other_municipality)
        elif role == "lead_member":
            MembershipFactory(user=user, organization=lead, since=datetime.date(2024, 1, 1))
        elif role != "citizen":
            RoleGrantFactory(user=user, role=role)
        return user, measure

    return make


#                          published   draft  region-wide
VIEW_MEASURE = {
    "anonymous":           (Y,          N,     Y),
    "citizen":             (Y,          N,     Y),
    "moderator":           (Y,          N,     Y),
    "coordinator":         (Y,          Y,     Y),
    "coordinator_other":   (Y,          N,     Y),
    "expert":              (Y,          N,     Y),
    "lead_member":         (Y,          Y,     Y),
    "program_office":      (Y,          Y,     Y),
}  # fmt: skip
MANAGE = {
    "anonymous":           (N,          N,     N),
    "citizen":             (N,          N,     N),
    "moderator":           (N,          N,     N),
    "coordinator":         (Y,          Y,     N),
    "coordinator_other":   (N,          N,     N),
    "expert":              (N,          N,     N),
    "lead_member":         (N,          N,     N),
    "program_office":      (Y,          Y,     Y),
}  # fmt: skip
REPORT = {
    "anonymous":           (N,          N,     N),
    "citizen":             (N,          N,     N),
    "moderator":           (N,          N,     N),
    "coordinator":         (Y,          Y,     N),
    "coordinator_other":   (N,          N,     N),
    "expert":              (N,          N,     N),
    "lead_member":         (Y,          Y,     Y),
    "program_office":      (Y,          Y,     Y),
}  # fmt: skip
# Not tied to one measure.
GLOBAL = {
    #                       add_measure  export_report  manage_agenda  bulk_update  view drafts of the agenda
    "anonymous":           (N,           N,             N,             N,           N),
    "citizen":             (N,           N,             N,             N,           N),
    "moderator":           (N,           N,             N,             N,           N),
    "coordinator":         (Y,           N,             N,             N,           Y),
    "coordinator_other":   (Y,           N,             N,             N,           Y),
    "expert":              (N,           N,             N,             N,           N),
    "lead_member":         (N,           N,             N,             N,           N),
    "program_office":      (Y,           Y,             Y,             Y,           Y),
}  # fmt: skip
GLOBAL_PERMS = (
    "strategy.add_measure",
    "program.export_report",
    "program.manage_agenda",
    "program.bulk_update",
    "program.view_agenda",
)

PER_MEASURE = {
    "strategy.view_measure": VIEW_MEASURE,
    "strategy.change_measure": MANAGE,
    "strategy.link_idea": MANAGE,
    "program.plan_measure": MANAGE,
    "strategy.view_measure_history": REPORT,
    "program.report_measure": REPORT,
    # Setting the monitoring state by hand is planning: not for the lead organization.
    "program.override_monitoring": MANAGE,
    # Own staff effort is booked like expenses: also by the lead organization.
    "program.book_staff_effort": REPORT,
}
# The grant as a whole and the admin of the funder's rules and the agenda: the program office alone.
OFFICE_ONLY = (
    "program.call_funds",
    "program.view_grant",
    "program.add_fundingcommitment",
    "program.change_fundingcommitment",
    "program.delete_fundingcommitment",
    "program.view_fundingcommitment",
    "program.add_staffrole",
    "program.change_staffrole",
    "program.delete_staffrole",
    "program.view_staffrole",
    "program.add_indicatortarget",
    "program.change_indicatortarget",
    "program.delete_indicatortarget",
    "program.view_indicatortarget",
    "program.view_deadlinereminder",
    "program.view_fundcall",
    "program.view_staffeffort",
    "program.view_programreminder",
    "program.view_agendasnapshot",
    "program.delete_agendasnapshot",
)


@pytest.mark.parametrize(
    ("perm", "role", "state", "expected"),
    [
        (perm, role, state, table[role][i])
        for perm, table in PER_MEASURE.items()
        for role in ROLES
        for i, state in enumerate(STATES)
    ],
)
def test_measure_permission(scenario, perm, role, state, expected):
    user, measure = scenario(role, state)
    assert user.has_perm(perm, measure) is expected


@pytest.mark.parametrize(
    ("perm", "role", "expected"),
    [(perm, role, GLOBAL[role][i]) for i, perm in enumerate(GLOBAL_PERMS) for role in ROLES],
)
def test_global_permission(scenario, perm, role, expected):
    user, _measure = scenario(role, "published")
    assert user.has_perm(perm) is expected


def test_a_former_member_of_the_lead_organization_reports_no_more(scenario):
    user, measure = scenario("lead_member", "published")
    user.memberships.update(until=datetime.date(2025, 1, 1))
    assert not user.has_perm("program.report_measure", measure)


def test_a_partner_organization_does_not_report(scenario):
    user, measure = scenario("lead_member", "published")
    measure.responsibilities.update(role=Responsibility.Role.PARTNER)
    assert not user.has_perm("program.report_measure", measure)


@pytest.mark.parametrize("perm", OFFICE_ONLY)
@pytest.mark.parametrize("role", ROLES)
def test_office_only_permission(scenario, perm, role):
    user, _measure = scenario(role, "published")
    assert user.has_perm(perm) is (role == "program_office")

"""Role matrix for the admin permissions of the network, strategy, program and web apps (STYLE.md rule 6).

Written out by hand, one column per role of ``ROLES``. These apps are kept by the program office in the
admin and nobody else changes them: there is exactly one region, which is never added or deleted, and
reports of barriers arrive through the public form, so nobody adds them in the admin.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from .conftest import ROLES
from .factories import UserFactory

Y, N = True, False

#                                               anon citiz moder coord exper office
PERMISSIONS = {
    "network":                                  (N, N, N, N, N, Y),
    "network.view_region":                      (N, N, N, N, N, Y),
    "network.change_region":                    (N, N, N, N, N, Y),
    "network.add_region":                       (N, N, N, N, N, N),
    "network.delete_region":                    (N, N, N, N, N, N),
    "network.view_municipality":                (N, N, N, N, N, Y),
    "network.add_municipality":                 (N, N, N, N, N, Y),
    "network.change_municipality":              (N, N, N, N, N, Y),
    "network.delete_municipality":              (N, N, N, N, N, Y),
    "network.view_organization":                (N, N, N, N, N, Y),
    "network.add_organization":                 (N, N, N, N, N, Y),
    "network.change_organization":              (N, N, N, N, N, Y),
    "network.delete_organization":              (N, N, N, N, N, Y),
    "network.view_membership":                  (N, N, N, N, N, Y),
    "network.add_membership":                   (N, N, N, N, N, Y),
    "network.change_membership":                (N, N, N, N, N, Y),
    "network.delete_membership":                (N, N, N, N, N, Y),
    "strategy":                                 (N, N, N, N, N, Y),
    "strategy.view_domain":                     (N, N, N, N, N, Y),
    "strategy.add_domain":                      (N, N, N, N, N, Y),
    "strategy.change_domain":                   (N, N, N, N, N, Y),
    "strategy.delete_domain":                   (N, N, N, N, N, Y),
    "strategy.view_goal":                       (N, N, N, N, N, Y),
    "strategy.add_goal":                        (N, N, N, N, N, Y),
    "strategy.change_goal":                     (N, N, N, N, N, Y),
    "strategy.delete_goal":                     (N, N, N, N, N, Y),
    "strategy.view_strategy":                   (N, N, N, N, N, Y),
    "strategy.add_strategy":                    (N, N, N, N, N, Y),
    "strategy.change_strategy":                 (N, N, N, N, N, Y),
    "strategy.delete_strategy":                 (N, N, N, N, N, Y),
    "strategy.view_strategyversion":            (N, N, N, N, N, Y),
    "strategy.add_strategyversion":             (N, N, N, N, N, Y),
    "strategy.change_strategyversion":          (N, N, N, N, N, Y),
    "strategy.delete_strategyversion":          (N, N, N, N, N, Y),
    "strategy.delete_measure":                  (N, N, N, N, N, Y),
    "strategy.view_idealink":                   (N, N, N, N, N, Y),
    "strategy.view_measureevent":               (N, N, N, N, N, Y),
    "strategy.view_criterion":                  (N, N, N, N, N, Y),
    "strategy.add_criterion":                   (N, N, N, N, N, Y),
    "strategy.change_criterion":                (N, N, N, N, N, Y),
    "strategy.delete_criterion":                (N, N, N, N, N, Y),
    "strategy.view_assessmentround":            (N, N, N, N, N, Y),
    "strategy.add_assessmentround":             (N, N, N, N, N, Y),
    "strategy.change_assessmentround":          (N, N, N, N, N, Y),
    "strategy.delete_assessmentround":          (N, N, N, N, N, Y),
    "program":                                  (N, N, N, N, N, Y),
    "program.view_programphase":                (N, N, N, N, N, Y),
    "program.add_programphase":                 (N, N, N, N, N, Y),
    "program.change_programphase":              (N, N, N, N, N, Y),
    "program.delete_programphase":              (N, N, N, N, N, Y),
    "program.view_fundingsource":               (N, N, N, N, N, Y),
    "program.add_fundingsource":                (N, N, N, N, N, Y),
    "program.change_fundingsource":             (N, N, N, N, N, Y),
    "program.delete_fundingsource":             (N, N, N, N, N, Y),
    "program.view_responsibility":              (N, N, N, N, N, Y),
    "program.add_responsibility":               (N, N, N, N, N, Y),
    "program.change_responsibility":            (N, N, N, N, N, Y),
    "program.delete_responsibility":            (N, N, N, N, N, Y),
    "program.view_indicator":                   (N, N, N, N, N, Y),
    "program.add_indicator":                    (N, N, N, N, N, Y),
    "program.change_indicator":                 (N, N, N, N, N, Y),
    "program.delete_indicator":                 (N, N, N, N, N, Y),
    "program.view_budgetline":                  (N, N, N, N, N, Y),
    "program.view_expense":                     (N, N, N, N, N, Y),
    "program.view_milestone":                   (N, N, N, N, N, Y),
    "program.view_indicatorvalue":              (N, N, N, N, N, Y),
    "web":                                      (N, N, N, N, N, Y),
    "web.view_accessibilityfeedback":           (N, N, N, N, N, Y),
    "web.change_accessibilityfeedback":         (N, N, N, N, N, Y),
    "web.delete_accessibilityfeedback":         (N, N, N, N, N, Y),
    "web.add_accessibilityfeedback":            (N, N, N, N, N, N),
}  # fmt: skip


@pytest.mark.parametrize(
    ("perm", "role", "expected"),
    [(perm, role, row[i]) for perm, row in PERMISSIONS.items() for i, role in enumerate(ROLES)],
)
def test_permission(make_person, perm, role, expected):
    person = make_person(role)
    assert (person or AnonymousUser()).has_perm(perm) is expected


@pytest.mark.parametrize("perm", PERMISSIONS)
def test_inactive_program_office_has_no_rights(make_person, perm):
    person = make_person("program_office")
    person.is_active = False
    person.save()
    assert not person.has_perm(perm)


@pytest.mark.parametrize("perm", PERMISSIONS)
def test_superuser_has_every_right(db, perm):
    assert UserFactory(is_superuser=True).has_perm(perm)

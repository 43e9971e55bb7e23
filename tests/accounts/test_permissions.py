"""Role matrix for every permission in accounts/rules.py (STYLE.md rule 6).

The tables are written out by hand, one column per role of ``ROLES`` (anonymous, citizen, moderator,
coordinator, expert, program office); they are not derived from the predicates they check. Account
permissions depend on no phase, so the second axis is the object: none, the person's own account, or
somebody else's.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ..conftest import ROLES
from ..factories import UserFactory

Y, N = True, False

# Permissions asked without an object: the admin, its model permissions and its app sections.
#                                           anon citiz moder coord exper office
WITHOUT_OBJECT = {
    "accounts.access_admin":                 (N, N, N, N, N, Y),
    "accounts.view_user":                    (N, N, N, N, N, Y),
    "accounts.add_user":                     (N, N, N, N, N, Y),
    "accounts.change_user":                  (N, N, N, N, N, Y),
    "accounts.delete_user":                  (N, N, N, N, N, Y),
    "accounts.view_rolegrant":               (N, N, N, N, N, Y),
    "accounts.add_rolegrant":                (N, N, N, N, N, Y),
    "accounts.change_rolegrant":             (N, N, N, N, N, Y),
    "accounts.delete_rolegrant":             (N, N, N, N, N, Y),
    # The audit trail is append-only: readable by the office, writable by nobody.
    "accounts.view_accountevent":            (N, N, N, N, N, Y),
    "accounts.add_accountevent":             (N, N, N, N, N, N),
    "accounts.change_accountevent":          (N, N, N, N, N, N),
    "accounts.delete_accountevent":          (N, N, N, N, N, N),
    # App sections of the admin (django-rules answers has_module_perms with the app label).
    "accounts":                              (N, N, N, N, N, Y),
    "account":                               (N, N, N, N, N, Y),
    "account.view_emailaddress":             (N, N, N, N, N, Y),
    "account.add_emailaddress":              (N, N, N, N, N, Y),
    "account.change_emailaddress":           (N, N, N, N, N, Y),
    "account.delete_emailaddress":           (N, N, N, N, N, Y),
    "mfa":                                   (N, N, N, N, N, Y),
    "mfa.view_authenticator":                (N, N, N, N, N, Y),
    "mfa.delete_authenticator":              (N, N, N, N, N, Y),
    # A second factor is set up by its owner only, never by the office on their behalf.
    "mfa.add_authenticator":                 (N, N, N, N, N, N),
    "mfa.change_authenticator":              (N, N, N, N, N, N),
    "django_tasks_database":                 (N, N, N, N, N, Y),
    "django_tasks_database.view_dbtaskresult": (N, N, N, N, N, Y),
    "django_tasks_database.delete_dbtaskresult": (N, N, N, N, N, N),
}  # fmt: skip

# A person's own account: every signed-in person, for themselves only.
#                                    anon citiz moder coord exper office
ON_OWN_ACCOUNT = {
    "accounts.change_profile":        (N, Y, Y, Y, Y, Y),
    "accounts.export_data":           (N, Y, Y, Y, Y, Y),
    "accounts.delete_account":        (N, Y, Y, Y, Y, Y),
}  # fmt: skip
ON_OTHER_ACCOUNT = {
    "accounts.change_profile":        (N, N, N, N, N, N),
    "accounts.export_data":           (N, N, N, N, N, N),
    "accounts.delete_account":        (N, N, N, N, N, N),
}  # fmt: skip

ALL_PERMISSIONS = (*WITHOUT_OBJECT, *ON_OWN_ACCOUNT)


def _cases(table):
    return [(perm, role, row[i]) for perm, row in table.items() for i, role in enumerate(ROLES)]


def _as_user(person):
    return AnonymousUser() if person is None else person


@pytest.mark.parametrize(("perm", "role", "expected"), _cases(WITHOUT_OBJECT))
def test_permission_without_object(make_person, perm, role, expected):
    assert _as_user(make_person(role)).has_perm(perm) is expected


@pytest.mark.parametrize(("perm", "role", "expected"), _cases(ON_OWN_ACCOUNT))
def test_permission_on_own_account(make_person, perm, role, expected):
    person = make_person(role)
    # Anonymous visitors have no account of their own; ask about a real account instead.
    own = person if person is not None else UserFactory()
    assert _as_user(person).has_perm(perm, own) is expected


@pytest.mark.parametrize(("perm", "role", "expected"), _cases(ON_OTHER_ACCOUNT))
def test_permission_on_other_account(make_person, perm, role, expected):
    assert _as_user(make_person(role)).has_perm(perm, UserFactory()) is expected


@pytest.mark.parametrize("perm", ALL_PERMISSIONS)
def test_inactive_program_office_has_no_rights(make_person, perm):
    person = make_person("program_office")
    person.is_active = False
    person.save()
    assert not person.has_perm(perm)
    assert not person.has_perm(perm, person)


@pytest.mark.parametrize("perm", ALL_PERMISSIONS)
def test_superuser_has_every_right(db, perm):
    superuser = UserFactory(is_superuser=True)
    assert superuser.has_perm(perm)
    assert superuser.has_perm(perm, UserFactory())


def test_roles_are_read_once_per_person_however_many_questions(make_person):
    person = make_person("program_office")
    fresh = type(person).objects.get(pk=person.pk)

    def ask_everything():
        for perm in ALL_PERMISSIONS:
            fresh.has_perm(perm)
            fresh.has_perm(perm, fresh)

    with CaptureQueriesContext(connection) as first:
        ask_everything()
    with CaptureQueriesContext(connection) as again:
        ask_everything()
    # The roles once (User.role_grants), and never Django's model permissions (accounts/backends.py).
    assert sum("accounts_rolegrant" in q["sql"] for q in first.captured_queries) == 1
    assert not any("auth_permission" in q["sql"] for q in first.captured_queries)
    assert len(again) == 0


def test_a_django_permission_given_by_hand_grants_nothing(make_person):
    """Roles are the one place that grants; a model permission set in the database (no form offers it)
    neither opens the admin nor a moderation right."""
    from django.contrib.auth.models import Permission

    person = make_person("citizen")
    person.user_permissions.add(
        Permission.objects.get(codename="delete_user", content_type__app_label="accounts"),
        Permission.objects.get(codename="view_user", content_type__app_label="accounts"),
    )
    fresh = type(person).objects.get(pk=person.pk)
    assert not fresh.has_perm("accounts.delete_user")
    assert not fresh.has_perm("accounts.view_user")
    assert not fresh.has_module_perms("accounts")

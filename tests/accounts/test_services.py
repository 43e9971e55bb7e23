"""The account services: profile, roles, GDPR export and erasure, and the invariants behind them."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import translation

from smartregion.accounts import services
from smartregion.accounts.models import AccountEvent, AgeGroup, Role, RoleGrant, User
from smartregion.network.models import Membership

from ..factories import MembershipFactory, OrganizationFactory, RoleGrantFactory, UserFactory

# --- profile_update --------------------------------------------------------------------------------


def test_profile_update_saves_and_logs_only_the_changed_field_names(db, municipality):
    person = UserFactory(display_name="Clara")

    services.profile_update(
        user=person, display_name="Clara", home_municipality=municipality, age_group=AgeGroup.FROM_30_TO_44
    )

    person.refresh_from_db()
    assert person.home_municipality == municipality
    assert person.age_group == AgeGroup.FROM_30_TO_44
    event = AccountEvent.objects.get(user=person)
    assert event.kind == AccountEvent.Kind.PROFILE_UPDATED
    assert event.actor == person
    assert event.data == {"fields": ["home_municipality", "age_group"]}


def test_profile_update_logs_field_names_never_values(db, municipality):
    person = UserFactory(display_name="Clara")

    services.profile_update(user=person, display_name="Zora Geheim", home_municipality=None, age_group="65+")

    logged = json.dumps(AccountEvent.objects.get(user=person).data)
    assert "Zora" not in logged
    assert "65+" not in logged


def test_profile_update_without_changes_writes_nothing(db):
    person = UserFactory(display_name="Clara")

    services.profile_update(user=person, display_name="  Clara ", home_municipality=None, age_group="")

    assert not AccountEvent.objects.exists()


def test_profile_update_strips_the_display_name(db):
    person = UserFactory(display_name="Clara")

    services.profile_update(user=person, display_name="  Cl4ra  ", home_municipality=None, age_group="")

    person.refresh_from_db()
    assert person.display_name == "Cl4ra"


def test_profile_update_rejects_an_unknown_age_group(db):
    person = UserFactory(display_name="Clara")

    with pytest.raises(ValidationError) as raised:
        services.profile_update(user=person, display_name="Neu", home_municipality=None, age_group="99+")

    assert "age_group" in raised.value.message_dict
    person.refresh_from_db()
    assert person.display_name == "Clara"
    assert person.age_group == ""
    assert not AccountEvent.objects.exists()


# --- role_grant / role_revoke ----------------------------------------------------------------------


def test_role_grant_gives_the_role_and_logs_who_gave_it(db, make_person):
    office, person = make_person(Role.PROGRAM_OFFICE), UserFactory()

    grant = services.role_grant(actor=office, user=person, role=Role.MODERATOR)

    assert grant.role == Role.MODERATOR
    assert grant.municipality is None
    event = AccountEvent.objects.get(user=person)
    assert (event.kind, event.actor) == (AccountEvent.Kind.ROLE_GRANTED, office)


def test_coordinator_role_is_held_per_municipality(db, municipality, other_municipality):
    person = UserFactory()

    services.role_grant(actor=None, user=person, role=Role.COORDINATOR, municipality=municipality)
    services.role_grant(actor=None, user=person, role=Role.COORDINATOR, municipality=other_municipality)

    assert set(RoleGrant.objects.filter(user=person).values_list("municipality", flat=True)) == {
        municipality.pk,
        other_municipality.pk,
    }


@pytest.mark.parametrize(
    ("role", "with_municipality"),
    [
        (Role.COORDINATOR, False),
        (Role.MODERATOR, True),
        (Role.EXPERT, True),
        (Role.PROGRAM_OFFICE, True),
    ],
)
def test_role_grant_requires_a_municipality_for_coordinators_only(db, municipality, role, with_municipality):
    person = UserFactory()

    with pytest.raises(ValidationError) as raised:
        services.role_grant(
            actor=None, user=person, role=role, municipality=municipality if with_municipality else None
        )

    assert "municipality" in raised.value.message_dict
    assert not RoleGrant.objects.exists()
    assert not AccountEvent.objects.exists()


def test_role_grant_rejects_an_unknown_role(db):
    with pytest.raises(ValidationError) as raised:
        services.role_grant(actor=None, user=UserFactory(), role="king")

    assert "role" in raised.value.message_dict
    assert not RoleGrant.objects.exists()


def test_role_grant_is_idempotent(db, municipality):
    person = UserFactory()

    first = services.role_grant(actor=None, user=person, role=Role.COORDINATOR, municipality=municipality)
    again = services.role_grant(actor=None, user=person, role=Role.COORDINATOR, municipality=municipality)

    assert first.pk == again.pk
    assert RoleGrant.objects.filter(user=person).count() == 1
    assert AccountEvent.objects.filter(user=person, kind=AccountEvent.Kind.ROLE_GRANTED).count() == 1


def test_role_revoke_takes_the_role_away_and_logs_it(db, make_person):
    office = make_person(Role.PROGRAM_OFFICE)
    grant = RoleGrantFactory(role=Role.EXPERT)

    services.role_revoke(actor=office, grant=grant)

    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    event = AccountEvent.objects.get(user=grant.user)
    assert (event.kind, event.actor, event.data) == (
        AccountEvent.Kind.ROLE_REVOKED,
        office,
        {"role": Role.EXPERT, "municipality": None},
    )


def test_revoked_role_no_longer_grants_rights(db):
    grant = RoleGrantFactory(role=Role.PROGRAM_OFFICE)
    services.role_revoke(actor=None, grant=grant)

    assert not User.objects.get(pk=grant.user_id).has_perm("accounts.access_admin")


# --- Database constraints (they hold even when a service is bypassed) ------------------------------


def _violates(**fields) -> bool:
    try:
        with transaction.atomic():
            RoleGrant.objects.create(**fields)
    except IntegrityError:
        return True
    return False


def test_database_rejects_coordinator_without_municipality(db):
    assert _violates(user=UserFactory(), role=Role.COORDINATOR, municipality=None)


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.EXPERT, Role.PROGRAM_OFFICE])
def test_database_rejects_other_roles_with_a_municipality(db, municipality, role):
    assert _violates(user=UserFactory(), role=role, municipality=municipality)


def test_database_rejects_the_same_role_twice(db):
    person = UserFactory()
    RoleGrant.objects.create(user=person, role=Role.MODERATOR)

    assert _violates(user=person, role=Role.MODERATOR)
    assert RoleGrant.objects.filter(user=person).count() == 1


def test_database_rejects_the_same_municipality_twice_for_a_coordinator(db, municipality):
    person = UserFactory()
    RoleGrant.objects.create(user=person, role=Role.COORDINATOR, municipality=municipality)

    assert _violates(user=person, role=Role.COORDINATOR, municipality=municipality)


def test_database_accepts_valid_grants(db, municipality, other_municipality):
    person = UserFactory()

    assert not _violates(user=person, role=Role.COORDINATOR, municipality=municipality)
    assert not _violates(user=person, role=Role.COORDINATOR, municipality=other_municipality)
    assert not _violates(user=person, role=Role.MODERATOR)
    assert not _violates(user=UserFactory(), role=Role.MODERATOR)


# --- personal_data_export --------------------------------------------------------------------------


@pytest.fixture
def clara(db, municipality):
    person = UserFactory(
        email="clara@example.org", display_name="Clara", home_municipality=municipality, age_group="30-44"
    )
    RoleGrantFactory(user=person, role=Role.COORDINATOR, municipality=municipality)
    MembershipFactory(user=person, organization=OrganizationFactory(name="Bürgerverein Andernach"))
    return person


@pytest.fixture
def someone_else(db, other_municipality):
    person = UserFactory(
        email="otto@example.org", display_name="Otto Anders", home_municipality=other_municipality
    )
    RoleGrantFactory(user=person, role=Role.EXPERT)
    RoleGrantFactory(user=person, role=Role.PROGRAM_OFFICE)  # who may give Clara a role
    MembershipFactory(user=person, organization=OrganizationFactory(name="Seniorenbeirat Mendig"))
    return person


def test_export_holds_the_persons_account_roles_and_memberships(clara):
    data = services.personal_data_export(user=clara)

    assert {"exported_at", "account", "roles", "memberships"} <= set(data)
    assert data["account"]["email"] == "clara@example.org"
    assert data["account"]["display_name"] == "Clara"
    assert data["account"]["home_municipality"] == "Andernach"
    assert data["account"]["age_group"] == "30-44"
    assert data["account"]["email_addresses"] == [
        {"email": "clara@example.org", "verified": True, "primary": True}
    ]
    assert [(r["role"], r["municipality"]) for r in data["roles"]] == [("coordinator", "Andernach")]
    assert [m["organization"] for m in data["memberships"]] == ["Bürgerverein Andernach"]


def test_export_holds_nobody_elses_data(clara, someone_else):
    services.role_grant(actor=someone_else, user=clara, role=Role.MODERATOR)

    exported = json.dumps(
        services.personal_data_export(user=clara), cls=DjangoJSONEncoder, ensure_ascii=False
    )

    for foreign in ("otto@example.org", "Otto Anders", "Mendig", "expert"):
        assert foreign not in exported


def test_export_is_recorded_in_the_audit_trail(clara):
    services.personal_data_export(user=clara)

    event = AccountEvent.objects.get(user=clara, kind=AccountEvent.Kind.DATA_EXPORTED)
    assert event.actor == clara


def test_export_is_json_serialisable(clara):
    json.dumps(services.personal_data_export(user=clara), cls=DjangoJSONEncoder)


# --- account_delete --------------------------------------------------------------------------------


def test_account_delete_anonymises_the_person(clara):
    Authenticator.objects.create(user=clara, type=Authenticator.Type.TOTP, data={"secret": "x"})

    services.account_delete(user=clara)

    clara = User.objects.get(pk=clara.pk)
    assert clara.email == f"deleted-{clara.pk}@invalid.invalid"
    assert clara.display_name == ""
    assert clara.home_municipality is None
    assert clara.age_group == ""
    assert not clara.is_active
    assert not clara.has_usable_password()
    assert clara.anonymised_at is not None
    with translation.override("de"):
        assert clara.public_name == "Gelöschtes Konto"


def test_account_delete_removes_addresses_second_factors_roles_and_memberships(clara):
    Authenticator.objects.create(user=clara, type=Authenticator.Type.TOTP, data={"secret": "x"})

    services.account_delete(user=clara)

    assert not EmailAddress.objects.filter(user=clara).exists()
    assert not Authenticator.objects.filter(user=clara).exists()
    assert not RoleGrant.objects.filter(user=clara).exists()
    assert not Membership.objects.filter(user=clara).exists()


def test_account_delete_leaves_other_people_untouched(clara, someone_else):
    Authenticator.objects.create(user=someone_else, type=Authenticator.Type.TOTP, data={"secret": "x"})

    services.account_delete(user=clara)

    other = User.objects.get(pk=someone_else.pk)
    assert (other.email, other.display_name, other.is_active) == ("otto@example.org", "Otto Anders", True)
    assert other.has_usable_password()
    assert EmailAddress.objects.filter(user=other, email="otto@example.org").exists()
    assert Authenticator.objects.filter(user=other).exists()
    assert RoleGrant.objects.filter(user=other, role=Role.EXPERT).exists()
    assert Membership.objects.filter(user=other).exists()


def test_account_delete_is_recorded_without_personal_data(clara):
    services.account_delete(user=clara)

    event = AccountEvent.objects.get(user=clara, kind=AccountEvent.Kind.ACCOUNT_DELETED)
    assert event.actor is None
    assert "clara" not in json.dumps(event.data).lower()


def test_deleted_account_frees_the_email_address_for_a_new_account(clara):
    services.account_delete(user=clara)

    assert UserFactory(email="clara@example.org").pk != clara.pk

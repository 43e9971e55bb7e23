"""Roles given and taken in the admin go through the services, so every change is in the audit trail."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied

from smartregion.accounts import services
from smartregion.accounts.models import AccountEvent, Role, RoleGrant, User

from ..factories import RoleGrantFactory, UserFactory
from ..html import form_fields


@pytest.fixture
def office(client, signed_in):
    return signed_in("program_office")


def _change_url(user) -> str:
    return f"/admin/accounts/user/{user.pk}/change/"


def _form(client, user) -> dict[str, str]:
    response = client.get(_change_url(user))
    assert response.status_code == 200
    return form_fields(response.content.decode(), "user_form")


def _add_grant(data: dict[str, str], *, role: str, municipality: str = "") -> dict[str, str]:
    index = int(data["roles-TOTAL_FORMS"])
    data.update(
        {
            "roles-TOTAL_FORMS": str(index + 1),
            f"roles-{index}-role": role,
            f"roles-{index}-municipality": municipality,
            f"roles-{index}-user": data["roles-__prefix__-user"],
        }
    )
    return data


def test_granting_a_role_in_the_admin_is_audited(client, office):
    person = UserFactory()

    response = client.post(_change_url(person), _add_grant(_form(client, person), role=Role.MODERATOR))

    assert response.status_code == 302
    assert list(RoleGrant.objects.filter(user=person).values_list("role", flat=True)) == [Role.MODERATOR]
    event = AccountEvent.objects.get(user=person)
    assert event.kind == AccountEvent.Kind.ROLE_GRANTED
    assert event.actor == office
    assert event.data == {"role": Role.MODERATOR, "municipality": None}


def test_granting_a_coordinator_role_records_the_municipality(client, office, municipality):
    person = UserFactory()
    data = _add_grant(_form(client, person), role=Role.COORDINATOR, municipality=str(municipality.pk))

    assert client.post(_change_url(person), data).status_code == 302

    assert RoleGrant.objects.get(user=person).municipality == municipality
    event = AccountEvent.objects.get(user=person, kind=AccountEvent.Kind.ROLE_GRANTED)
    assert event.data == {"role": Role.COORDINATOR, "municipality": municipality.pk}


@pytest.mark.parametrize(("role", "with_municipality"), [(Role.COORDINATOR, False), (Role.MODERATOR, True)])
def test_role_with_the_wrong_scope_is_refused_in_the_admin(
    client, office, municipality, role, with_municipality
):
    person = UserFactory()
    data = _add_grant(
        _form(client, person), role=role, municipality=str(municipality.pk) if with_municipality else ""
    )

    response = client.post(_change_url(person), data)

    assert response.status_code == 200  # the admin shows the form again with the error
    assert "errornote" in response.content.decode()
    assert not RoleGrant.objects.filter(user=person).exists()
    assert not AccountEvent.objects.filter(user=person).exists()


def test_revoking_a_role_in_the_admin_is_audited(client, office):
    grant = RoleGrantFactory(role=Role.EXPERT)
    person = grant.user
    data = _form(client, person)
    data["roles-0-DELETE"] = "on"

    response = client.post(_change_url(person), data)

    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    event = AccountEvent.objects.get(user=person)
    assert event.kind == AccountEvent.Kind.ROLE_REVOKED
    assert event.actor == office
    assert event.data == {"role": Role.EXPERT, "municipality": None}


def test_saving_a_person_without_role_changes_writes_no_role_event(client, office):
    grant = RoleGrantFactory(role=Role.EXPERT)

    assert client.post(_change_url(grant.user), _form(client, grant.user)).status_code == 302

    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert not AccountEvent.objects.exists()


@pytest.mark.parametrize("as_superuser", [False, True])
def test_the_audit_trail_cannot_be_written_in_the_admin(client, db, make_person, as_superuser):
    actor = UserFactory(is_superuser=True) if as_superuser else make_person("program_office")
    client.force_login(actor)
    event = AccountEvent.objects.create(user=UserFactory(), kind=AccountEvent.Kind.DATA_EXPORTED)

    assert client.get("/admin/accounts/accountevent/add/").status_code == 403
    assert client.get(f"/admin/accounts/accountevent/{event.pk}/delete/").status_code == 403
    assert (
        client.post(f"/admin/accounts/accountevent/{event.pk}/change/", {"kind": "role_granted"}).status_code
        == 403
    )
    assert AccountEvent.objects.get(pk=event.pk).kind == AccountEvent.Kind.DATA_EXPORTED


def test_the_office_cannot_make_anyone_a_superuser(client, office):
    person = UserFactory()
    assert "is_superuser" not in _form(client, person)  # shown, but not as a field
    for target in (person, office):
        form = _form(client, target)
        form["is_superuser"] = "on"
        assert client.post(_change_url(target), form).status_code == 302
        target.refresh_from_db()
        assert not target.is_superuser


def test_a_superuser_can_still_grant_superuser(client, db):
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    person = UserFactory()
    form = _form(client, person)
    form["is_superuser"] = "on"
    assert client.post(_change_url(person), form).status_code == 302
    person.refresh_from_db()
    assert person.is_superuser


# --- Nobody changes an account holding more rights than they do (issue 17, finding 1) ------------------


@pytest.fixture
def superuser(db):
    person = UserFactory(is_superuser=True, email="root@example.org")
    EmailAddress.objects.update_or_create(user=person, email=person.email, defaults={"verified": True})
    Authenticator.objects.create(user=person, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x"})
    return person


def _unchanged(person: User) -> None:
    fresh = User.objects.get(pk=person.pk)
    assert fresh.password == person.password
    assert fresh.email == "root@example.org"
    assert fresh.is_active
    assert list(fresh.emailaddress_set.values_list("email", flat=True)) == ["root@example.org"]
    assert Authenticator.objects.filter(user=fresh).count() == 1
    assert not RoleGrant.objects.filter(user=fresh).exists()


def test_the_office_cannot_set_a_superusers_password(client, office, superuser):
    url = f"/admin/accounts/user/{superuser.pk}/password/"
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "Uebernahme-2026!", "password2": "Uebernahme-2026!"})
    assert response.status_code == 403
    _unchanged(superuser)


def test_the_office_cannot_change_or_delete_a_superusers_account(client, office, superuser):
    # The change page shows the account read-only; a forged form changes nothing.
    page = client.get(_change_url(superuser))
    assert page.status_code == 200
    assert 'name="email"' not in page.content.decode()
    forged = {
        "email": "office@example.org",
        "is_active": "",
        "roles-TOTAL_FORMS": "1",
        "roles-INITIAL_FORMS": "0",
        "roles-0-role": Role.MODERATOR,
        "roles-0-user": str(superuser.pk),
    }
    assert client.post(_change_url(superuser), forged).status_code == 403
    delete = f"/admin/accounts/user/{superuser.pk}/delete/"
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [str(superuser.pk)], "post": "yes"}
    client.post("/admin/accounts/user/", bulk)
    _unchanged(superuser)


def test_the_office_cannot_change_a_superusers_email_addresses(client, office, superuser):
    address = superuser.emailaddress_set.get()
    change = f"/admin/account/emailaddress/{address.pk}/change/"
    response = client.post(change, {"user": superuser.pk, "email": "office@example.org", "primary": "on"})
    assert response.status_code == 403
    assert (
        client.post(f"/admin/account/emailaddress/{address.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    # Nor give the account a second, verified address to reset its password with.
    added = client.post(
        "/admin/account/emailaddress/add/",
        {"user": superuser.pk, "email": "office@example.org", "verified": "on", "primary": "on"},
    )
    assert added.status_code == 200  # the form again, with the error on "user"
    # Nor move one of the office's own addresses over to it.
    own, _created = EmailAddress.objects.get_or_create(user=office, email=office.email)
    client.post(
        f"/admin/account/emailaddress/{own.pk}/change/",
        {"user": superuser.pk, "email": own.email, "verified": "on"},
    )
    assert EmailAddress.objects.get(pk=own.pk).user == office
    _unchanged(superuser)


def test_the_office_cannot_delete_a_superusers_second_factor(client, office, superuser):
    factor = Authenticator.objects.get(user=superuser)
    url = f"/admin/mfa/authenticator/{factor.pk}/delete/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    client.post(
        "/admin/mfa/authenticator/",
        {"action": "delete_selected", "_selected_action": [str(factor.pk)], "post": "yes"},
    )
    _unchanged(superuser)


def test_the_office_still_helps_ordinary_people(client, office):
    """The same pages work for an account that holds no more rights than the office."""
    person = UserFactory()
    factor = Authenticator.objects.create(user=person, type=Authenticator.Type.RECOVERY_CODES, data={})
    url = f"/admin/accounts/user/{person.pk}/password/"
    response = client.post(
        url,
        {
            "password1": "Neue-Passphrase-2026",
            "password2": "Neue-Passphrase-2026",
            "set_usable_password": "true",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Neue-Passphrase-2026")
    assert client.post(f"/admin/mfa/authenticator/{factor.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Authenticator.objects.filter(pk=factor.pk).exists()
    added = client.post(
        "/admin/account/emailaddress/add/", {"user": person.pk, "email": "neu@example.org", "verified": "on"}
    )
    assert added.status_code == 302


def test_a_superuser_can_help_a_superuser(client, superuser):
    client.force_login(UserFactory(is_superuser=True))
    url = f"/admin/accounts/user/{superuser.pk}/password/"
    assert client.get(url).status_code == 200


def test_the_role_services_refuse_to_change_a_superusers_roles(db, make_person, superuser):
    office = make_person("program_office")
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=office, user=superuser, role=Role.MODERATOR)
    grant = RoleGrantFactory(user=superuser, role=Role.EXPERT)
    with pytest.raises(PermissionDenied):
        services.role_revoke(actor=office, grant=grant)
    assert RoleGrant.objects.filter(pk=grant.pk).exists()

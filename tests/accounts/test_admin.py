"""Roles given and taken in the admin go through the services, so every change is in the audit trail."""

import pytest

from smartregion.accounts.models import AccountEvent, Role, RoleGrant

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

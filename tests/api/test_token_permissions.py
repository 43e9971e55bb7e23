"""Personal API tokens: who may create and revoke them (a role matrix), and the profile page for them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from smartregion.api import services
from smartregion.api.models import ApiToken

from ..conftest import ROLES
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_person_may_create_tokens_and_revoke_only_their_own(make_person, role):
    person = make_person(role)
    someone = UserFactory()
    theirs, _secret = services.token_create(user=someone, name="Fremd", lifetime_days=30)
    if person is None:
        from django.contrib.auth.models import AnonymousUser

        assert not AnonymousUser().has_perm("api.create_token")
        assert not AnonymousUser().has_perm("api.revoke_token", theirs)
        return
    assert person.has_perm("api.create_token")
    own, _secret = services.token_create(user=person, name="Eigen", lifetime_days=30)
    assert person.has_perm("api.revoke_token", own)
    assert not person.has_perm("api.revoke_token", theirs)


def test_deactivated_person_may_not_create_tokens_and_their_tokens_stop_working(db):
    person = UserFactory()
    _token, secret = services.token_create(user=person, name="App", lifetime_days=30)
    assert services.token_user(secret) == person
    person.is_active = False
    person.save()
    assert not person.has_perm("api.create_token")
    assert services.token_user(secret) is None


def test_only_a_hash_is_stored_and_expiry_counts(db):
    person = UserFactory()
    token, secret = services.token_create(user=person, name="App", lifetime_days=30)
    assert secret.startswith("sr_")
    assert secret not in token.key_hash
    assert token.prefix == secret[: len(token.prefix)]
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.token_user(secret) is None


def test_limit_of_active_tokens(db):
    person = UserFactory()
    for n in range(services.MAX_ACTIVE_TOKENS):
        services.token_create(user=person, name=f"App {n}", lifetime_days=30)
    with pytest.raises(Exception, match="aktive Schlüssel"):
        services.token_create(user=person, name="Eine zu viel", lifetime_days=30)


def test_token_page_creates_shows_once_and_revokes(client, db):
    person = UserFactory()
    client.force_login(person)
    empty = client.post("/konto/profil/api-schluessel/", {"name": "", "lifetime_days": "30"})
    assert empty.status_code == 400
    assert "Bitte geben Sie dem Schlüssel einen Namen" in empty.content.decode()
    wrong = client.post("/konto/profil/api-schluessel/", {"name": "App", "lifetime_days": "7"})
    assert wrong.status_code == 400
    assert not ApiToken.objects.exists()
    created = client.post("/konto/profil/api-schluessel/", {"name": "Gemeinde-App", "lifetime_days": "90"})
    assert created.status_code == 200
    token = ApiToken.objects.get(user=person)
    secret = created.context["secret"]
    assert services.token_user(secret) == person
    again = client.get("/konto/profil/api-schluessel/").content.decode()
    assert secret not in again
    assert token.prefix in again
    revoked = client.post(f"/konto/profil/api-schluessel/{token.pk}/widerrufen/", follow=True)
    assert "ist widerrufen" in revoked.content.decode()
    assert services.token_user(secret) is None


def test_nobody_revokes_someone_elses_token(client, db):
    theirs, secret = services.token_create(user=UserFactory(), name="Fremd", lifetime_days=30)
    client.force_login(UserFactory())
    assert client.post(f"/konto/profil/api-schluessel/{theirs.pk}/widerrufen/").status_code == 404
    assert services.token_user(secret) is not None


def test_token_page_needs_sign_in(client, db):
    response = client.get("/konto/profil/api-schluessel/")
    assert response.status_code == 302
    assert "/konto/anmelden/" in response["Location"] or "login" in response["Location"]


def test_tokens_are_in_the_data_export_and_go_with_the_account(db):
    person = UserFactory()
    services.token_create(user=person, name="App", lifetime_days=30)
    exported = services.personal_data_export_for(person)
    assert exported[0]["name"] == "App"
    assert "key_hash" not in exported[0]
    services.personal_data_erase_for(person)
    assert not ApiToken.objects.filter(user=person).exists()

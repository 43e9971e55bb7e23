"""The account pages speak "Sie" like the rest of the site: registration, sign-in, e-mail confirmation,
password reset and the second factor, with allauth's informal German replaced in our catalogue."""

import pytest
from allauth.mfa.models import Authenticator

from ..core.test_mails import INFORMAL
from ..factories import PASSWORD, UserFactory
from ..html import text

ANONYMOUS_PAGES = [
    "/konto/signup/",
    "/konto/login/",
    "/konto/password/reset/",
    "/konto/password/reset/done/",
    "/konto/confirm-email/",
    "/konto/confirm-email/kein-gueltiger-schluessel/",
    "/konto/password/reset/key/1-kein-schluessel/",
]
SIGNED_IN_PAGES = [
    "/konto/logout/",
    "/konto/email/",
    "/konto/password/change/",
    "/konto/2fa/",
    "/konto/2fa/totp/activate/",
    "/konto/reauthenticate/",
]


def _informal(page: str) -> list[str]:
    return [match.group(0) for match in INFORMAL.finditer(page)]


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_the_account_pages_speak_sie(client, db, url):
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert _informal(text(response.content.decode())) == []


@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_the_signed_in_account_pages_speak_sie(client, db, url):
    client.force_login(UserFactory())
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert _informal(text(response.content.decode())) == []


def test_the_second_factor_pages_speak_sie(client, db):
    person = UserFactory()
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(person)
    for url in ("/konto/2fa/totp/deactivate/", "/konto/2fa/recovery-codes/generate/"):
        page = text(client.get(url, follow=True).content.decode())
        assert _informal(page) == [], url


def test_messages_after_signing_in_and_out_speak_sie(client, db):
    person = UserFactory()
    signed_in = client.post("/konto/login/", {"login": person.email, "password": PASSWORD}, follow=True)
    signed_out = client.post("/konto/logout/", follow=True)
    assert "Sie haben sich abgemeldet." in text(signed_out.content.decode())
    for response in (signed_in, signed_out):
        assert _informal(text(response.content.decode())) == []


def test_signup_and_bad_passwords_speak_sie(client, db):
    page = client.post(
        "/konto/signup/",
        {"email": "neu@example.org", "password1": "Passphrase-2026-a", "password2": "anders"},
    )
    html = text(page.content.decode())
    assert "Sie haben bereits ein Konto?" in html
    assert "Bitte geben Sie zweimal dasselbe Passwort ein." in html
    assert _informal(html) == []

"""Registration, e-mail verification, sign-in, password reset and the second factor (allauth at /konto/).

Bad input is answered with the form and an error, never with a server error, and creates nobody.
allauth's messages are asserted in allauth's own German. Mails leave through core.mail.email_enqueue,
i.e. on commit: ``django_capture_on_commit_callbacks(execute=True)`` lets them go in these tests.
"""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core import mail
from django.test import override_settings

from smartregion.accounts.models import User

from .. import german
from ..factories import PASSWORD, UserFactory
from ..html import field_errors, form_fields, text

SIGNUP = "/konto/signup/"
LOGIN = "/konto/login/"
NEW_PASSWORD = "Neue-Passphrase-2026"


def _signup_data(**overrides: str) -> dict[str, str]:
    return {
        "email": "neu@example.org",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "display_name": "Neue Person",
        **overrides,
    }


def _link(body: str, path_start: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path_start)}\S+)", body)
    assert match, f"no link to {path_start} in:\n{body}"
    return match.group(1)


def _signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def _totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


# --- Registration ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "german_errors"),
    [
        ({}, [german.REQUIRED] * 3),
        (_signup_data(email="kein-at-zeichen"), [german.INVALID_EMAIL]),
        (
            _signup_data(password2="Andere-Passphrase-2026"),
            ["Bitte geben Sie zweimal dasselbe Passwort ein."],
        ),
        (
            _signup_data(password1="kurz", password2="kurz"),
            ["Dieses Passwort ist zu kurz. Es muss mindestens 10 Zeichen enthalten."],
        ),
        (
            _signup_data(display_name="x" * 81),
            [german.too_long(80, 81)],
        ),
    ],
    ids=["empty", "invalid_email", "password_mismatch", "password_too_short", "display_name_too_long"],
)
def test_signup_with_bad_input_shows_the_error_and_creates_nobody(
    client, db, django_capture_on_commit_callbacks, data, german_errors
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, data)

    assert response.status_code in (200, 400)
    assert field_errors(response.content.decode()) == german_errors
    assert not User.objects.exists()
    assert mail.outbox == []


def test_signup_with_a_taken_address_creates_no_second_account_and_tells_the_owner(
    client, db, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="clara@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, _signup_data(email="Clara@Example.org"))

    # Preventing enumeration: the page looks like a successful signup; the owner gets a mail instead.
    assert response.status_code == 302
    assert response["Location"] == "/konto/confirm-email/"
    assert list(User.objects.values_list("pk", flat=True)) == [owner.pk]
    assert [message.to for message in mail.outbox] == [["clara@example.org"]]
    assert "/konto/password/reset/" in mail.outbox[0].body
    assert _signed_in_user_id(client) is None


def test_signup_sends_a_confirmation_link_that_verifies_the_address(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, _signup_data())

    assert response.status_code == 302
    person = User.objects.get(email="neu@example.org")
    assert person.display_name == "Neue Person"
    assert not EmailAddress.objects.get(user=person).verified
    assert _signed_in_user_id(client) is None
    [message] = mail.outbox
    assert message.to == ["neu@example.org"]
    assert message.subject.startswith("[SmartRegion] ")  # no region in this test: the fallback name

    confirm_url = _link(message.body, "/konto/confirm-email/")
    page = client.get(confirm_url)
    assert page.status_code == 200
    assert EmailAddress.objects.get(user=person).verified is False  # GET alone confirms nothing

    response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=person).verified is True
    assert _signed_in_user_id(client) == str(person.pk)


def test_account_mails_name_the_region_and_the_address(client, region, django_capture_on_commit_callbacks):
    UserFactory(email="clara@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP, _signup_data(email="clara@example.org"))

    body = mail.outbox[0].body
    assert mail.outbox[0].subject.startswith(f"[{region.name}] ")
    assert body.startswith("Guten Tag,")
    assert region.program_name in body
    assert "clara@example.org" in body


def test_unverified_person_cannot_sign_in_yet(client, db, django_capture_on_commit_callbacks):
    person = UserFactory(verified=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LOGIN, {"login": person.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/konto/confirm-email/"
    assert _signed_in_user_id(client) is None
    assert [message.to for message in mail.outbox] == [[person.email]]  # a fresh confirmation link


def test_bogus_confirmation_link_explains_itself(client, db):
    response = client.get("/konto/confirm-email/kein-gueltiger-schluessel/")

    assert response.status_code == 200
    assert "Dieser Bestätigungslink ist abgelaufen oder ungültig" in text(response.content.decode())


def test_posting_a_bogus_confirmation_key_is_a_german_404(client, db):
    response = client.post("/konto/confirm-email/kein-gueltiger-schluessel/")

    assert response.status_code == 404
    assert "Seite nicht gefunden" in text(response.content.decode())


def test_expired_confirmation_link_verifies_nothing(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP, _signup_data())
    confirm_url = _link(mail.outbox[0].body, "/konto/confirm-email/")

    with override_settings(ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS=-1):
        page = client.get(confirm_url)
        client.post(confirm_url)

    assert page.status_code == 200
    assert "abgelaufen" in text(page.content.decode())
    assert EmailAddress.objects.get(email="neu@example.org").verified is False


# --- Sign-in ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "german_errors"),
    [
        ({}, [german.REQUIRED, german.REQUIRED]),
        ({"login": "kein-at-zeichen", "password": "irgendwas"}, [german.INVALID_EMAIL]),
    ],
    ids=["empty", "invalid_email"],
)
def test_login_with_bad_input_shows_the_field_errors(client, db, data, german_errors):
    response = client.post(LOGIN, data)

    assert response.status_code in (200, 400)
    assert field_errors(response.content.decode()) == german_errors
    assert _signed_in_user_id(client) is None


@pytest.mark.parametrize("login", ["clara@example.org", "niemand@example.org"], ids=["known", "unknown"])
def test_login_with_a_wrong_password_says_so_without_telling_which_part(client, db, login):
    UserFactory(email="clara@example.org")

    response = client.post(LOGIN, {"login": login, "password": "falsch-falsch-falsch"})

    assert response.status_code in (200, 400)
    assert "Die E-Mail-Adresse und/oder das Passwort sind leider falsch." in text(response.content.decode())
    assert _signed_in_user_id(client) is None


def test_login_with_the_right_password_leads_to_the_profile(client, db):
    person = UserFactory()

    response = client.post(LOGIN, {"login": person.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/konto/profil/"
    assert _signed_in_user_id(client) == str(person.pk)


# --- Password reset --------------------------------------------------------------------------------


def test_password_reset_mail_leads_to_a_new_password(client, db, django_capture_on_commit_callbacks):
    person = UserFactory(email="clara@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/password/reset/", {"email": "clara@example.org"})

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["clara@example.org"]
    reset_url = _link(message.body, "/konto/password/reset/key/")
    form_page = client.get(reset_url, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_url

    response = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_address_reveals_nothing(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/password/reset/", {"email": "niemand@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/konto/password/reset/done/"
    assert all("/konto/password/reset/key/" not in message.body for message in mail.outbox)


@pytest.mark.parametrize("key", ["1-set-password", "zz-kaputt", "1-abc"])
def test_invalid_password_reset_link_explains_itself(client, db, key):
    response = client.get(f"/konto/password/reset/key/{key}/")

    assert response.status_code == 200
    page = text(response.content.decode())
    assert "Falsches Token" in page
    assert "ungültig" in page


# --- Second factor (TOTP) --------------------------------------------------------------------------


@pytest.fixture
def person_with_totp(client, db):
    """A person who signed in with the password, confirmed it again, and activated an authenticator app."""
    person = UserFactory()
    client.post(LOGIN, {"login": person.email, "password": PASSWORD})
    response = client.get("/konto/2fa/totp/activate/")
    assert response["Location"].startswith("/konto/reauthenticate/")  # a sensitive change: password again
    client.post(response["Location"], {"password": PASSWORD})
    page = client.get("/konto/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page.content.decode()  # shown for typing it into an app by hand

    response = client.post("/konto/2fa/totp/activate/", {"code": _totp_now(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    client.post("/konto/logout/")
    return person, secret


def test_wrong_code_does_not_activate_the_authenticator(client, db):
    person = UserFactory()
    client.post(LOGIN, {"login": person.email, "password": PASSWORD})
    client.post(client.get("/konto/2fa/totp/activate/")["Location"], {"password": PASSWORD})
    client.get("/konto/2fa/totp/activate/")

    response = client.post("/konto/2fa/totp/activate/", {"code": "000000"})

    assert response.status_code in (200, 400)
    assert "Falscher Code." in text(response.content.decode())
    assert not Authenticator.objects.filter(user=person).exists()


def test_login_with_totp_asks_for_the_code(client, person_with_totp):
    person, secret = person_with_totp

    response = client.post(LOGIN, {"login": person.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/konto/2fa/authenticate/"
    assert _signed_in_user_id(client) is None  # the password alone is not enough
    assert "code" in form_fields(client.get("/konto/2fa/authenticate/").content.decode())

    response = client.post("/konto/2fa/authenticate/", {"code": _totp_now(secret)})

    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(person.pk)


def test_login_with_a_wrong_totp_code_is_refused_with_a_message(client, person_with_totp):
    person, secret = person_with_totp
    client.post(LOGIN, {"login": person.email, "password": PASSWORD})
    wrong = f"{(int(_totp_now(secret)) + 1) % 1_000_000:06d}"

    response = client.post("/konto/2fa/authenticate/", {"code": wrong})

    assert response.status_code in (200, 400)
    assert "Falscher Code." in text(response.content.decode())
    assert _signed_in_user_id(client) is None


# --- Rate limits (off for the rest of the suite, see config/settings/test.py) ----------------------


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,5/5m/key"})
def test_repeated_failed_logins_block_even_the_right_password_for_a_while(client, db):
    person = UserFactory()
    for _ in range(5):
        client.post(LOGIN, {"login": person.email, "password": "falsch-falsch-falsch"})

    response = client.post(LOGIN, {"login": person.email, "password": PASSWORD})

    assert response.status_code in (200, 400, 429)
    assert "Zu viele gescheiterte Anmeldeversuche." in text(response.content.decode())
    assert _signed_in_user_id(client) is None


@override_settings(ACCOUNT_RATE_LIMITS={"reset_password": "20/m/ip,5/m/key"})
def test_repeated_password_reset_requests_are_stopped(client, db, django_capture_on_commit_callbacks):
    UserFactory(email="clara@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            client.post("/konto/password/reset/", {"email": "clara@example.org"}).status_code
            for _ in range(6)
        ]

    assert statuses == [302] * 5 + [429]
    assert len(mail.outbox) == 5


@override_settings(ACCOUNT_RATE_LIMITS={"reset_password": "20/m/ip,1/m/key"})
def test_allauths_429_page_is_german_and_in_the_site_layout(client, db):
    client.post("/konto/password/reset/", {"email": "clara@example.org"})

    response = client.post("/konto/password/reset/", {"email": "clara@example.org"})

    assert response.status_code == 429
    html = response.content.decode()
    assert '<html lang="de"' in html
    assert "Zu viele Anfragen" in text(html)

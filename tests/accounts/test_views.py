"""The profile, data export and account deletion pages, including how they answer bad input.

Pages are requested in the default language, German; messages from Django are asserted in Django's
German, messages of our own in the German of smartregion/locale.
"""

import json

import pytest
from django.contrib.messages import get_messages

from smartregion.accounts.models import AccountEvent, User

from .. import german
from ..factories import PASSWORD, UserFactory
from ..html import field_errors, form_fields, text

PROFILE = "/konto/profil/"
EXPORT = "/konto/profil/daten.json"
DELETE = "/konto/profil/loeschen/"


@pytest.fixture
def clara(client, db, municipality):
    person = UserFactory(email="clara@example.org", display_name="Clara")
    client.force_login(person)
    return person


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("url", [PROFILE, EXPORT, DELETE])
def test_account_pages_send_anonymous_visitors_to_the_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/?next=")


# --- Profile ---------------------------------------------------------------------------------------


def test_profile_shows_the_persons_details(client, clara):
    response = client.get(PROFILE)
    assert response.status_code == 200
    assert form_fields(response.content.decode())["display_name"] == "Clara"
    assert "clara@example.org" in text(response.content.decode())


def test_profile_post_saves_and_redirects_with_a_message(client, clara, municipality):
    response = client.post(
        PROFILE, {"display_name": "Clara B.", "home_municipality": municipality.pk, "age_group": "18-29"}
    )

    assert response.status_code == 302
    assert response["Location"] == PROFILE
    assert _messages(response) == ["Ihr Profil wurde gespeichert."]
    clara.refresh_from_db()
    assert (clara.display_name, clara.home_municipality, clara.age_group) == (
        "Clara B.",
        municipality,
        "18-29",
    )


def test_profile_fields_can_be_cleared(client, clara, municipality):
    User.objects.filter(pk=clara.pk).update(home_municipality=municipality, age_group="65+")

    response = client.post(PROFILE, {"display_name": "", "home_municipality": "", "age_group": ""})

    assert response.status_code == 302
    clara.refresh_from_db()
    assert (clara.display_name, clara.home_municipality, clara.age_group) == ("", None, "")


@pytest.mark.parametrize(
    ("data", "field", "german_error"),
    [
        (
            {"display_name": "x" * 81},
            "display_name",
            german.too_long(80, 81),
        ),
        (
            {"display_name": "Clara", "home_municipality": "999999"},
            "home_municipality",
            german.invalid_choice(),
        ),
        (
            {"display_name": "Clara", "age_group": "99+"},
            "age_group",
            german.invalid_choice("99+"),
        ),
    ],
    ids=["display_name_too_long", "unknown_municipality", "unknown_age_group"],
)
def test_profile_post_with_bad_input_is_400_and_stores_nothing(client, clara, data, field, german_error):
    response = client.post(PROFILE, data)

    assert response.status_code == 400
    html = response.content.decode()
    assert field_errors(html) == [german_error]
    assert f'id="id_{field}_error"' in html
    clara.refresh_from_db()
    assert (clara.display_name, clara.home_municipality, clara.age_group) == ("Clara", None, "")
    assert not AccountEvent.objects.exists()


# --- Data export -----------------------------------------------------------------------------------


def test_data_export_is_a_json_download_that_is_not_cached(client, clara):
    response = client.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="smartregion-daten-')
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["account"]["email"] == "clara@example.org"
    assert AccountEvent.objects.filter(user=clara, kind=AccountEvent.Kind.DATA_EXPORTED).count() == 1


def test_data_export_accepts_only_get(client, clara):
    assert client.post(EXPORT).status_code == 405
    assert not AccountEvent.objects.exists()


# --- Account deletion ------------------------------------------------------------------------------


def test_delete_page_asks_for_the_password(client, clara):
    response = client.get(DELETE)
    assert response.status_code == 200
    assert "password" in form_fields(response.content.decode())


@pytest.mark.parametrize(
    ("password", "german_error"),
    [
        ("falsch-falsch-falsch", "Das Passwort ist nicht richtig."),
        ("", german.REQUIRED),
    ],
    ids=["wrong", "empty"],
)
def test_delete_with_wrong_password_is_400_and_changes_nothing(client, clara, password, german_error):
    response = client.post(DELETE, {"password": password})

    assert response.status_code == 400
    assert field_errors(response.content.decode()) == [german_error]
    clara.refresh_from_db()
    assert clara.is_active
    assert clara.email == "clara@example.org"
    assert not AccountEvent.objects.exists()
    assert client.get(PROFILE).status_code == 200  # still signed in


def test_delete_with_the_right_password_anonymises_and_signs_out(client, clara):
    response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _messages(response) == [
        "Ihr Konto wurde gelöscht. Ihre Beiträge bleiben ohne Ihren Namen erhalten."
    ]
    clara.refresh_from_db()
    assert clara.anonymised_at is not None
    assert not clara.is_active
    assert clara.email == f"deleted-{clara.pk}@invalid.invalid"
    assert AccountEvent.objects.filter(user=clara, kind=AccountEvent.Kind.ACCOUNT_DELETED).exists()
    # The next request is anonymous.
    assert client.get(PROFILE).status_code == 302
    assert "_auth_user_id" not in client.session


def test_deleted_account_cannot_sign_in_again(client, clara):
    client.post(DELETE, {"password": PASSWORD})

    response = client.post("/konto/login/", {"login": "clara@example.org", "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session

"""One voice in every mail: each template speaks "Sie", and each mail the site sends carries the region's
name in its subject, a plain-text part and the same in the branded HTML layout."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.template.loader import get_template
from django.utils import translation

from smartregion.events import services as event_services
from smartregion.participation.models import Notification, NotificationPreference
from smartregion.participation.tasks import digest_send
from smartregion.web.services import accessibility_feedback_submit

from ..events.factories import EventFactory
from ..factories import UserFactory
from ..participation.staff_support import make_idea, make_process

PACKAGE = Path(__file__).resolve().parents[2] / "smartregion"
# The informal address and allauth's stock phrases ("Hallo von 127.0.0.1!", "Danke dass du … nutzt!").
INFORMAL = re.compile(
    r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines|hast|bist|kannst|musst|gib|bestätige)\b"
    r"|Hallo von|Danke,? dass",
    re.IGNORECASE,
)
# allauth's mails (account/email/*, mfa/email/*): ours where we override them, allauth's otherwise.
ALLAUTH_MAILS = [
    "account/email/account_already_exists",
    "account/email/email_changed",
    "account/email/email_confirm",
    "account/email/email_confirmation",
    "account/email/email_confirmation_signup",
    "account/email/email_deleted",
    "account/email/login_code",
    "account/email/password_changed",
    "account/email/password_reset",
    "account/email/password_reset_code",
    "account/email/password_reset_key",
    "account/email/password_set",
    "account/email/unknown_account",
    "mfa/email/recovery_codes_generated",
    "mfa/email/totp_activated",
    "mfa/email/totp_deactivated",
]


def _our_mail_templates() -> list[str]:
    return sorted(
        str(path.relative_to(path.parents[2]))
        for path in PACKAGE.glob("*/templates/*/email/*.txt")
        if "account" not in path.parts
    )


def _informal(text: str) -> list[str]:
    return [match.group(0) for match in INFORMAL.finditer(text)]


@pytest.mark.parametrize(
    "name",
    [f"{prefix}_{part}.txt" for prefix in ALLAUTH_MAILS for part in ("subject", "message")]
    + _our_mail_templates(),
)
def test_every_mail_template_speaks_sie(region, name):
    context = {
        "region": region,
        "email": "clara@example.org",
        "user_display": "Clara",
        "code": "123456",
        "activate_url": "https://example.org/a",
        "password_reset_url": "https://example.org/p",
        "signup_url": "https://example.org/s",
        "from_email": "a@example.org",
        "to_email": "b@example.org",
        "deleted_email": "c@example.org",
    }
    with translation.override("de"):
        rendered = get_template(name).render(context)
    assert _informal(rendered) == [], rendered


def test_the_template_walk_covers_our_own_mails():
    names = _our_mail_templates()
    assert "events/email/confirm.txt" in names
    assert "participation/email/digest.txt" in names


def _check(message, region) -> None:
    assert message.subject.startswith(f"[{region.name}] "), message.subject
    assert "SmartRegion]" not in message.subject
    [(html, mime)] = message.alternatives
    assert mime == "text/html"
    assert region.name in html
    for text in (message.subject, message.body, html):
        assert _informal(text) == [], text


def test_every_kind_of_mail_is_branded_formal_and_has_an_html_part(
    client, region, municipality, django_capture_on_commit_callbacks
):
    UserFactory(email="clara@example.org")
    signup = {"password1": "Neue-Passphrase-2026", "password2": "Neue-Passphrase-2026", "display_name": "N"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/signup/", {"email": "neu@example.org", **signup})  # confirmation
        client.post("/konto/signup/", {"email": "clara@example.org", **signup})  # account already exists
        client.post("/konto/password/reset/", {"email": "clara@example.org"})  # reset link
        client.post("/konto/password/reset/", {"email": "niemand@example.org"})  # unknown account
        event = EventFactory(municipality=municipality)
        event_services.registration_create(event=event, name="Gast", email="gast@example.org")
        accessibility_feedback_submit(message="Kontrast zu schwach", page_url="/", name="", email="")
    reader = UserFactory()
    NotificationPreference.objects.create(user=reader, email_digest=True)
    Notification.objects.create(
        user=reader, kind=Notification.Kind.NEW_COMMENT, idea=make_idea(make_process()), message="Neu"
    )
    with django_capture_on_commit_callbacks(execute=True):  # the digest is queued when its marks commit
        digest_send.call(user_id=reader.pk)
    assert len(mail.outbox) == 7
    for message in mail.outbox:
        _check(message, region)
    bodies = "\n".join(message.body for message in mail.outbox)
    assert "Beteiligungsplattform von Landkreis Teststadt" in bodies
    assert "testserver!" not in bodies

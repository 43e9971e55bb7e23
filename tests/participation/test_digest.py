"""The daily digest: `manage.py send_digests` mails each person who wants it their new notifications once."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase

from smartregion.participation.models import Notification, NotificationPreference
from smartregion.participation.tasks import unsubscribe_user_id

from ..factories import UserFactory
from .staff_support import make_idea, make_process


def _send() -> str:
    out = io.StringIO()
    # The digest is queued as a mail task when the digest's transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_digests", stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def idea(db):
    return make_idea(make_process(), title="Radweg an der B9")


def _notify(user, idea, message: str) -> Notification:
    return Notification.objects.create(
        user=user, kind=Notification.Kind.NEW_COMMENT, idea=idea, message=message
    )


def test_one_mail_with_both_notifications_then_nothing(idea):
    reader = UserFactory(email="leserin@example.org")
    NotificationPreference.objects.create(user=reader, email_digest=True)
    _notify(reader, idea, "Neuer Kommentar zu „Radweg an der B9“")
    _notify(reader, idea, "„Radweg an der B9“ ist jetzt: Angenommen")

    assert _send() == "queued 1 digests"

    (digest,) = mail.outbox
    assert digest.to == ["leserin@example.org"]
    assert "Neuer Kommentar zu „Radweg an der B9“" in digest.body
    assert "„Radweg an der B9“ ist jetzt: Angenommen" in digest.body
    assert idea.get_absolute_url() in digest.body
    unsubscribe = digest.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http")
    assert unsubscribe.endswith(">")
    assert unsubscribe[1:-1] in digest.body
    assert unsubscribe_user_id(unsubscribe[1:-1].rstrip("/").rsplit("/", 1)[1]) == reader.pk
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0

    assert _send() == "queued 0 digests"
    assert len(mail.outbox) == 1


def test_a_new_notification_after_the_digest_comes_in_the_next_one(idea):
    reader = UserFactory()
    NotificationPreference.objects.create(user=reader, email_digest=True)
    _notify(reader, idea, "Erste")
    _send()
    _notify(reader, idea, "Zweite")

    _send()

    assert len(mail.outbox) == 2
    assert "Zweite" in mail.outbox[1].body
    assert "Erste" not in mail.outbox[1].body


@pytest.mark.parametrize("preference", ["off", "none", "inactive"])
def test_no_mail_without_the_digest_switched_on(idea, preference):
    reader = UserFactory()
    if preference == "off":
        NotificationPreference.objects.create(user=reader, email_digest=False)
    elif preference == "inactive":
        NotificationPreference.objects.create(user=reader, email_digest=True)
        reader.is_active = False
        reader.save()
    _notify(reader, idea, "Neuer Kommentar")

    assert _send() == "queued 0 digests"
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is None

"""The notifications page, marking read, the daily digest switch, and the one-click unsubscribe link
(RFC 8058) that every digest carries."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from smartregion.participation import tasks
from smartregion.participation.models import Notification, NotificationPreference

from ..factories import UserFactory
from .factories import IdeaFactory
from .public_support import german, text_of

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


@pytest.fixture
def notifications(citizen, collecting):
    idea = IdeaFactory(process=collecting, title="Radweg an der B9")
    return [
        Notification.objects.create(
            user=citizen, kind=Notification.Kind.NEW_COMMENT, idea=idea, message="Neuer Kommentar"
        ),
        Notification.objects.create(
            user=citizen, kind=Notification.Kind.IDEA_STATUS, idea=idea, message="Alt", read_at=timezone.now()
        ),
        Notification.objects.create(
            user=UserFactory(), kind=Notification.Kind.NEW_IDEA, idea=idea, message="Fremd"
        ),
    ]


def test_the_page_needs_an_account(client, db):
    response = client.get(reverse("participation:notifications"))
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_lists_ones_own_notifications_and_marks_new_ones(citizen_client, notifications):
    page = text_of(citizen_client.get(reverse("participation:notifications")))
    assert "Neuer Kommentar" in page
    assert "Alt" in page
    assert "Fremd" not in page
    assert page.count(f">{german('new')}<") == 1
    assert f'href="{notifications[0].idea.get_absolute_url()}"' in page


def test_mark_all_as_read(citizen_client, citizen, notifications):
    response = citizen_client.post(reverse("participation:notifications_mark_read"))
    assert response["Location"] == reverse("participation:notifications")
    assert not Notification.objects.filter(user=citizen, read_at__isnull=True).exists()
    assert Notification.objects.filter(read_at__isnull=True).count() == 1  # someone else's


def test_switch_the_digest_on_and_off(citizen_client, citizen):
    url = reverse("participation:notifications_digest")
    citizen_client.post(url, {"digest": "on"})
    assert NotificationPreference.objects.get(user=citizen).email_digest
    assert german("Switch the daily e-mail off") in text_of(
        citizen_client.get(reverse("participation:notifications"))
    )
    citizen_client.post(url, {"digest": "off"})
    assert not NotificationPreference.objects.get(user=citizen).email_digest
    assert citizen_client.post(url, {"digest": "vielleicht"}).status_code == 400


def test_the_unsubscribe_link_asks_before_it_acts(client, citizen):
    NotificationPreference.objects.create(user=citizen, email_digest=True)
    url = reverse("participation:unsubscribe", args=[tasks.unsubscribe_token(citizen.pk)])
    response = client.get(url)
    assert response.status_code == 200
    assert '<form method="post"' in text_of(response)
    assert NotificationPreference.objects.get(user=citizen).email_digest


def test_one_click_unsubscribe_needs_no_csrf_token_and_no_sign_in(citizen):
    NotificationPreference.objects.create(user=citizen, email_digest=True)
    mail_client = Client(enforce_csrf_checks=True)
    url = reverse("participation:unsubscribe", args=[tasks.unsubscribe_token(citizen.pk)])
    response = mail_client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert german("You will no longer receive the daily e-mail.") in text_of(response)
    assert not NotificationPreference.objects.get(user=citizen).email_digest


@pytest.mark.parametrize("token", ["kaputt", "eyJ1IjoxfQ:1tAbCd:falsch"])
def test_a_bad_token_is_a_clear_400(client, citizen, token):
    NotificationPreference.objects.create(user=citizen, email_digest=True)
    for response in (
        client.get(reverse("participation:unsubscribe", args=[token])),
        client.post(reverse("participation:unsubscribe", args=[token])),
    ):
        assert response.status_code == 400
        assert german("This link is not valid") in text_of(response)
    assert NotificationPreference.objects.get(user=citizen).email_digest


def test_a_token_of_a_deleted_or_inactive_account_is_400(client, citizen):
    token = tasks.unsubscribe_token(citizen.pk)
    citizen.is_active = False
    citizen.save()
    assert client.post(reverse("participation:unsubscribe", args=[token])).status_code == 400


def test_the_digest_links_to_a_working_unsubscribe_page(
    client, citizen, notifications, mailoutbox, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=citizen, email_digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.digest_send.call(user_id=citizen.pk)
    link = mailoutbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.post("/" + path).status_code == 200
    assert not NotificationPreference.objects.get(user=citizen).email_digest

"""The feedback form of the accessibility statement: stored, mailed to the office, protected from abuse.

The mail leaves on commit through the task queue; ``django_capture_on_commit_callbacks(execute=True)``
lets it go. The rate limit counts in the cache, which tests/conftest.py clears before every test.
"""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail

from smartregion.web.models import AccessibilityFeedback

from .. import german
from ..html import field_errors, text

URL = "/barrierefreiheit/"


def _feedback(**overrides: str) -> dict[str, str]:
    return {
        "message": "Der Kontrast der Links im Fußbereich ist zu schwach.",
        "page_url": "/netzwerk/",
        "name": "Rita Reporter",
        "email": "rita@example.org",
        "website": "",
        **overrides,
    }


@pytest.fixture
def post(client, region, django_capture_on_commit_callbacks):
    def send(data: dict[str, str], **extra: str):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, data, **extra)

    return send


def test_statement_page_shows_the_form(client, region):
    response = client.get(URL)

    assert response.status_code == 200
    assert 'name="message"' in response.content.decode()


def test_feedback_is_stored_and_mailed_to_the_program_office(post):
    response = post(_feedback())

    assert response.status_code == 302
    assert response["Location"] == f"{URL}#feedback"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Vielen Dank. Ihre Nachricht wurde an die Stabsstelle gesendet."
    ]
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.message == "Der Kontrast der Links im Fußbereich ist zu schwach."
    assert (feedback.page_url, feedback.name, feedback.email) == (
        "/netzwerk/",
        "Rita Reporter",
        "rita@example.org",
    )
    [message] = mail.outbox
    assert message.to == [settings.PROGRAM_OFFICE_EMAIL]
    assert message.reply_to == ["rita@example.org"]
    assert message.subject == f"[Landkreis Teststadt] Rückmeldung zur Barrierefreiheit #{feedback.pk}"
    assert "Der Kontrast der Links im Fußbereich ist zu schwach." in message.body
    assert "/netzwerk/" in message.body


def test_anonymous_feedback_has_no_reply_address(post):
    response = post(_feedback(name="", email=""))

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.reply_to == []


@pytest.mark.parametrize(
    ("overrides", "german_error"),
    [
        ({"message": ""}, german.REQUIRED),
        ({"message": "   "}, german.REQUIRED),
        (
            {"message": "x" * 5001},
            german.too_long(5000, 5001),
        ),
        ({"email": "keine-adresse"}, german.INVALID_EMAIL),
    ],
    ids=["empty_message", "blank_message", "message_too_long", "invalid_email"],
)
def test_bad_feedback_is_400_with_the_error_and_nothing_is_stored_or_sent(post, overrides, german_error):
    response = post(_feedback(**overrides))

    assert response.status_code == 400
    assert field_errors(response.content.decode()) == [german_error]
    assert not AccessibilityFeedback.objects.exists()
    assert mail.outbox == []


def test_filled_honeypot_stores_and_sends_nothing(post):
    response = post(_feedback(website="https://spam.example/"))

    assert response.status_code == 400
    assert not AccessibilityFeedback.objects.exists()
    assert mail.outbox == []


def test_sixth_message_within_an_hour_from_one_address_is_refused(post):
    for _ in range(5):
        assert post(_feedback()).status_code == 302

    response = post(_feedback())

    assert response.status_code == 429
    assert "Zu viele Anfragen" in text(response.content.decode())
    assert AccessibilityFeedback.objects.count() == 5
    assert len(mail.outbox) == 5


def test_rate_limit_counts_per_address(post):
    for _ in range(5):
        post(_feedback())

    assert post(_feedback(), REMOTE_ADDR="192.0.2.7").status_code == 302


def test_rate_limit_does_not_block_reading_the_statement(client, post):
    for _ in range(6):
        post(_feedback())

    assert client.get(URL).status_code == 200

"""Mails through the real database task queue: queued on commit, sent by ``manage.py db_worker``.

These tests commit for real (``transaction=True``), as on_commit callbacks only run on a real commit.
"""

import signal
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from smartregion.core.mail import email_enqueue
from smartregion.web import services as web_services

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("_database_queue")]


@pytest.fixture
def _database_queue():
    with override_settings(TASKS=DATABASE_QUEUE):
        yield


def _run_worker() -> None:
    # The worker installs its own SIGINT/SIGTERM handlers and leaves them behind in batch mode;
    # put pytest's back so that Ctrl+C still stops the test run.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, stdout=StringIO())
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def _message(**overrides) -> EmailMessage:
    fields = {"subject": "Hallo", "body": "Ein Test.", "to": ["clara@example.org"], **overrides}
    return EmailMessage(**fields)


def test_mail_is_queued_on_commit_and_sent_by_the_worker():
    with transaction.atomic():
        email_enqueue(_message(reply_to=["office@example.org"], headers={"X-Test": "1"}))
        assert not DBTaskResult.objects.exists()  # not before the commit

    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.READY
    assert result.task_path == "smartregion.core.tasks.email_send"
    assert mail.outbox == []

    _run_worker()

    result.refresh_from_db()
    assert result.status == TaskResultStatus.SUCCESSFUL
    [sent] = mail.outbox
    assert (sent.subject, sent.body, sent.to) == ("Hallo", "Ein Test.", ["clara@example.org"])
    assert sent.reply_to == ["office@example.org"]
    assert sent.extra_headers["X-Test"] == "1"


def test_rolled_back_work_sends_no_mail():
    def failing_request() -> None:
        with transaction.atomic():
            email_enqueue(_message())
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        failing_request()

    assert not DBTaskResult.objects.exists()
    _run_worker()
    assert mail.outbox == []


def test_html_alternative_survives_the_queue():
    message = EmailMultiAlternatives(subject="Hallo", body="Text", to=["clara@example.org"])
    message.attach_alternative("<p>HTML</p>", "text/html")
    with transaction.atomic():
        email_enqueue(message)

    _run_worker()

    [sent] = mail.outbox
    assert sent.body == "Text"
    assert sent.alternatives[0][:2] == ("<p>HTML</p>", "text/html")


def test_accessibility_feedback_mail_goes_through_the_queue():
    web_services.accessibility_feedback_submit(
        message="Der Kontrast ist zu schwach.", page_url="/", name="", email="rita@example.org"
    )

    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
    assert mail.outbox == []

    _run_worker()

    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert [m.reply_to for m in mail.outbox] == [["rita@example.org"]]


def test_worker_without_work_does_nothing():
    _run_worker()

    assert mail.outbox == []
    assert not DBTaskResult.objects.exists()

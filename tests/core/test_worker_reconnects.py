"""The task worker (``manage.py db_worker``, a real process) outlives a PostgreSQL restart: its connection
is cut and new ones refused for a while, and afterwards it runs the next task, every task exactly once."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from smartregion.core.tasks import email_send

from ..processes import (
    postgres_admin,
    refusing_connections,
    sent_subjects,
    start_worker,
    terminate_backends,
    wait_for,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}


def test_the_worker_reconnects_after_postgresql_restarts(tmp_path):
    worker = start_worker(application_name="sr-test-worker", mail_dir=tmp_path)
    try:
        with override_settings(TASKS=DATABASE_QUEUE):
            email_send.enqueue(subject="Vorher", body="Vor dem Neustart.", to=["clara@example.org"])
            wait_for(lambda: sent_subjects(tmp_path) == ["Vorher"], "the first mail")
            with postgres_admin() as admin, refusing_connections(admin, connection.settings_dict["NAME"]):
                assert terminate_backends(admin, "sr-test-worker") >= 1
                wait_for(
                    lambda: worker.popen.poll() is not None or worker.said("Database unavailable"),
                    "the worker to meet the outage",
                )
            email_send.enqueue(subject="Nachher", body="Nach dem Neustart.", to=["clara@example.org"])
            assert worker.popen.poll() is None, "".join(worker.lines)
            wait_for(lambda: len(sent_subjects(tmp_path)) >= 2, "the mail after the restart", timeout=60)
        assert sorted(sent_subjects(tmp_path)) == ["Nachher", "Vorher"]
        assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    finally:
        worker.stop()

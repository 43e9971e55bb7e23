"""The search index through the real database task queue: one task per transaction and kind, ahead of the
queue's other work, run by ``manage.py db_worker``.

These tests commit for real (``transaction=True``), as on_commit callbacks only run on a real commit. Each
test searches for a word of its own: the flush between them leaves PostgreSQL's side table of vectors
(raw SQL, no model) behind.
"""

import signal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from smartregion.insights import search
from smartregion.insights.models import SearchKind
from smartregion.participation import services
from smartregion.participation.models import Idea
from smartregion.strategy.models import Domain

from ..participation.factories import UserFactory

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
INDEX_TASK = "smartregion.insights.tasks.search_index_update"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("_database_queue")]


@pytest.fixture
def _database_queue():
    with override_settings(TASKS=DATABASE_QUEUE):
        yield


def _run_worker(**options) -> None:
    # The worker leaves its own signal handlers behind in batch mode; put pytest's back.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, stdout=StringIO(), **options)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


@pytest.fixture
def submit(process):
    """An idea submitted through the form's service by a new person."""
    domain = Domain.objects.create(name="Mobilität", slug="mobilitaet-queue")
    process.domains.add(domain)

    def submit(title: str) -> Idea:
        return services.idea_create(
            author=UserFactory(), process=process, title=title, body="Zum Ausruhen.", domains=[domain]
        )

    return submit


def _index_tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=INDEX_TASK).order_by("enqueued_at"))


def test_a_new_idea_queues_one_index_task_which_makes_it_findable(submit):
    # Created, then published: the service saves the idea twice in its transaction.
    idea = submit("Sitzbank am Zaunkönigweg")
    assert idea.status == "published"
    [queued] = _index_tasks()
    assert queued.args_kwargs["kwargs"] == {"kind": SearchKind.IDEA, "ids": [idea.pk]}
    assert search.ranked_ids("Zaunkönigweg", kind=SearchKind.IDEA) == []  # not before the worker ran

    _run_worker(max_tasks=1)

    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert search.ranked_ids("Zaunkönigweg", kind=SearchKind.IDEA) == [idea.pk]


def test_the_index_task_runs_before_work_queued_earlier(submit):
    first = submit("Ampel an der Schule")
    DBTaskResult.objects.filter(task_path=INDEX_TASK).delete()  # only the first idea's other tasks remain
    waiting = set(DBTaskResult.objects.filter(queue_name="default").values_list("pk", flat=True))
    assert waiting, "the first idea queued no other work on the default queue"
    second = submit("Sitzbank am Eisvogelweg")

    _run_worker(max_tasks=1)

    [index_task] = _index_tasks()
    assert index_task.args_kwargs["kwargs"]["ids"] == [second.pk]
    assert index_task.status == TaskResultStatus.SUCCESSFUL
    assert set(DBTaskResult.objects.filter(pk__in=waiting).values_list("status", flat=True)) == {
        TaskResultStatus.READY
    }
    assert search.ranked_ids("Eisvogelweg", kind=SearchKind.IDEA) == [second.pk]
    assert Idea.objects.filter(pk=first.pk).exists()


def test_a_rolled_back_transaction_queues_nothing_and_leaves_nothing_behind(process, make_idea):
    idea = make_idea("Radweg an der Bundesstraße")
    _run_worker()
    DBTaskResult.objects.all().delete()

    def failing_request() -> None:
        with transaction.atomic():
            Idea.objects.filter(pk=idea.pk).update(title="Radweg am Stieglitzweg")
            Idea.objects.get(pk=idea.pk).save()
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        failing_request()
    assert _index_tasks() == []

    other = make_idea("Sitzbank am Wiedehopfweg")

    [queued] = _index_tasks()
    assert queued.args_kwargs["kwargs"]["ids"] == [other.pk]  # not the rolled-back idea's
    _run_worker()
    assert search.ranked_ids("Bundesstraße", kind=SearchKind.IDEA) == [idea.pk]
    assert search.ranked_ids("Stieglitzweg", kind=SearchKind.IDEA) == []
    assert search.ranked_ids("Wiedehopfweg", kind=SearchKind.IDEA) == [other.pk]


def test_a_rolled_back_savepoint_keeps_the_transactions_other_documents(process, make_idea):
    first = make_idea("Bücherschrank am Rathaus")
    DBTaskResult.objects.all().delete()

    with transaction.atomic():
        try:
            with transaction.atomic():
                Idea.objects.get(pk=first.pk).save()
                raise RuntimeError("a part failed")
        except RuntimeError:
            pass
        second = make_idea("Trinkbrunnen am Rathaus")

    [queued] = _index_tasks()
    assert second.pk in queued.args_kwargs["kwargs"]["ids"]

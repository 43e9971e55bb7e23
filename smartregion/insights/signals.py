"""Every write to searchable content schedules its re-indexing, whichever service (or the admin) made it.

The index is derived data in another app, so it listens instead of being called by every service of
participation, strategy and events. With the database task backend the update is enqueued on commit and
``db_worker`` stores it within about a second, never slowing the form; with the immediate backend
(development, tests) it is written at once inside the writing transaction, so a rolled-back write leaves
no index row behind either.
"""

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django_tasks import task_backends
from django_tasks.backends.immediate import ImmediateBackend

from smartregion.core.signals import rows_written
from smartregion.events.models import Event
from smartregion.participation.models import Comment, Idea, Process
from smartregion.strategy.models import Measure
from smartregion.surveys.models import Answer, SurveyEvent

from . import index, tasks
from .models import SearchKind

KINDS: dict[type, str] = {
    Idea: SearchKind.IDEA,
    Comment: SearchKind.COMMENT,
    Measure: SearchKind.MEASURE,
    Event: SearchKind.EVENT,
    Answer: SearchKind.ANSWER,
}


def _immediate() -> bool:
    return isinstance(task_backends["default"], ImmediateBackend)


def schedule(kind: str, ids: list[int]) -> None:
    """Re-index these documents now (immediate backend) or by a task once the transaction commits.

    A transaction's documents of one kind go into one task: a new idea is saved twice (created, then
    published) and had two identical tasks queued, each re-reading and re-writing it before the next
    idea's turn.
    """
    if not ids:
        return
    if _immediate():
        index.index_update(kind=kind, ids=ids)
        return
    connection = transaction.get_connection()
    pending: dict[str, set[int]] = getattr(connection, _PENDING, {})
    if not any(callback is _enqueue_pending for _ids, callback, _robust in connection.run_on_commit):
        # No flush is waiting: the transaction that scheduled these rolled back (which drops its callbacks),
        # so they are not this transaction's to index.
        pending = {}
    pending.setdefault(str(kind), set()).update(ids)
    setattr(connection, _PENDING, pending)
    # Every call registers the flush, so a savepoint rolled back with its callback loses nothing; the first
    # flush after the commit enqueues all, the others find nothing left. Ids of a rolled-back savepoint
    # ride along with the commit's: the task reads them afresh and stores what is there.
    transaction.on_commit(_enqueue_pending)


# Where a connection keeps the documents its transaction has scheduled until the commit.
_PENDING = "_insights_search_pending"


def _enqueue_pending() -> None:
    connection = transaction.get_connection()
    pending: dict[str, set[int]] = getattr(connection, _PENDING, {})
    setattr(connection, _PENDING, {})
    for kind, ids in pending.items():
        tasks.search_index_update.enqueue(kind=kind, ids=sorted(ids))


def _saved(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        schedule(KINDS[sender], [instance.pk])


def _deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    index.index_remove(kind=KINDS[sender], ids=[instance.pk])


def _process_saved(
    sender: type, instance: Process, raw: bool = False, created: bool = False, **kwargs: Any
) -> None:
    # A new process has no ideas yet; a changed one may have become public or draft.
    if raw or created:
        return
    if _immediate():
        index.index_process(process_id=instance.pk)
    else:
        transaction.on_commit(partial(tasks.search_index_process.enqueue, process_id=instance.pk))


def _survey_changed(
    sender: type, instance: SurveyEvent, raw: bool = False, created: bool = False, **kwargs: Any
) -> None:
    # The surveys' services change visibility, results and hidden answers with UPDATE statements, but
    # record each change as a SurveyEvent: its free texts become searchable once the results are published
    # and leave the public index when they are withdrawn, hidden or the survey becomes a draft.
    if raw or not created:
        return
    answer_id = instance.data.get("answer") if isinstance(instance.data, dict) else None
    ids = [answer_id] if isinstance(answer_id, int) else index.survey_answer_ids(instance.survey_id)
    schedule(SearchKind.ANSWER, ids)


def _rows_written(sender: type, ids: list[int], **kwargs: Any) -> None:
    if sender in KINDS:
        schedule(KINDS[sender], list(ids))


def connect() -> None:
    """Connect the handlers (from InsightsConfig.ready)."""
    for model in KINDS:
        post_save.connect(_saved, sender=model, dispatch_uid=f"insights_saved_{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"insights_deleted_{model.__name__}")
    post_save.connect(_process_saved, sender=Process, dispatch_uid="insights_process_saved")
    post_save.connect(_survey_changed, sender=SurveyEvent, dispatch_uid="insights_survey_changed")
    rows_written.connect(_rows_written, dispatch_uid="insights_rows_written")

"""Background work of the insights: the office's analyses, and keeping the search index in step with the
content. Tasks take ids and are idempotent: they read the content afresh, so a doubled or late run stores
the same.

The analyses import ``insights.analyses`` when they run: web workers import this module to enqueue, and
must not load the numeric libraries with it (``tests/core/test_web_worker_imports.py``)."""

from django_tasks import task

from smartregion.participation.models import Idea, Process

from . import index, services
from .models import ClusterRun

# The office's analyses run in a worker of their own (settings.TASKS): they can take minutes.
INSIGHTS_QUEUE = "insights"


@task(queue_name=INSIGHTS_QUEUE)
def idea_analyse(*, idea_id: int) -> int:
    """A new idea: pair it with likely duplicates, suggest domains, retrain the process's model when due."""
    from . import analyses

    idea = Idea.objects.filter(pk=idea_id).select_related("process").first()
    if idea is None:
        return 0
    found = 0
    if idea.status in services.COMPARED_STATUSES:
        found = analyses.duplicates_find(process=idea.process, only=[idea.pk])
    if analyses.category_model_needs_training(idea.process):
        category_model_train.enqueue(process_id=idea.process_id)
    analyses.suggestions_make(process=idea.process, ideas=[idea])
    return found


@task(queue_name=INSIGHTS_QUEUE)
def category_model_train(*, process_id: int) -> int:
    """Train a new model version for a process, then suggest domains on its ideas that have none decided."""
    from . import analyses

    process = Process.objects.get(pk=process_id)
    if analyses.category_model_train(process=process) is None:
        return 0
    ideas = (
        Idea.objects.filter(process=process)
        .exclude(status__in=("merged", "hidden"))
        .only("pk", "process_id", "title", "body")
    )
    return analyses.suggestions_make(process=process, ideas=ideas)


@task(queue_name=INSIGHTS_QUEUE)
def duplicates_scan(*, process_id: int) -> int:
    """Compare all ideas of a process with each other (after an import, or a new threshold)."""
    from . import analyses

    return analyses.duplicates_find(process=Process.objects.get(pk=process_id))


@task(queue_name=INSIGHTS_QUEUE)
def cluster_compute(*, run_id: int) -> str:
    """Compute a queued clustering run."""
    from . import analyses

    run = ClusterRun.objects.get(pk=run_id)
    return analyses.cluster_compute(run=run).status


# Index updates go before the queue's other work (mails, notifications, open-data files): a new idea
# should be findable within a second even when a process's followers are being notified of it.
SEARCH_PRIORITY = 50


@task(priority=SEARCH_PRIORITY)
def search_index_update(*, kind: str, ids: list[int]) -> int:
    """Re-index these documents of one kind; returns the rows written."""
    return index.index_update(kind=kind, ids=ids)


@task(priority=SEARCH_PRIORITY)
def search_index_process(*, process_id: int) -> None:
    """Re-index a process's ideas and comments after its visibility changed."""
    index.index_process(process_id=process_id)

"""Background work for insights: keeping the search index in step with the content.

Tasks take ids and are idempotent: they read the content afresh, so a doubled or late run stores the same.
"""

from django_tasks import task

from . import index


@task()
def search_index_update(*, kind: str, ids: list[int]) -> int:
    """Re-index these documents of one kind; returns the rows written."""
    return index.index_update(kind=kind, ids=ids)


@task()
def search_index_process(*, process_id: int) -> None:
    """Re-index a process's ideas and comments after its visibility changed."""
    index.index_process(process_id=process_id)

"""New ideas are analysed in the background: duplicates found, domains suggested (never applied)."""

from functools import partial
from typing import Any

from django.db import transaction


def idea_saved(sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    """Signal receiver: enqueue the analysis of a new idea once its transaction commits."""
    if not created or raw:
        return
    from . import tasks

    transaction.on_commit(partial(tasks.idea_analyse.enqueue, idea_id=instance.pk))

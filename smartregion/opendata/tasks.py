"""Background work for open data: writing the download files (publish.py) when the data changed."""

import logging
import time

from django_tasks import task

from . import publish
from .datasets import dataset_get

logger = logging.getLogger(__name__)


@task()
def publish_download(*, slug: str, fmt: str) -> int:
    """Write one dataset in one format as it is now; returns the rows written (0 for an unknown one)."""
    dataset = dataset_get(slug)
    if dataset is None or fmt not in dataset.formats:
        return 0
    started = time.monotonic()
    published, rows = publish.write(dataset, fmt)
    seconds = time.monotonic() - started
    logger.info("open data: %s written, %d rows in %.1f s", published.path.name, rows, seconds)
    return rows

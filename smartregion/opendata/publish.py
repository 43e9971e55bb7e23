"""Download files written ahead by a task and served as files, so that no web worker builds a large dataset.

A download's name carries the dataset's shape (``<slug>-<shape>.<fmt>``): the fingerprint of its rows'
version with everything else that shapes the file (columns, licence, site address). The view computes the
shape (one aggregate query), and when the file of that shape exists it is served as it is: through nginx
(``X-Accel-Redirect`` to ``OPENDATA_ACCEL_REDIRECT``) in production, or by Django's FileResponse in the
embedded mode. When it does not exist yet, the view enqueues ``publish_download`` once
(``OPENDATA_DEBOUNCE_SECONDS`` apart at most, see ``schedule``) and meanwhile serves the newest older file
with its own ETag, so a visitor gets data at most one generation old at once. Before the first file exists
the answer is 503 with Retry-After (with the immediate task backend, the embedded default, the task has
run before the view looks again, so the file is there).

Files are written to a temporary name in the same directory and renamed into place (atomic on POSIX): a
reader sees either the old file or the whole new one, never half of one. Older files of the same download
are removed once the new one is in place (a reader who has one open keeps reading it).
"""

import gc
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from . import catalog
from .datasets import Dataset, Version
from .formats import DATA_LANGUAGE, csv_write, geojson_write, json_write, xlsx_write


@dataclass(frozen=True)
class Published:
    """A written download: its file, its ETag and when it was written."""

    path: Path
    etag: str
    modified: float


def root() -> Path:
    return Path(settings.OPENDATA_ROOT)


def shape_of(dataset: Dataset, version: Version) -> str:
    """What the file's bytes depend on: the rows' version, the columns, the licence, the site's address."""
    return hashlib.sha256(
        repr(
            (version.fingerprint, dataset.column_names, settings.OPENDATA_LICENSE, settings.SITE_URL)
        ).encode()
    ).hexdigest()[:32]


def etag_of(slug: str, fmt: str, shape: str) -> str:
    return f'"{slug}-{fmt}-{shape}"'


def _path(slug: str, fmt: str, shape: str) -> Path:
    return root() / f"{slug}-{shape}.{fmt}"


def _published(slug: str, fmt: str, path: Path) -> Published | None:
    match = re.fullmatch(rf"{re.escape(slug)}-([0-9a-f]{{32}})\.{re.escape(fmt)}", path.name)
    if match is None:
        return None
    try:
        modified = path.stat().st_mtime
    except FileNotFoundError:  # replaced meanwhile
        return None
    return Published(path, etag_of(slug, fmt, match.group(1)), modified)


def find(dataset: Dataset, fmt: str, shape: str) -> Published | None:
    """The file of this shape, or else the newest file of the download, or None before the first."""
    exact = _published(dataset.slug, fmt, _path(dataset.slug, fmt, shape))
    if exact is not None:
        return exact
    older = [
        published
        for path in root().glob(f"{dataset.slug}-*.{fmt}")
        if (published := _published(dataset.slug, fmt, path)) is not None
    ]
    return max(older, key=lambda published: published.modified, default=None)


def _pending_key(slug: str, fmt: str) -> str:
    return f"opendata:pending:{slug}:{fmt}"


def schedule(dataset: Dataset, fmt: str) -> None:
    """Enqueue the file's generation unless one is pending: a burst of changes writes the file once.

    With a task backend that can defer, the task runs OPENDATA_DEBOUNCE_SECONDS later and reads the data
    as they are then; the pending mark lasts as long, so a change after it leads to another run."""
    from .tasks import publish_download

    debounce = settings.OPENDATA_DEBOUNCE_SECONDS
    if not cache.add(_pending_key(dataset.slug, fmt), 1, timeout=max(debounce, 1) + 60):
        return
    task = publish_download
    if task.get_backend().supports_defer and debounce > 0:
        task = task.using(run_after=timezone.now() + timedelta(seconds=debounce))
    task.enqueue(slug=dataset.slug, fmt=fmt)


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """A writer makes millions of short-lived rows, cells and features, none in a reference cycle: reference
    counting frees them all. The cycle collector's passes over them, on every few hundred new containers,
    took up to a quarter of a large download's time (decision 0012). Whatever cycle arises meanwhile (a
    query's objects) is collected once the writer is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def write(dataset: Dataset, fmt: str) -> tuple[Published, int]:
    """Write the download as it is now, atomically; returns it and how many rows it holds."""
    cache.delete(_pending_key(dataset.slug, fmt))  # changes from now on need another run
    version = dataset.version()
    shape = shape_of(dataset, version)
    target = _path(dataset.slug, fmt, shape)
    root().mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=root(), prefix=f".{dataset.slug}.", suffix=f".{fmt}")
    try:
        # The data are German whatever language the task was started in (labels in the rows, the title).
        with (
            os.fdopen(descriptor, "wb") as output,
            translation.override(DATA_LANGUAGE),
            _cycle_collection_paused(),
        ):
            if fmt == "xlsx":
                rows = xlsx_write(dataset, str(dataset.title), output)
            elif fmt == "csv":
                rows = csv_write(dataset, output)
            elif fmt == "json":
                rows = json_write(dataset, catalog.dataset_meta(dataset, version), output)
            else:
                rows = geojson_write(dataset, catalog.dataset_meta(dataset, version), output)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    for path in root().glob(f"{dataset.slug}-*.{fmt}"):
        if path != target and _published(dataset.slug, fmt, path) is not None:
            path.unlink(missing_ok=True)
    published = _published(dataset.slug, fmt, target)
    assert published is not None  # noqa: S101 (just written)
    return published, rows

"""Downloads come from files a task writes when the data change (opendata/publish.py): served as they are
(FileResponse, or nginx by X-Accel-Redirect), written atomically, enqueued once per burst of changes, the
previous file served while the next one is due, and a clear 503 before the first one exists."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from smartregion.opendata import publish
from smartregion.opendata.datasets import dataset_get
from smartregion.opendata.tasks import publish_download

from ..participation.factories import IdeaFactory
from ..participation.public_support import count_queries, german

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
URL = reverse("opendata:download", kwargs={"slug": "ideen", "fmt": "csv"})


def _text(response) -> str:
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def test_a_download_is_written_once_and_then_served_from_its_file(client, public_data, opendata_root):
    first = client.get(URL)
    assert first.status_code == 200
    [written] = opendata_root.glob("ideen-*.csv")
    assert _text(first).encode() == written.read_bytes()
    assert first["ETag"] == f'"ideen-csv-{written.stem.removeprefix("ideen-")}"'
    # Served from the file: only the dataset's version is asked of the database, whatever its size.
    assert count_queries(client, URL) == 1
    assert list(opendata_root.glob("ideen-*.csv")) == [written]


def test_a_change_writes_a_new_file_and_removes_the_old_one(client, public_data, opendata_root):
    before = client.get(URL)
    IdeaFactory(process=public_data["process"], title="Eine neue Idee")
    after = client.get(URL)
    assert after["ETag"] != before["ETag"]
    assert "Eine neue Idee" in _text(after)
    assert len(list(opendata_root.glob("ideen-*.csv"))) == 1
    assert not list(opendata_root.glob(".*"))  # no temporary file left behind


def test_a_reader_of_the_old_file_reads_it_whole_while_the_new_one_is_written(
    client, public_data, opendata_root
):
    client.get(URL)
    [old] = opendata_root.glob("ideen-*.csv")
    expected = old.read_bytes()
    with old.open("rb") as reader:
        IdeaFactory(process=public_data["process"], title="Noch eine Idee")
        client.get(URL)
        assert reader.read() == expected
    assert not old.exists()


@override_settings(TASKS=DATABASE_QUEUE, OPENDATA_DEBOUNCE_SECONDS=30)
def test_with_a_queue_the_first_request_gets_503_and_a_burst_enqueues_once(client, public_data):
    first = client.get(URL)
    assert first.status_code == 503
    assert first["Retry-After"] == "30"
    assert german("The download is being prepared") in first.content.decode()
    assert client.get(URL).status_code == 503
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "smartregion.opendata.tasks.publish_download"
    assert queued.run_after > timezone.now()  # gathers the changes of the next 30 seconds

    publish_download.call(slug="ideen", fmt="csv")  # what the worker does
    written = client.get(URL)
    assert written.status_code == 200
    etag = written["ETag"]

    # The data change: the previous file is served at once under its own ETag, and one run is queued.
    IdeaFactory(process=public_data["process"], title="Während der Kampagne")
    stale = client.get(URL)
    assert stale.status_code == 200
    assert stale["ETag"] == etag
    assert "Während der Kampagne" not in _text(stale)
    assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert DBTaskResult.objects.count() == 2
    publish_download.call(slug="ideen", fmt="csv")
    fresh = client.get(URL)
    assert fresh["ETag"] != etag
    assert "Während der Kampagne" in _text(fresh)


def test_behind_nginx_the_file_is_handed_over_with_x_accel_redirect(client, public_data, settings):
    settings.OPENDATA_ACCEL_REDIRECT = "/_opendata/"
    response = client.get(URL)
    assert response.status_code == 200
    [written] = publish.root().glob("ideen-*.csv")
    assert response["X-Accel-Redirect"] == f"/_opendata/{written.name}"
    assert response.content == b""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ideen.csv"'
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"].startswith('"ideen-csv-')


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx", "geojson"])
def test_the_task_writes_every_row(public_data, fmt):
    dataset = dataset_get("ideen")
    published, rows = publish.write(dataset, fmt)
    expected = sum(1 for row in dataset.rows() if fmt != "geojson" or row[15] is not None)
    assert rows == expected
    assert published.path.stat().st_size > 0

"""``manage.py backup`` and ``restore``: a round trip gives back every row of every table and every media
file, on SQLite and on PostgreSQL; a damaged archive is refused; a SQLite backup taken while rows are
still in the write-ahead log holds them."""

import io
import json
import shutil
import sqlite3
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from smartregion.core.backup import sqlite_copy
from smartregion.network.models import Region

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


def _rows() -> dict[str, list[str]]:
    """Every row of every table, as text, in a fixed order."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        rows = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - names from the catalogue
            rows[table] = sorted(repr(row) for row in cursor.fetchall())
        return rows


def _media(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    (root / "ideas" / "2026").mkdir(parents=True)
    (root / "ideas" / "2026" / "radweg.png").write_bytes(PNG)
    (root / "minutes" / "Protokoll März.pdf").parent.mkdir(parents=True)
    (root / "minutes" / "Protokoll März.pdf").write_bytes(b"%PDF-1.7\n" + b"x" * 5000)
    settings.MEDIA_ROOT = root
    return root


def test_a_backup_restores_every_row_and_every_media_file(media_root, tmp_path):
    call_command("seed_demo", "--force", stdout=io.StringIO())
    before, files = _rows(), _media(media_root)
    assert sum(len(rows) for rows in before.values()) > 1000  # the demo fills many tables
    archive = tmp_path / "backups" / "site.tar"
    call_command("backup", output=archive, stdout=io.StringIO())

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database"] == connection.vendor
    assert {entry["path"] for entry in manifest["files"]} >= {
        "media/ideas/2026/radweg.png",
        "media/minutes/Protokoll März.pdf",
    }
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"])

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), stdout=io.StringIO())

    # Lose everything: the rows, and the media folder.
    call_command("flush", interactive=False, stdout=io.StringIO())
    shutil.rmtree(media_root)
    assert _rows() != before

    call_command("restore", str(archive), replace=True, stdout=io.StringIO())
    assert _rows() == before
    assert _media(media_root) == files


def _damage(archive: Path, member: str) -> None:
    """Flip one byte in the middle of ``member``'s data, as a bad disk would."""
    with tarfile.open(archive) as tar:
        info = tar.getmember(member)
    with archive.open("r+b") as stream:
        stream.seek(info.offset_data + info.size // 2)
        byte = stream.read(1)
        stream.seek(-1, io.SEEK_CUR)
        stream.write(bytes([byte[0] ^ 0xFF]))


@pytest.mark.parametrize("member", ["database", "media/ideas/2026/radweg.png"])
def test_a_damaged_archive_is_refused_and_nothing_changes(media_root, tmp_path, member, region):
    archive = tmp_path / "site.tar"
    call_command("backup", output=archive, stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        name = next(name for name in tar.getnames() if name.startswith(member))
    _damage(archive, name)
    Region.objects.update(name="Nach der Sicherung")
    before = _rows()

    with pytest.raises(CommandError, match=f"damaged: the checksum of {name} does not match"):
        call_command("restore", str(archive), replace=True, stdout=io.StringIO())
    assert _rows() == before


def test_a_truncated_or_foreign_archive_is_refused(media_root, tmp_path, region):
    archive = tmp_path / "site.tar"
    call_command("backup", output=archive, stdout=io.StringIO())
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 3])
    with pytest.raises(CommandError, match="Restore stopped"):
        call_command("restore", str(truncated), replace=True, stdout=io.StringIO())

    foreign = tmp_path / "foreign.tar"
    with tarfile.open(foreign, "w") as tar:
        tar.add(media_root / "ideas" / "2026" / "radweg.png", arcname="../etc/passwd")
    with pytest.raises(CommandError, match="no manifest"):
        call_command("restore", str(foreign), replace=True, stdout=io.StringIO())


def test_a_sqlite_backup_holds_the_rows_still_in_the_write_ahead_log(tmp_path):
    database = tmp_path / "site.sqlite3"
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # as between two checkpoints of a busy site
    writer.execute("CREATE TABLE support (id INTEGER PRIMARY KEY, idea INTEGER)")
    writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for row in range(55):
        writer.execute("INSERT INTO support (idea) VALUES (?)", [row])
    assert (tmp_path / "site.sqlite3-wal").stat().st_size > 0

    # What a plain file copy of the running site gets: the table, but none of the committed rows.
    shutil.copyfile(database, tmp_path / "copied.sqlite3")
    assert sqlite3.connect(tmp_path / "copied.sqlite3").execute(
        "SELECT count(*) FROM support"
    ).fetchone() == (0,)

    reader = sqlite3.connect(database)  # the site's own connection, as manage.py backup uses it
    sqlite_copy(reader, tmp_path / "backup.sqlite3")
    assert sqlite3.connect(tmp_path / "backup.sqlite3").execute(
        "SELECT count(*) FROM support"
    ).fetchone() == (55,)
    writer.close()
    reader.close()

"""One archive with everything a site needs to come back: the database and the uploaded files.

``backup_create`` writes a tar file holding ``manifest.json``, the database and the media files under
``media/``. The database is taken while the site runs: PostgreSQL with ``pg_dump`` (custom format, one
consistent snapshot), SQLite with its online backup API, which copies a consistent state including
what is still in the write-ahead log (a plain file copy loses those rows). The manifest names the
format version, the time, the database vendor and every file with its size and SHA-256.

``backup_restore`` checks every checksum before it touches anything, refuses an archive that is
damaged, incomplete or from the other database vendor, and refuses a database that already holds
tables unless told to replace it; then it restores the database (``pg_restore``; SQLite's backup API)
and the media files.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = "smartregion-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The archive cannot be written or restored; the message says why, for the operator."""


@dataclass(frozen=True)
class Manifest:
    """What an archive holds: when it was made, from which database, and each file's size and SHA-256."""

    created: str
    vendor: str
    files: dict[str, dict[str, Any]]

    def to_json(self) -> bytes:
        files = [{"path": path, **entry} for path, entry in sorted(self.files.items())]
        body = {"format": FORMAT, "version": VERSION, "created": self.created, "database": self.vendor}
        return json.dumps({**body, "files": files}, indent=2).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Manifest":
        try:
            body = json.loads(data)
            if body["format"] != FORMAT:
                raise BackupError("This is not a SmartRegion backup (its manifest names another format).")
            if body["version"] != VERSION:
                raise BackupError(f"Backup format version {body['version']} is not supported here.")
            files = {
                entry["path"]: {"size": entry["size"], "sha256": entry["sha256"]} for entry in body["files"]
            }
            return cls(created=body["created"], vendor=body["database"], files=files)
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(f"The archive's manifest is damaged ({error}).") from error


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _postgres_environment() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore, the password in the environment, never argv."""
    config = connection.settings_dict
    arguments = ["--dbname", config["NAME"]]
    if config["HOST"]:
        arguments += ["--host", config["HOST"]]
    if config["PORT"]:
        arguments += ["--port", str(config["PORT"])]
    if config["USER"]:
        arguments += ["--username", config["USER"]]
    environment = {**os.environ}
    if config["PASSWORD"]:
        environment["PGPASSWORD"] = config["PASSWORD"]
    return arguments, environment


def _run(program: str, arguments: list[str], environment: dict[str, str]) -> None:
    if shutil.which(program) is None:
        raise BackupError(f"{program} not found: install Debian's postgresql-client package.")
    result = subprocess.run(  # noqa: S603 - a fixed program, arguments from the settings
        [program, *arguments], env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")


def sqlite_copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy a SQLite database through its online backup API: consistent, WAL included, readers go on."""
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()


def _dump_database(target: Path) -> None:
    if connection.vendor == "postgresql":
        arguments, environment = _postgres_environment()
        _run(
            "pg_dump",
            [*arguments, "--format=custom", "--no-owner", "--no-acl", "--file", str(target)],
            environment,
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        sqlite_copy(connection.connection, target)
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def _media_files() -> Iterator[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield f"media/{path.relative_to(root).as_posix()}", path


def backup_create(*, target: Path) -> Manifest:
    """Write the database and the media files to the tar archive ``target`` (see the module's docstring)."""
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="smartregion-backup-") as work:
        database_name = DATABASE_FILES[connection.vendor]
        database = Path(work) / database_name
        _dump_database(database)
        members = [(database_name, database), *_media_files()]
        manifest = Manifest(
            created=timezone.now().isoformat(timespec="seconds"),
            vendor=connection.vendor,
            files={name: {"size": path.stat().st_size, "sha256": _sha256(path)} for name, path in members},
        )
        partial = target.with_name(f".{target.name}.partial")
        with tarfile.open(partial, "w") as archive:
            info = tarfile.TarInfo(MANIFEST)
            data = manifest.to_json()
            info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
            archive.addfile(info, io.BytesIO(data))
            for name, path in members:
                archive.add(path, arcname=name, recursive=False)
        partial.chmod(0o600)  # the archive holds personal data
        partial.replace(target)
    return manifest


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def backup_verify(*, archive_path: Path, into: Path) -> Manifest:
    """Unpack the archive into the folder ``into`` and check it against its manifest; BackupError if not."""
    try:
        archive = tarfile.open(archive_path, "r")  # noqa: SIM115 - closed by the with below
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"The archive cannot be read ({error}).") from error
    with archive:
        try:
            members = {member.name: member for member in archive.getmembers()}
        except (OSError, tarfile.TarError) as error:
            raise BackupError(f"The archive is damaged ({error}).") from error
        if MANIFEST not in members:
            raise BackupError("The archive has no manifest.json; it is not a SmartRegion backup.")
        stream = archive.extractfile(members[MANIFEST])
        if stream is None:
            raise BackupError("The archive's manifest is damaged.")
        manifest = Manifest.from_json(stream.read())
        if manifest.vendor not in DATABASE_FILES or DATABASE_FILES[manifest.vendor] not in manifest.files:
            raise BackupError("The archive holds no database.")
        unexpected = set(members) - set(manifest.files) - {MANIFEST}
        if unexpected:
            raise BackupError(f"The archive holds files its manifest does not name: {sorted(unexpected)[:5]}")
        for name, expected in manifest.files.items():
            member = members.get(name)
            if member is None or not member.isfile() or not _safe_name(name):
                raise BackupError(f"The archive is incomplete or damaged: {name} is missing.")
            try:
                archive.extract(member, into, filter="data")
            except (OSError, tarfile.TarError) as error:
                raise BackupError(f"The archive is damaged: {name} cannot be read ({error}).") from error
            path = into / name
            if path.stat().st_size != expected["size"] or _sha256(path) != expected["sha256"]:
                raise BackupError(f"The archive is damaged: the checksum of {name} does not match.")
    return manifest


def database_tables() -> list[str]:
    """The tables in the database the site uses now (empty for a database that was never migrated)."""
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _restore_database(dump: Path, *, vendor: str) -> None:
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            # Everything goes, so that nothing of a newer or older schema is left beside the restored one.
            cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        connection.close()
        arguments, environment = _postgres_environment()
        _run("pg_restore", [*arguments, "--no-owner", "--no-acl", "--exit-on-error", str(dump)], environment)
    else:
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()


def backup_restore(*, archive_path: Path, replace: bool = False) -> Manifest:
    """Restore database and media from an archive (see the module's docstring); BackupError if refused."""
    with tempfile.TemporaryDirectory(prefix="smartregion-restore-") as work:
        unpacked = Path(work)
        manifest = backup_verify(archive_path=archive_path, into=unpacked)
        if manifest.vendor != connection.vendor:
            raise BackupError(
                f"The archive holds a {manifest.vendor} database, but this site uses {connection.vendor}."
            )
        tables = database_tables()
        if tables and not replace:
            raise BackupError(
                f"The database is not empty ({len(tables)} tables). Restore into an empty database, "
                "or give --replace to overwrite everything in it."
            )
        _restore_database(unpacked / DATABASE_FILES[manifest.vendor], vendor=manifest.vendor)
        media_root = Path(settings.MEDIA_ROOT)
        for name in manifest.files:
            if name.startswith("media/"):
                target = media_root / name.removeprefix("media/")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(unpacked / name, target)
    return manifest

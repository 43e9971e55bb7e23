"""Real processes a test starts and watches: the task worker, a database administrator connection."""

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_url(application_name: str) -> str:
    """The test database's URL, with a name that tells this process's connections apart in PostgreSQL."""
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return (
        f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"
        f"?application_name={application_name}"
    )


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 30) -> Any:
    """Poll until ``condition`` returns something true; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Process:
    """A subprocess whose combined output is collected line by line while it runs."""

    def __init__(self, arguments: list[str], env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self.popen = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            arguments,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.append(line)

    def said(self, text: str) -> int:
        return sum(text in line for line in self.lines)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def start_worker(
    *, application_name: str, mail_dir: Path, settings: str = "tests.worker_settings"
) -> Process:
    """``manage.py db_worker`` on the test database, sending mails as files into ``mail_dir``."""
    return Process(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload"],
        {
            "DJANGO_SETTINGS_MODULE": settings,
            "DATABASE_URL": database_url(application_name),
            "EMAIL_FILE_PATH": str(mail_dir),
            "PYTHONUNBUFFERED": "1",
        },
    )


def sent_subjects(mail_dir: Path) -> list[str]:
    """The subject of every mail the file backend wrote, once per mail."""
    return [
        line.removeprefix("Subject: ").strip()
        for path in sorted(mail_dir.glob("*.log"))
        for line in path.read_text().splitlines()
        if line.startswith("Subject: ")
    ]


@contextmanager
def postgres_admin() -> Iterator[psycopg.Connection[Any]]:
    """An autocommit connection to the server's ``postgres`` database, beside the test's own."""
    settings = connection.settings_dict
    admin = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    try:
        yield admin
    finally:
        admin.close()


def terminate_backends(admin: psycopg.Connection[Any], application_name: str) -> int:
    """Cut every connection of the processes started with ``application_name``; how many were cut."""
    rows = admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
        [application_name],
    ).fetchall()
    return len(rows)


@contextmanager
def refusing_connections(admin: psycopg.Connection[Any], database: str) -> Iterator[None]:
    """New connections to ``database`` are refused while the block runs, as while PostgreSQL restarts."""
    admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
    try:
        yield
    finally:
        admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')

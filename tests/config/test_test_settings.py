"""The test settings keep everything on this machine: no real mail, cache, tile server or mailbox.

tests/conftest.py also makes any socket connection to another host fail; the last tests prove that
guard is armed, and that the pages and mails of a whole signup work behind it.
"""

import socket

import pytest
from django.conf import settings
from django.core import mail

from ..conftest import OutsideNetworkError


def test_mail_stays_in_memory():
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"


def test_cache_is_local_memory():
    assert {cache["BACKEND"] for cache in settings.CACHES.values()} == {
        "django.core.cache.backends.locmem.LocMemCache"
    }


def test_tasks_run_in_process():
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks.backends.immediate.ImmediateBackend"


def test_no_tile_server_and_no_mailbox():
    assert settings.MAP_TILE_URL == ""
    assert settings.IDEA_MAIL_IMAP_URL == ""


def test_connections_to_other_hosts_fail():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(OutsideNetworkError):
        sock.connect(("192.0.2.1", 25))  # TEST-NET-1: never routed


def test_connections_to_this_machine_are_allowed():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            pass


def test_pages_and_mails_work_without_the_network(
    client, region, municipality, django_capture_on_commit_callbacks
):
    for url in ("/", "/netzwerk/", "/kommunen/andernach/", "/barrierefreiheit/", "/konto/signup/"):
        assert client.get(url).status_code == 200, url
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/konto/signup/",
            {
                "email": "neu@example.org",
                "password1": "Neue-Passphrase-2026",
                "password2": "Neue-Passphrase-2026",
            },
        )
    assert [message.to for message in mail.outbox] == [["neu@example.org"]]

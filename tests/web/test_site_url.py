"""SITE_URL is the one source of the public address: every absolute link in mails (the site's and the
login library's), the DCAT catalogue and the open-data files starts with it, whatever host the request
reached the app by (behind a proxy, on another port)."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from ..events.factories import EventFactory
from ..factories import UserFactory
from ..participation.factories import IdeaFactory, ProcessFactory

SITE = "https://beteiligung.example.org"
INTERNAL = "backend.internal:8000"
pytestmark = pytest.mark.usefixtures("_public_address")


@pytest.fixture
def _public_address():
    with override_settings(SITE_URL=SITE, ALLOWED_HOSTS=["backend.internal", "testserver"]):
        yield


def _links(body: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", body)


def test_account_mails_link_to_site_url_not_to_the_requests_host(
    client, db, django_capture_on_commit_callbacks
):
    UserFactory(email="clara@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/password/reset/", {"email": "clara@example.org"}, HTTP_HOST=INTERNAL)
        client.post(
            "/konto/signup/",
            {
                "email": "neu@example.org",
                "password1": "Neue-Passphrase-2026",
                "password2": "Neue-Passphrase-2026",
            },
            HTTP_HOST=INTERNAL,
        )

    links = [link for message in mail.outbox for link in _links(message.body)]
    assert any("/konto/password/reset/key/" in link for link in links)
    assert any("/konto/confirm-email/" in link for link in links)
    for link in links:
        assert "backend.internal" not in link
        if "/konto/" in link:
            assert link.startswith(SITE + "/"), link


def test_guest_mail_links_start_with_site_url(client, municipality, django_capture_on_commit_callbacks):
    event = EventFactory(municipality=municipality)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("events:register", args=[event.slug]),
            {"name": "Gast Gustav", "email": "gast@example.org"},
            HTTP_HOST=INTERNAL,
        )

    links = _links(mail.outbox[-1].body)
    assert any(
        link.startswith(f"{SITE}/veranstaltungen/anmeldung/") and "/bestaetigen/" in link for link in links
    )
    assert all(link.startswith(SITE) for link in links if "/veranstaltungen/" in link)


def test_catalogue_and_open_data_files_link_to_site_url(client, municipality):
    process = ProcessFactory(slug="radverkehr", phase="active")
    idea = IdeaFactory(process=process)

    catalogue = client.get(reverse("opendata:catalog"), HTTP_HOST=INTERNAL).content.decode()
    csv_file = b"".join(
        client.get(reverse("opendata:download", kwargs={"slug": "ideen", "fmt": "csv"}), HTTP_HOST=INTERNAL)
    ).decode()

    assert f"{SITE}/offene-daten/ideen.csv" in catalogue
    assert "backend.internal" not in catalogue
    assert f"{SITE}{idea.get_absolute_url()}" in csv_file

"""Answers every page shares: a German 413 page before a too-large body is read, Retry-After on a 429,
Permissions-Policy; and uploaded files under /media/ with safe headers in the embedded mode, attachments of
minutes only for those who may see the minutes."""

import io

import pytest
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from smartregion.accounts.models import Role
from smartregion.events.models import MinutesAttachment

from ..events.factories import EventFactory
from ..factories import RoleGrantFactory, UserFactory
from ..html import text


def test_a_too_large_form_is_refused_with_a_german_413_page(client, db):
    response = client.post(
        reverse("web:accessibility"),
        data="message=" + "x" * (3 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
    assert "Datei oder Formular zu groß" in text(response.content.decode())


@override_settings(REQUEST_BODY_MAX_BYTES=1024)
def test_a_too_large_upload_is_refused_by_its_length_before_it_is_read(client, db):
    upload = io.BytesIO(b"\x89PNG" + b"0" * 4096)
    upload.name = "gross.png"

    response = client.post(reverse("web:accessibility"), {"message": "Hallo", "datei": upload})

    assert response.status_code == 413
    assert "1,0 KB" in text(response.content.decode())


def test_a_429_page_says_when_to_try_again(client, db):
    url = reverse("web:accessibility")
    answers = [client.post(url, {"message": "Zu wenig Kontrast.", "page_url": "/"}) for _ in range(6)]

    assert answers[-1].status_code == 429
    assert int(answers[-1]["Retry-After"]) > 0


def test_pages_deny_camera_microphone_position_and_payment(client, db):
    policy = client.get("/").headers["Permissions-Policy"]

    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


# --- Uploaded files ---------------------------------------------------------------------------------


@pytest.fixture
def media_root(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_uploaded_image_is_served_with_its_checked_type(client, media_root):
    (media_root / "ideas" / "2026" / "05").mkdir(parents=True)
    (media_root / "ideas" / "2026" / "05" / "image.png").write_bytes(_png())

    response = client.get("/media/ideas/2026/05/image.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == _png()


@pytest.fixture
def minutes_attachment(media_root):
    """A PDF attached to the minutes of a past event, published."""
    folder = media_root / "events" / "minutes" / "2026" / "05"
    folder.mkdir(parents=True)
    (folder / "forum-abc.pdf").write_bytes(b"%PDF-1.4\n")
    event = EventFactory(state="past")
    event.minutes_published_at = event.ends_at
    event.save()
    return MinutesAttachment.objects.create(
        event=event,
        title="Folien",
        file="events/minutes/2026/05/forum-abc.pdf",
        content_type="application/pdf",
        size=9,
    )


def test_attachments_of_published_minutes_are_downloads(client, minutes_attachment):
    response = client.get("/media/events/minutes/2026/05/forum-abc.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_attachments_of_draft_minutes_are_only_for_the_organizers(client, minutes_attachment):
    event = minutes_attachment.event
    event.minutes_published_at = None
    event.save()
    url = "/media/events/minutes/2026/05/forum-abc.pdf"

    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    office = UserFactory()
    RoleGrantFactory(user=office, role=Role.PROGRAM_OFFICE)
    client.force_login(office)
    response = client.get(url)
    assert response.status_code == 200
    # Never kept by a shared cache: it is not public yet.
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_file_in_the_minutes_folder_without_its_attachment_is_not_served(client, media_root):
    folder = media_root / "events" / "minutes" / "2026" / "05"
    folder.mkdir(parents=True)
    (folder / "left-behind.pdf").write_bytes(b"%PDF-1.4\n")

    assert client.get("/media/events/minutes/2026/05/left-behind.pdf").status_code == 404


@pytest.mark.parametrize("name", ["seite.html", "bild.svg", "notiz.txt", "ohne-endung"])
def test_files_of_other_types_are_never_served(client, media_root, name):
    (media_root / name).write_bytes(b"<script>alert(1)</script>")

    assert client.get(f"/media/{name}").status_code == 404


@pytest.mark.parametrize("path", ["../secret.png", "ideas/../../secret.png", "%2e%2e/secret.png"])
def test_nothing_outside_the_media_folder_is_served(client, media_root, path):
    (media_root.parent / "secret.png").write_bytes(_png())

    assert client.get(f"/media/{path}").status_code == 404


def test_a_missing_file_is_404(client, media_root):
    assert client.get("/media/ideas/2026/05/fehlt.png").status_code == 404

"""Attachments of minutes are checked by their whole content, not by their first bytes: an image must
decode within the pixel limit, a PDF must not run anything; the name on disk cannot be guessed."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from smartregion.events import services
from smartregion.events.models import MinutesAttachment

from .factories import EventFactory


@pytest.fixture
def office(make_person, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_person("program_office")


@pytest.fixture
def event(municipality):
    return EventFactory(municipality=municipality, state="past")


def _add(office, event, name, content):
    return services.attachment_add(
        actor=office, event=event, title="Anlage", upload=SimpleUploadedFile(name, content)
    )


def _image(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, format=image_format)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _huge_png() -> bytes:
    """A PNG whose header claims 30,000 by 30,000 pixels (900 megapixels): a decompression bomb."""
    header = struct.pack(">IIBBBBB", 30_000, 30_000, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b""))
        + _chunk(b"IEND", b"")
    )


PDF_SCRIPT = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n"
)
PDF_ESCAPED = b"%PDF-1.4\n1 0 obj\n<< /Type /Action /S /J#61vaScript /J#53 (app.alert(1)) >>\nendobj\n"
PDF_LAUNCH = b"%PDF-1.4\n1 0 obj\n<< /Type /Action /S /Launch /F (cmd.exe) >>\nendobj\n"
PDF_HIDDEN = (
    b"%PDF-1.5\n1 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\n"
    + zlib.compress(b"<< /Type /Catalog /OpenAction 2 0 R >>")
    + b"\nendstream\nendobj\n"
)
PDF_PLAIN = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("foto.png", _image("PNG")),
        ("foto.jpg", _image("JPEG")),
        ("protokoll.pdf", PDF_PLAIN),
    ],
    ids=["png", "jpeg", "pdf"],
)
def test_whole_files_of_the_allowed_types_are_kept(office, event, name, content):
    attachment = _add(office, event, name, content)

    assert attachment.file.read() == content
    # Public only with the minutes, and /media/ does not ask: the name on disk cannot be guessed.
    assert len(attachment.file.name.rsplit("/", 1)[-1]) > len(f"{event.slug}.pdf") + 10


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("foto.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "passt nicht zu ihrem Typ"),
        ("foto.jpg", b"\xff\xd8\xff<html><script>alert(1)</script></html>", "passt nicht zu ihrem Typ"),
        ("bombe.png", _huge_png(), "zu viele Pixel"),
        ("skript.pdf", PDF_SCRIPT, "Skripte oder automatische Aktionen"),
        ("maskiert.pdf", PDF_ESCAPED, "Skripte oder automatische Aktionen"),
        ("start.pdf", PDF_LAUNCH, "Skripte oder automatische Aktionen"),
        ("versteckt.pdf", PDF_HIDDEN, "Skripte oder automatische Aktionen"),
    ],
    ids=[
        "png_then_html",
        "jpeg_then_html",
        "900_megapixels",
        "javascript",
        "escaped_names",
        "launch",
        "compressed",
    ],
)
def test_files_that_only_start_right_are_refused_with_a_german_message(office, event, name, content, message):
    with pytest.raises(ValidationError) as refusal:
        _add(office, event, name, content)

    assert message in " ".join(refusal.value.message_dict["file"])
    assert not MinutesAttachment.objects.exists()

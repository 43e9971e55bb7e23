"""A process's image from the admin is checked and re-encoded like an idea's, so /media/ can serve it
with the type it was checked as; another format or a file that is no image is refused."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from PIL import Image

from smartregion.participation.admin import ProcessAdminForm
from smartregion.participation.models import Process

# The admin makes its form from ProcessAdminForm like this (with all the fields it offers).
ImageForm = modelform_factory(Process, form=ProcessAdminForm, fields=["image"])


def _image(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "image_format", "suffix"), [("bild.png", "PNG", ".png"), ("foto.jpeg", "JPEG", ".jpg")]
)
def test_a_process_image_is_re_encoded_as_a_type_media_serves(db, name, image_format, suffix):
    form = ImageForm(files={"image": SimpleUploadedFile(name, _image(image_format))})
    form.is_valid()

    image = form.cleaned_data["image"]
    assert image.name.endswith(suffix)
    assert Image.open(io.BytesIO(image.read())).size == (20, 10)


@pytest.mark.parametrize(
    ("name", "content"),
    [("seite.png", b"\x89PNG<html></html>"), ("bild.gif", _image("GIF"))],
    ids=["html", "gif"],
)
def test_a_process_image_of_another_kind_is_refused(db, name, content):
    form = ImageForm(files={"image": SimpleUploadedFile(name, content)})

    assert not form.is_valid()
    assert "image" in form.errors

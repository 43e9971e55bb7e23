"""Shared kernel helpers: German slugs and stems, safe Markdown, cleaned image uploads."""

from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from smartregion.core import images
from smartregion.core.markdown import render_markdown
from smartregion.core.text import german_stems, search_document, slugify_de

# --- Text ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Weißenthurm", "weissenthurm"),
        ("Rhein-Mosel", "rhein-mosel"),
        ("Mühlheim-Kärlich", "muehlheim-kaerlich"),
    ],
)
def test_slugs_spell_umlauts_out(name, slug):
    assert slugify_de(name) == slug


def test_slug_is_cut_without_a_trailing_hyphen():
    assert slugify_de("Verbandsgemeinde Vordereifel", max_length=17) == "verbandsgemeinde"


def test_word_forms_share_a_stem():
    assert german_stems("Radwege")[0] == german_stems("Radweg")[0]


def test_search_document_holds_each_stem_once_between_spaces():
    document = search_document("Radweg", "Radwege am Rhein")
    assert document.startswith(" ")
    assert document.endswith(" ")
    assert document.split().count(german_stems("Radweg")[0]) == 1


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def _elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


# --- Markdown --------------------------------------------------------------------------------------


def test_markdown_keeps_basic_formatting():
    html = render_markdown("**fett** und *kursiv*\n\n- eins\n- zwei")
    assert "<strong>fett</strong>" in html
    assert "<em>kursiv</em>" in html
    assert "<li>eins</li>" in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[klick](javascript:alert(1))",
        "![Bild](https://tracker.example/pixel.gif)",
        '<a href="https://example.org" onclick="alert(1)">x</a>',
    ],
    ids=["script", "img_onerror", "javascript_link", "remote_image", "event_handler"],
)
def test_markdown_drops_anything_that_could_run_or_track(source):
    # Escaped text ("&lt;script&gt;") is harmless; what counts are the elements and attributes.
    elements = _elements(render_markdown(source))
    assert not [tag for tag, _attrs in elements if tag in ("script", "img", "iframe", "style")]
    assert not [name for _tag, attrs in elements for name, _value in attrs if name.startswith("on")]
    assert not [value for _tag, attrs in elements for name, value in attrs if "javascript:" in (value or "")]


def test_markdown_links_are_marked_as_user_content():
    html = render_markdown("[Kreis](https://www.kvmyk.de)")
    assert 'href="https://www.kvmyk.de"' in html
    assert 'rel="nofollow noopener ugc"' in html


def test_markdown_headings_cannot_break_the_page_outline():
    html = render_markdown("# Titel\n\n## Untertitel")
    assert "<h1>" not in html
    assert "<h2>" not in html
    assert html.count("<h3>") == 2


# --- Images ----------------------------------------------------------------------------------------


def _upload(
    image_format: str = "JPEG", size: tuple[int, int] = (64, 48), **save_options
) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=image_format, **save_options)
    return SimpleUploadedFile("foto.bin", buffer.getvalue())


def test_image_is_re_encoded_without_metadata():
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    exif[0x8825] = {2: (50.0, 26.0, 0.0)}  # GPS latitude

    upload = _upload(exif=exif.tobytes())
    with Image.open(upload) as original:
        assert original.getexif()[0x010F] == "Kamerahersteller"  # the test image does carry metadata
    upload.seek(0)

    cleaned = images.image_clean(upload)

    with Image.open(cleaned) as result:
        assert result.format == "JPEG"
        assert dict(result.getexif()) == {}
    assert cleaned.name == "image.jpg"


@pytest.mark.parametrize(("image_format", "suffix"), [("PNG", "png"), ("WEBP", "webp")])
def test_png_and_webp_are_accepted(image_format, suffix):
    assert images.image_clean(_upload(image_format)).name == f"image.{suffix}"


def test_large_image_is_scaled_down():
    cleaned = images.image_clean(_upload(size=(4800, 100)))
    with Image.open(cleaned) as result:
        assert max(result.size) == images.MAX_EDGE


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("foto.jpg", b"%PDF-1.4 not an image"),
        SimpleUploadedFile("foto.jpg", b""),
    ],
    ids=["pdf_named_jpg", "empty"],
)
def test_non_images_are_refused(upload):
    with pytest.raises(ValidationError) as raised:
        images.image_clean(upload)
    assert raised.value.code == "invalid"


def test_gif_is_refused_although_it_is_an_image():
    with pytest.raises(ValidationError) as raised:
        images.image_clean(_upload("GIF"))
    assert raised.value.code == "invalid"


def test_files_over_5_mb_are_refused(monkeypatch):
    monkeypatch.setattr(images, "MAX_IMAGE_BYTES", 100)
    with pytest.raises(ValidationError) as raised:
        images.image_clean(_upload())
    assert raised.value.code == "too_large"

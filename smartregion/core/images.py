"""Uploaded images: checked by content (not by file name), re-encoded so that no metadata survives."""

from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MAX_EDGE = 2400
_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# The suffixes image_clean gives its files, and their media types (what /media/ answers with).
IMAGE_MEDIA_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


def image_clean(upload: UploadedFile) -> ContentFile:
    """Validate an upload as JPEG, PNG or WebP of at most 5 MB; return it re-encoded without EXIF/GPS."""
    if upload.size is not None and upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is larger than 5 MB. Please choose a smaller one."), code="too_large"
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format or ""
            width, height = probe.size
            probe.verify()
        if image_format not in _FORMATS:
            raise UnidentifiedImageError(image_format)
        if width * height > MAX_IMAGE_PIXELS:
            raise ValidationError(_("The image has too many pixels."), code="too_many_pixels")
        upload.seek(0)
        with Image.open(upload) as image:
            # Apply the camera's rotation before the EXIF block (with it any GPS position) is dropped.
            cleaned = ImageOps.exif_transpose(image)
            cleaned.thumbnail((MAX_EDGE, MAX_EDGE))
            if image_format == "JPEG" and cleaned.mode not in ("RGB", "L"):
                cleaned = cleaned.convert("RGB")
            buffer = BytesIO()
            cleaned.save(buffer, format=image_format, quality=85)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("This file is not an image we can use. Please upload a JPEG, PNG or WebP file."), code="invalid"
        ) from error
    return ContentFile(buffer.getvalue(), name=f"image.{_FORMATS[image_format]}")


def image_check(upload: UploadedFile, image_format: str) -> None:
    """Accept only a whole image of ``image_format`` within MAX_IMAGE_PIXELS, decoded to its last pixel.

    For files kept as they are (attachments of minutes): a valid header followed by something else, or a
    decompression bomb, does not pass.
    """
    too_many_pixels = ValidationError(_("The image has too many pixels."), code="too_many_pixels")
    try:
        upload.seek(0)
        with Image.open(upload, formats=[image_format]) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise too_many_pixels
            image.load()
    except Image.DecompressionBombError as error:
        raise too_many_pixels from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("The file's content does not match its type. Please check the file."), code="invalid"
        ) from error
    finally:
        upload.seek(0)

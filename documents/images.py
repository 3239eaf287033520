"""Checking an uploaded logo: PNG or JPEG only (an SVG can carry scripts and remote
references, so it is refused), at most `max_logo_bytes()`, and really an image: read with
Pillow when it is installed, otherwise recognised by its first bytes."""

from django.conf import settings
from django.core.exceptions import ValidationError

MAX_LOGO_BYTES = 1024 * 1024          # settings.CERTIFICATE_LOGO_MAX_BYTES overrides it
MAX_PIXELS = 4000 * 4000              # a logo larger than this is a mistake (or a bomb)
SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
PILLOW_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
NOT_AN_IMAGE = "This file is not a PNG or JPEG image. Upload the logo as a PNG or JPEG file."
SVG = "SVG logos are not accepted (they can carry scripts). Upload a PNG or JPEG file."


def max_logo_bytes():
    return int(getattr(settings, "CERTIFICATE_LOGO_MAX_BYTES", MAX_LOGO_BYTES))


def _sniff(head):
    return next((mimetype for magic, mimetype in SIGNATURES.items() if head.startswith(magic)),
                None)


def _looks_like_svg(name, head):
    lowered = head.lstrip().lower()
    return name.lower().endswith((".svg", ".svgz")) or lowered.startswith((b"<?xml", b"<svg")) \
        or b"<svg" in lowered


def _pillow_type(upload):
    """The type Pillow reads, None if Pillow is not installed; ValidationError if unreadable."""
    try:
        from PIL import Image
    except ImportError:   # pragma: no cover - Pillow is a dependency; the magic bytes suffice
        return None
    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(f"The image is {image.width}×{image.height} pixels; a "
                                      f"logo may have at most {MAX_PIXELS:,} pixels.")
            image.verify()
            return PILLOW_FORMATS.get(image.format)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoding error means "not an image"
        raise ValidationError(NOT_AN_IMAGE) from exc
    finally:
        upload.seek(0)


def check_logo(upload):
    """The upload's MIME type ("image/png" or "image/jpeg"), or ValidationError saying why
    it is refused."""
    if upload is None:
        raise ValidationError("Choose an image file.")
    limit = max_logo_bytes()
    if upload.size > limit:
        raise ValidationError(f"The file is {upload.size / 1024:,.0f} KB; a logo may be at most "
                              f"{limit / 1024:,.0f} KB.")
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if _looks_like_svg(upload.name or "", head):
        raise ValidationError(SVG)
    sniffed = _sniff(head)
    if sniffed is None:
        raise ValidationError(NOT_AN_IMAGE)
    read = _pillow_type(upload)
    if read is not None and read != sniffed:
        raise ValidationError(NOT_AN_IMAGE)
    return sniffed

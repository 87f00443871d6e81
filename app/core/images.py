"""Every uploaded image goes through `clean_image` before it is written anywhere: evidence photos,
reward pictures, any future upload.

An upload is never stored as sent. It is decoded and encoded again by Pillow, so:
- nothing but pixels survives: EXIF (GPS position, camera serial, time), XMP, comments and colour profiles
  are dropped, after the EXIF orientation has been applied to the pixels (or the photo would lie sideways);
- a file that only starts like an image (a signature, then anything: HTML, a script, a zip) is refused,
  and bytes appended after a real image are gone;
- the pixel count is capped before decoding, so a small file that claims to be huge (a decompression
  bomb) is refused without the memory it would take, and large photos are scaled down to a sensible edge.

Type is decided by the file's first bytes and Pillow may only use that one decoder: never by the name
or the browser's word. SVG is not an image here (it can carry script)."""

import io
import warnings
from dataclasses import dataclass

from flask_babel import gettext as _
from PIL import Image, ImageOps

from app.core.errors import ServiceError

MAX_PIXELS = 40_000_000  # a 40-megapixel phone photo; more is a scan, a panorama stitch or an attack
MAX_EDGE = 2048  # plenty to judge a shelf or a window display; keeps files and pages light
JPEG_QUALITY = 85

# Pillow format -> (extension, MIME type).
TYPES = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    extension: str
    mime: str
    width: int
    height: int


def sniff(data: bytes) -> str | None:
    """The Pillow format the file's signature announces (JPEG, PNG, WEBP), or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _too_many_pixels(field: str | None) -> ServiceError:
    return ServiceError(_("That image has too many pixels: at most %(limit)d megapixels. Resize it and try "
                          "again.", limit=MAX_PIXELS // 1_000_000), field=field)


def _damaged(field: str | None) -> ServiceError:
    return ServiceError(_("That image can't be opened: the file is damaged or isn't really an image. Save it "
                          "again and upload the new file."), field=field)


def _open(data: bytes, kind: str, field: str | None) -> Image.Image:
    """The decoded first frame, at most MAX_PIXELS, JPEGs decoded at a reduced scale when that suffices."""
    try:
        # Pillow warns above ~89 Mpx and raises above twice that; both are refusals here. (The filter is
        # process-wide: should another thread's catch_warnings swap it, the cap below still refuses.)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[kind])
            if image.width * image.height > MAX_PIXELS:
                raise _too_many_pixels(field)
            if kind == "JPEG":
                image.draft(image.mode, (MAX_EDGE, MAX_EDGE))  # DCT scaling: a fraction of the memory
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(field) from error
    except ServiceError:
        raise
    except Exception as error:  # noqa: BLE001 (hostile bytes make decoders fail in many ways; each is a refusal)
        raise _damaged(field) from error
    return image


def _pixels_only(image: Image.Image, kind: str) -> Image.Image:
    """The image in a mode `kind` can store, carrying nothing but its pixels (and PNG transparency)."""
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif kind == "WEBP" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    elif kind == "PNG" and image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        image = image.convert("RGBA")
    keep = {"transparency": image.info["transparency"]} if kind == "PNG" and "transparency" in image.info \
        else {}
    image.info = keep
    return image


def clean_image(data: bytes, *, field: str | None = None, wrong_type: str | None = None) -> CleanImage:
    """`data` decoded, turned upright, scaled down to MAX_EDGE and encoded again without metadata, or a
    ServiceError (on `field`) saying what is wrong. `wrong_type` is the caller's message for a file that
    isn't a JPEG, PNG or WebP at all."""
    kind = sniff(data or b"")
    if kind is None:
        raise ServiceError(wrong_type or _("That file isn't a JPEG, PNG or WebP image."), field=field)
    image = _open(data, kind, field)
    try:
        image = ImageOps.exif_transpose(image)  # before the EXIF goes: its orientation is part of the picture
        if max(image.size) > MAX_EDGE:
            if image.mode in ("1", "P"):  # palette pixels can't be averaged: scale in full colour
                image = image.convert("RGBA" if image.has_transparency_data else "RGB")
            image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
        image = _pixels_only(image, kind)
        output = io.BytesIO()
        if kind == "JPEG":
            image.save(output, "JPEG", quality=JPEG_QUALITY)
        elif kind == "WEBP":
            image.save(output, "WEBP", quality=JPEG_QUALITY)
        else:
            image.save(output, "PNG")
    except Exception as error:  # noqa: BLE001 (a malformed EXIF block or palette: still the upload's fault)
        raise _damaged(field) from error
    extension, mime = TYPES[kind]
    return CleanImage(output.getvalue(), extension, mime, image.width, image.height)

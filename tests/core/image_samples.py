"""Images made by the tests for the upload checks (app/core/images.py): a phone photo carrying its GPS
position, files that only start like images, and small files that claim enormous dimensions."""

import io
import struct
import zlib

from PIL import ExifTags, Image

# Where the photo was taken (the Duomo, Milan): what must never be stored or served again.
GPS = {1: "N", 2: (45.0, 27.0, 51.0), 3: "E", 4: (9.0, 11.0, 29.0)}
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret-xmp</x:xmpmeta>'


def photo(kind: str = "JPEG", size: tuple[int, int] = (40, 20), *, orientation: int | None = None,
          gps: bool = True, mode: str = "RGB") -> bytes:
    """An image as a phone saves it: EXIF with GPS (and XMP where the format has it)."""
    exif = Image.Exif()
    if gps:
        exif[ExifTags.IFD.GPSInfo] = GPS
        exif[ExifTags.Base.Make] = "PhoneMaker"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    extra = {"xmp": XMP} if kind in ("JPEG", "WEBP") else {}
    output = io.BytesIO()
    Image.new(mode, size, (200, 40, 40) if mode == "RGB" else (200, 40, 40, 255)).save(
        output, kind, exif=exif, **extra)
    return output.getvalue()


def carries_metadata(data: bytes) -> bool:
    """EXIF of any kind (GPS, camera), or the XMP packet."""
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        found = bool(exif.get_ifd(ExifTags.IFD.GPSInfo)) or bool(exif)
    return found or b"PhoneMaker" in data or b"secret-xmp" in data


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def _chunk(tag: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)


def huge_png(width: int, height: int) -> bytes:
    """A few hundred bytes whose header claims width × height pixels (a decompression bomb)."""
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(b"\x00" * 4096)) + _chunk(b"IEND", b""))


JPEG_SIGNATURE_THEN_GARBAGE = b"\xff\xd8\xff\xe0" + b"<html><script>alert(document.cookie)</script></html>" * 20

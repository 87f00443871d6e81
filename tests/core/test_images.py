"""Item 9, evidence photos stored as uploaded: the one function every image upload goes through
decodes and re-encodes with Pillow, strips metadata after applying the orientation, caps and scales
the pixels, and refuses what doesn't decode, with a clear message instead of a 500."""

import io

import pytest
from PIL import Image

from app.core.errors import ServiceError
from app.core.images import MAX_EDGE, clean_image, sniff
from tests.core.image_samples import JPEG_SIGNATURE_THEN_GARBAGE, carries_metadata, huge_png, photo, size_of


@pytest.mark.parametrize(("kind", "mime"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_photo_metadata_gps_exif_and_xmp_are_stripped_in_every_format(app, kind, mime):
    upload = photo(kind)
    assert carries_metadata(upload)
    clean = clean_image(upload)
    assert not carries_metadata(clean.data)
    assert b"PhoneMaker" not in clean.data and b"secret-xmp" not in clean.data
    assert (clean.mime, size_of(clean.data)) == (mime, (40, 20))


def test_photo_metadata_exif_orientation_is_applied_before_it_is_stripped(app):
    clean = clean_image(photo("JPEG", (40, 20), orientation=6))  # "rotate 90°": a portrait photo
    assert (clean.width, clean.height) == (20, 40) == size_of(clean.data)
    assert not carries_metadata(clean.data)


def test_photo_metadata_bytes_appended_after_a_real_image_are_not_kept(app):
    clean = clean_image(photo("PNG") + b"PK\x03\x04 a zip riding along")
    assert b"PK\x03\x04" not in clean.data


@pytest.mark.parametrize("data", [
    JPEG_SIGNATURE_THEN_GARBAGE,
    b"\x89PNG\r\n\x1a\n" + b"not a png at all" * 10,
    b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64,
    photo("JPEG")[:200],  # cut short
])
def test_photo_that_does_not_decode_is_refused(app, data):
    with pytest.raises(ServiceError) as error:
        clean_image(data, field="photo")
    assert error.value.field == "photo"
    assert "can't be opened" in error.value.message


def test_photo_of_another_type_gets_the_callers_message(app):
    with pytest.raises(ServiceError) as error:
        clean_image(b"GIF89a" + b"\x00" * 64, wrong_type="Only photos here.")
    assert error.value.message == "Only photos here."


@pytest.mark.parametrize(("width", "height"), [
    (8000, 6000),      # 48 Mpx: over our cap, under Pillow's own limits
    (10000, 10000),    # 100 Mpx: Pillow warns (a DecompressionBombWarning, an error under pytest)
    (65535, 65535),    # 4.3 Gpx: Pillow raises DecompressionBombError
])
def test_photo_with_huge_dimensions_is_refused_before_decoding(app, width, height):
    with pytest.raises(ServiceError) as error:
        clean_image(huge_png(width, height), field="photo")
    assert "too many pixels: at most 40 megapixels" in error.value.message


def test_photo_over_the_max_edge_is_scaled_down_keeping_its_shape(app):
    output = io.BytesIO()
    Image.new("RGB", (3000, 1500), (10, 200, 10)).save(output, "JPEG")
    clean = clean_image(output.getvalue())
    assert (clean.width, clean.height) == (MAX_EDGE, MAX_EDGE // 2) == size_of(clean.data)


def test_photo_with_a_palette_and_transparency_stays_a_png(app):
    output = io.BytesIO()
    Image.new("P", (10, 10), 3).save(output, "PNG", transparency=3)
    clean = clean_image(output.getvalue())
    with Image.open(io.BytesIO(clean.data)) as image:
        assert image.format == "PNG" and "transparency" in image.info


def test_the_signature_decides_the_type():
    assert sniff(b"\xff\xd8\xff\xe0rest") == "JPEG"
    assert sniff(b"RIFF\x10\x00\x00\x00WEBPVP8 ") == "WEBP"
    assert sniff(b"RIFF\x10\x00\x00\x00AVI ") is None
    assert sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None

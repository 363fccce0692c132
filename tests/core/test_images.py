"""Uploaded photos (products, shops): the real type, bombs and heavy files refused, EXIF gone."""

import io

import pytest
from PIL import Image

from comptoir.core import images as photos
from comptoir.core.images import (
    MAX_EDGE,
    THUMB_EDGE,
    PhotoDamaged,
    PhotoFormatUnsupported,
    PhotoRefused,
    PhotoTooHeavy,
    PhotoTooLarge,
    prepare_photo,
)

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def drawn(
    fmt: str = "JPEG", size=(400, 200), mode="RGB", exif: Image.Exif | None = None
) -> io.BytesIO:
    """A picture drawn here: left half red, right half blue (so a rotation shows)."""
    image = Image.new(mode, size, "blue")
    image.paste(Image.new(mode, (size[0] // 2, size[1]), "red"), (0, 0))
    out = io.BytesIO()
    if exif is not None:
        image.save(out, format=fmt, exif=exif)
    else:
        image.save(out, format=fmt)
    out.seek(0)
    out.name = f"photo.{fmt.lower()}"
    return out


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (49.0, 26.0, 35.0), 3: "E", 4: (1.0, 5.0, 59.0)})
    return exif


def opened(content) -> Image.Image:
    content.seek(0)
    image = Image.open(io.BytesIO(content.read()))
    image.load()
    return image


def test_it_removes_every_exif_tag_including_the_gps_position():
    upload = drawn(exif=gps_exif())
    assert Image.open(upload).getexif().get_ifd(GPS_IFD)  # the control: GPS is there
    upload.seek(0)

    prepared = prepare_photo(upload)

    for content in (prepared.image, prepared.thumbnail):
        image = opened(content)
        assert image.format == "WEBP"
        assert dict(image.getexif()) == {}
        assert image.getexif().get_ifd(GPS_IFD) == {}
        assert "exif" not in image.info
        assert "xmp" not in image.info


def test_it_turns_the_picture_upright_as_its_orientation_tag_says():
    # Orientation 6: stored sideways, to be turned 90° clockwise to display.
    prepared = prepare_photo(drawn(size=(400, 200), exif=gps_exif(orientation=6)))

    image = opened(prepared.image).convert("RGB")
    assert image.size == (200, 400)
    top, bottom = image.getpixel((100, 20)), image.getpixel((100, 380))
    assert top[0] > 200
    assert top[2] < 60
    assert bottom[2] > 200
    assert bottom[0] < 60


def test_it_shrinks_a_large_photo_and_makes_a_thumbnail():
    prepared = prepare_photo(drawn(size=(4000, 3000)))

    assert opened(prepared.image).size == (MAX_EDGE, 1200)
    assert opened(prepared.thumbnail).size == (THUMB_EDGE, 360)
    assert (prepared.width, prepared.height) == (MAX_EDGE, 1200)


def test_it_keeps_a_small_photo_at_its_size():
    prepared = prepare_photo(drawn(size=(300, 200)))

    assert opened(prepared.image).size == (300, 200)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_it_accepts_png_and_webp(fmt):
    prepared = prepare_photo(drawn(fmt=fmt))

    assert opened(prepared.image).format == "WEBP"


def test_it_keeps_transparency_of_a_png():
    image = Image.new("RGBA", (100, 100), (255, 0, 0, 0))
    upload = io.BytesIO()
    image.save(upload, format="PNG")
    upload.seek(0)

    prepared = prepare_photo(upload)

    assert opened(prepared.image).mode == "RGBA"


def test_it_refuses_a_pdf_named_like_a_jpeg():
    upload = io.BytesIO(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n")
    upload.name = "photo.jpg"

    with pytest.raises(PhotoRefused) as refused:
        prepare_photo(upload)

    assert refused.value.code == "photo_refused"
    assert "JPEG, PNG" in str(refused.value)


def test_it_refuses_a_text_file_named_like_a_jpeg():
    upload = io.BytesIO(b"Ceci n'est pas une photo.\n" * 20)

    with pytest.raises(PhotoRefused) as refused:
        prepare_photo(upload)

    assert type(refused.value) is PhotoRefused


def test_it_refuses_a_gif_although_it_is_an_image():
    with pytest.raises(PhotoRefused):
        prepare_photo(drawn(fmt="GIF", mode="P"))


def test_it_names_heic_photos_in_its_refusal():
    upload = io.BytesIO(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64)

    with pytest.raises(PhotoFormatUnsupported) as refused:
        prepare_photo(upload)

    assert "HEIC" in str(refused.value)


def test_it_refuses_a_file_over_the_size_limit_before_reading_it(monkeypatch):
    monkeypatch.setattr(photos, "MAX_UPLOAD_BYTES", 1000)
    upload = drawn(size=(800, 800))

    with pytest.raises(PhotoTooHeavy) as refused:
        prepare_photo(upload)

    assert refused.value.code == "photo_too_heavy"


def test_it_says_the_limit_is_ten_megabytes():
    upload = io.BytesIO(b"\xff" * (10 * 1024 * 1024 + 1))

    with pytest.raises(PhotoTooHeavy) as refused:
        prepare_photo(upload)

    assert "10" in str(refused.value)


def test_it_refuses_a_decompression_bomb_from_its_header():
    # 20,000 x 20,000 pixels of one colour: a few hundred bytes as PNG, 1.2 GB decoded.
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, format="PNG")
    assert out.tell() < 100_000
    out.seek(0)

    with pytest.raises(PhotoTooLarge) as refused:
        prepare_photo(out)

    assert refused.value.code == "photo_too_large"
    assert "50" in str(refused.value)


def test_it_refuses_a_picture_over_fifty_megapixels_below_pillows_own_limit():
    out = io.BytesIO()
    Image.new("1", (8_000, 7_000)).save(out, format="PNG")  # 56 Mpx < Pillow's 89 Mpx
    out.seek(0)

    with pytest.raises(PhotoTooLarge):
        prepare_photo(out)


def test_it_refuses_a_truncated_photo():
    content = drawn(size=(800, 600)).getvalue()
    upload = io.BytesIO(content[: len(content) // 3])

    with pytest.raises(PhotoDamaged):
        prepare_photo(upload)


def test_it_refuses_an_empty_file():
    with pytest.raises(PhotoRefused):
        prepare_photo(io.BytesIO(b""))

"""Product photos: check what was really sent, then make a clean, small copy of it.

A phone photo is several megabytes with the camera's GPS position in its
EXIF block and is often stored sideways with an "orientation" tag. We:

1. refuse files over `MAX_UPLOAD_BYTES` before reading them;
2. identify the image from its content (never from its name or the browser's
   content type): JPEG, PNG or WebP (HEIC when the optional pillow-heif plugin
   is installed); anything else is refused with a message saying what to send;
3. refuse decompression bombs (more than `MAX_PIXELS` pixels) from the header,
   before decoding;
4. turn the pixels upright as the EXIF orientation says, then drop every piece
   of metadata (EXIF, GPS, XMP, comments) by copying the pixels alone;
5. shrink to `MAX_EDGE` pixels on the long side, plus a `THUMB_EDGE` thumbnail,
   both re-encoded as WebP.
"""

from __future__ import annotations

import importlib
import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from comptoir.core.errors import DomainError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 50_000_000  # 50 megapixels: more than any phone's default photo
MAX_EDGE = 1600
THUMB_EDGE = 480
WEBP_QUALITY = 82

FORMATS = ["JPEG", "PNG", "WEBP"]
try:  # Optional: iPhones' HEIC photos, when the plugin is installed.
    importlib.import_module("pillow_heif").register_heif_opener()
    FORMATS.append("HEIF")
except ImportError:
    pass

# ISO-BMFF brands of HEIC/HEIF files (bytes 8-12), to name them in the refusal.
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif"}


class PhotoRefused(DomainError):
    code = "photo_refused"
    default_message = _("This file is not a photo we can use. Send a JPEG, PNG or WebP picture.")
    field = "photo"


class PhotoTooHeavy(PhotoRefused):
    code = "photo_too_heavy"
    default_message = _("This photo weighs %(size)s MB; the limit is %(limit)s MB.")

    def __init__(self, *, size: int) -> None:
        super().__init__(
            params={
                "size": f"{size / 1024 / 1024:.1f}",
                "limit": MAX_UPLOAD_BYTES // 1024 // 1024,
            }
        )


class PhotoTooLarge(PhotoRefused):
    code = "photo_too_large"
    default_message = _(
        "This picture has too many pixels to be processed. Send a photo of at most %(max)s "
        "megapixels."
    )

    def __init__(self) -> None:
        super().__init__(params={"max": MAX_PIXELS // 1_000_000})


class PhotoFormatUnsupported(PhotoRefused):
    code = "photo_format_unsupported"
    default_message = _(
        "HEIC photos (iPhone) cannot be read here. Send a JPEG: on the iPhone, "
        "Settings > Camera > Formats > Most Compatible."
    )


class PhotoDamaged(PhotoRefused):
    code = "photo_damaged"
    default_message = _("This photo is damaged or incomplete. Take it again or send another one.")


@dataclass(frozen=True, slots=True)
class PreparedPhoto:
    """A photo ready to store: upright, without metadata, bounded, WebP."""

    image: ContentFile[bytes]
    thumbnail: ContentFile[bytes]
    width: int
    height: int


def _size_of(upload: IO[bytes]) -> int:
    size = getattr(upload, "size", None)
    if isinstance(size, int):
        return size
    position = upload.tell()
    upload.seek(0, io.SEEK_END)
    size = upload.tell()
    upload.seek(position)
    return size


def _is_heif(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS


def _clean_copy(image: Image.Image) -> Image.Image:
    """The pixels alone, in a mode WebP stores (RGB, or RGBA when transparent)."""
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    converted = image.convert(mode)
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    return clean


def _encode(image: Image.Image, name: str) -> ContentFile[bytes]:
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
    return ContentFile(out.getvalue(), name=name)


def prepare_photo(upload: IO[bytes], *, name: str = "photo") -> PreparedPhoto:
    """Check and clean an uploaded photo; `PhotoRefused` (or a subclass) says why not."""
    size = _size_of(upload)
    if size > MAX_UPLOAD_BYTES:
        raise PhotoTooHeavy(size=size)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head:
        raise PhotoRefused
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice it: make that an error too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(upload, formats=FORMATS) as opened:
                width, height = opened.size
                if width * height > MAX_PIXELS:
                    raise PhotoTooLarge
                opened.load()
                upright = ImageOps.exif_transpose(opened)
        except UnidentifiedImageError:
            if _is_heif(head):
                raise PhotoFormatUnsupported from None
            raise PhotoRefused from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoTooLarge from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise PhotoDamaged from None
    clean = _clean_copy(upright)
    clean.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    thumb = clean.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE), Image.Resampling.LANCZOS)
    stem = name.rsplit(".", 1)[0][:60] or "photo"
    return PreparedPhoto(
        image=_encode(clean, f"{stem}.webp"),
        thumbnail=_encode(thumb, f"{stem}-thumb.webp"),
        width=clean.width,
        height=clean.height,
    )

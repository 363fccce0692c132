"""Illustrative photos for the demo, drawn with Pillow (no network, no assets).

One JPEG per product kind and one cover per trade, written once under
`MEDIA_ROOT/demo/` and shared by every product of that kind, so that a city of
96,000 products still needs only a few hundred small files.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from comptoir.demo.data import ProductKind, TradeSpec
from comptoir.demo.slugs import french_slug

SIZE = (640, 480)
COVER_SIZE = (1200, 600)
_SMALL_WORDS = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les"}
)


def product_photo_name(spec: TradeSpec, kind: ProductKind) -> str:
    return f"demo/products/{spec.trade.value}/{french_slug(kind.name)}.jpg"


def shop_photo_name(spec: TradeSpec) -> str:
    return f"demo/shops/{spec.trade.value}.jpg"


def initials(name: str) -> str:
    """Two letters for a picture: "Croissant au beurre" -> "CB"."""
    # Elisions are separate words: "Pont-l'évêque" -> "pont", "l", "eveque".
    spaced = name.replace("'", " ").replace("\u2019", " ")
    words = [w for w in french_slug(spaced).split("-") if w and not w.isdigit()]
    significant = [w for w in words if w not in _SMALL_WORDS] or words or ["x"]
    return "".join(w[0] for w in significant[:2]).upper()


def _shade(colour: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    r, g, b = (max(0, min(255, round(c * factor))) for c in colour)
    return (r, g, b)


def _blend(a: tuple[int, int, int], b: tuple[int, int, int], mix: float) -> tuple[int, int, int]:
    return (
        round(a[0] + (b[0] - a[0]) * mix),
        round(a[1] + (b[1] - a[1]) * mix),
        round(a[2] + (b[2] - a[2]) * mix),
    )


def _ink(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    """Black or white, whichever reads better on `colour`."""
    r, g, b = colour
    return (33, 28, 24) if 0.299 * r + 0.587 * g + 0.114 * b > 150 else (255, 255, 255)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines[:3]


# Fonts with French accents, found by file name in the system's font folders.
_FONT_FILES = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf")


@functools.lru_cache(maxsize=8)
def _font(size: int) -> tuple[ImageFont.FreeTypeFont, bool]:
    """A font of `size` and whether it has accents (Pillow's bundled one is ASCII only)."""
    for name in _FONT_FILES:
        try:
            return ImageFont.truetype(name, size), True
        except OSError:
            continue
    return ImageFont.load_default(size=size), False  # type: ignore[return-value]


def _printable(text: str, *, accents: bool) -> str:
    text = text.replace("—", "-").replace("œ", "oe").replace("Œ", "OE")
    if accents:
        return text
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@functools.lru_cache(maxsize=32)
def _background(
    colour: tuple[int, int, int], accent: tuple[int, int, int], size: tuple[int, int]
) -> Image.Image:
    """The part of a picture shared by a whole trade: gradient, discs, medallion ring."""
    width, height = size
    # A vertical gradient: a 1-pixel column stretched to the full width.
    column = Image.new("RGB", (1, height))
    top, bottom = _shade(colour, 1.12), _shade(colour, 0.78)
    for y in range(height):
        column.putpixel((0, y), _blend(top, bottom, y / (height - 1)))
    image = column.resize(size)
    pen = ImageDraw.Draw(image)
    pen.ellipse((-height // 3, -height // 3, height // 2, height // 2), fill=_shade(colour, 1.2))
    pen.ellipse((width - height // 3, height // 2, width + height // 3, height + height // 4),
                fill=_shade(colour, 0.7))  # fmt: skip
    radius = height // 4
    cx, cy = width // 2, height * 2 // 5
    pen.ellipse((cx - radius - 8, cy - radius - 8, cx + radius + 8, cy + radius + 8),
                fill=_shade(accent, 0.85))  # fmt: skip
    pen.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=accent)
    pen.rectangle((0, height * 3 // 4, width, height), fill=_shade(colour, 0.55))
    return image


def draw(
    path: Path,
    *,
    title: str,
    badge: str,
    colour: tuple[int, int, int],
    accent: tuple[int, int, int],
    size: tuple[int, int],
) -> None:
    width, height = size
    image = _background(colour, accent, size).copy()
    pen = ImageDraw.Draw(image)
    radius = height // 4
    badge_font, _ = _font(radius)
    pen.text((width // 2, height * 2 // 5), badge, font=badge_font, fill=_ink(accent),
             anchor="mm")  # fmt: skip

    # The name on a band at the bottom.
    band_top = height * 3 // 4
    font_size = height // 14
    font, accents = _font(font_size)
    lines = _wrap(_printable(title, accents=accents), font, width - 40)
    line_height = font_size + 6
    y = band_top + (height - band_top - line_height * len(lines)) // 2 + line_height // 2
    for line in lines:
        pen.text((width // 2, y), line, font=font, fill=(255, 255, 255), anchor="mm")
        y += line_height

    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename, so that a reader never sees half a file.
    partial = path.with_suffix(".part")
    image.save(partial, "JPEG", quality=82)
    partial.replace(path)


def photos_ensure(trades: tuple[TradeSpec, ...], *, media_root: Path) -> int:
    """Draw the photos of `trades` that are not on disk yet; return how many were drawn."""
    drawn = 0
    for spec in trades:
        cover = media_root / shop_photo_name(spec)
        if not cover.exists():
            # The French shop word of the trade's first name pattern: "Boulangerie".
            title = spec.name_patterns[0].split(" {")[0]
            draw(cover, title=title, badge=initials(title)[:1],
                 colour=spec.colour, accent=spec.accent, size=COVER_SIZE)  # fmt: skip
            drawn += 1
        for kind in spec.kinds:
            path = media_root / product_photo_name(spec, kind)
            if not path.exists():
                draw(path, title=kind.name, badge=initials(kind.name),
                     colour=spec.colour, accent=spec.accent, size=SIZE)  # fmt: skip
                drawn += 1
    return drawn

"""Draw the PWA icons (a shop front under a striped awning) into comptoir/static/icons/.

Run after changing the design: `.venv/bin/python tools/make_icons.py`. The PNGs
are committed, so neither `make run` nor the tests need this script.

Each icon is drawn large and scaled down with a Lanczos filter (cheap
anti-aliasing). "any" icons are a cream rounded square; "maskable" ones are full
bleed with the mark inside the central safe circle (radius 40 %), since Android
crops them to a circle, a squircle or a rounded square.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

GREEN = (0x1F, 0x5C, 0x45)  # --brand in comptoir.css
CREAM = (0xFA, 0xF7, 0xF2)  # --bg in comptoir.css
CANVAS = 1024
Box = tuple[tuple[float, float], tuple[float, float]]  # top-left, bottom-right
OUT = Path(__file__).resolve().parent.parent / "comptoir" / "static" / "icons"


def _mark(pen: ImageDraw.ImageDraw, *, scale: float) -> None:
    """The shop front, drawn in a box of `scale` * CANVAS centred on the canvas."""
    size = CANVAS * scale
    left = (CANVAS - size) / 2

    def box(x0: float, y0: float, x1: float, y1: float) -> Box:
        return ((left + x0 * size, left + y0 * size), (left + x1 * size, left + y1 * size))

    # Cornice, then the awning: five stripes, each ending in a scallop.
    pen.rounded_rectangle(box(0.02, 0.04, 0.98, 0.16), radius=0.03 * size, fill=GREEN)
    stripes = 5
    width = 0.96 / stripes
    edge = 0.02  # the green outline of a cream stripe
    for i in range(stripes):
        x0, x1 = 0.02 + i * width, 0.02 + (i + 1) * width
        pen.rectangle(box(x0, 0.16, x1, 0.36), fill=GREEN)
        pen.pieslice(box(x0, 0.36 - width / 2, x1, 0.36 + width / 2), 0, 180, fill=GREEN)
        if i % 2:
            pen.rectangle(box(x0 + edge, 0.16, x1 - edge, 0.36), fill=CREAM)
            scallop = box(x0 + edge, 0.36 - width / 2 + edge, x1 - edge, 0.36 + width / 2 - edge)
            pen.pieslice(scallop, 0, 180, fill=CREAM)
    # The shop: walls, a shop window and a door, on a pavement line.
    pen.rectangle(box(0.08, 0.50, 0.92, 0.90), fill=GREEN)
    pen.rounded_rectangle(box(0.16, 0.58, 0.52, 0.78), radius=0.03 * size, fill=CREAM)
    pen.rounded_rectangle(box(0.60, 0.58, 0.82, 0.90), radius=0.03 * size, fill=CREAM)
    pen.ellipse(box(0.635, 0.73, 0.675, 0.77), fill=GREEN)  # door knob
    pen.rounded_rectangle(box(0.0, 0.90, 1.0, 0.98), radius=0.03 * size, fill=GREEN)


def icon(*, maskable: bool) -> Image.Image:
    image = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, CANVAS, CANVAS), fill=CREAM)
        _mark(pen, scale=0.52)  # its corners stay inside the 40 % safe circle
    else:
        pen.rounded_rectangle((0, 0, CANVAS - 1, CANVAS - 1), radius=CANVAS * 0.22, fill=CREAM)
        _mark(pen, scale=0.66)
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    outputs = {
        "icon-192.png": (icon(maskable=False), 192),
        "icon-512.png": (icon(maskable=False), 512),
        "icon-maskable-192.png": (icon(maskable=True), 192),
        "icon-maskable-512.png": (icon(maskable=True), 512),
        # iOS draws its own rounded corners and dislikes transparency.
        "apple-touch-icon.png": (icon(maskable=True).convert("RGB"), 180),
    }
    for name, (image, size) in outputs.items():
        image.resize((size, size), Image.Resampling.LANCZOS).save(OUT / name, optimize=True)
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()

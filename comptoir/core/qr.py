"""QR codes of the codes a counter scans (pickup codes, vouchers) and of 2FA secrets.

Always a full QR code, never a Micro QR: segno's `make` picks a Micro QR for
a short text (a 6-character pickup code becomes an M3), and phone cameras,
the browsers' BarcodeDetector ("qr_code") and jsQR read full QR codes only.
One symbol per text, drawn as SVG (pages) or PNG (e-mails, which do not
show SVG).

The PNGs are written here (`_png`), not by segno's writer: the same bytes,
in a tenth of the time (segno's writer packs each pixel through Python
generators, ~1 ms a symbol; the checkout's confirmation e-mail draws one per
click & collect order, in the task worker, docs/benchmarks.md).
"""

from __future__ import annotations

import base64
import struct
import zlib

import segno

INK = "#1d1b18"
BORDER = 2  # modules of white around the symbol (scanners need a quiet zone)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Two colours, ink first (index 0), as segno orders them (by RGB value).
PNG_PALETTE = bytes.fromhex(INK.removeprefix("#")) + b"\xff\xff\xff"


def qr_symbol(text: str) -> segno.QRCode:
    return segno.make_qr(text, error="m")


def qr_svg_inline(text: str, *, css_class: str) -> str:
    """Inline SVG markup (a viewBox, no fixed size: CSS sizes it; no script, no style)."""
    return str(
        qr_symbol(text).svg_inline(
            scale=1, border=BORDER, dark=INK, light="#ffffff", omitsize=True, svgclass=css_class
        )
    )


def qr_svg_data_uri(text: str, *, scale: int) -> str:
    """An SVG in a `data:` URI, for an `<img>` (the CSP allows `data:` images)."""
    return str(qr_symbol(text).svg_data_uri(scale=scale, border=BORDER, dark=INK))


def qr_png_data_uri(text: str, *, scale: int) -> str:
    """A PNG in a `data:` URI, for an `<img>` that must also print and save as an image."""
    return f"data:image/png;base64,{qr_png_base64(text, scale=scale)}"


def qr_png_base64(text: str, *, scale: int = 6) -> str:
    """A base64 PNG, for an e-mail's inline image."""
    return base64.b64encode(qr_png(qr_symbol(text), scale=scale)).decode()


def qr_png(symbol: segno.QRCode, *, scale: int) -> bytes:
    """`symbol` as segno's `save(kind="png", border=BORDER, dark=INK)` writes it, byte for byte.

    A 1-bit indexed PNG (ink, white), each module `scale` pixels square: a
    row of modules is one scanline and `scale - 1` "Up" scanlines of zeros
    (the same again), then compressed at zlib's level 9, as segno does.
    """
    quiet = "1" * (BORDER * scale)
    width = (len(symbol.matrix[0]) + 2 * BORDER) * scale
    padding = "0" * (-width % 8)
    row_bytes = (width + 7) // 8
    ink, paper = "0" * scale, "1" * scale
    blank = b"\0" + int("1" * width + padding, 2).to_bytes(row_bytes)
    same_again = (b"\2" + bytes(row_bytes)) * (scale - 1)
    scanlines = [blank * (BORDER * scale)]
    for row in symbol.matrix:
        bits = quiet + "".join(ink if module else paper for module in row) + quiet + padding
        scanlines.append(b"\0" + int(bits, 2).to_bytes(row_bytes) + same_again)
    scanlines.append(blank * (BORDER * scale))
    header = struct.pack(">2I5B", width, width, 1, 3, 0, 0, 0)
    return b"".join(
        (
            PNG_SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"PLTE", PNG_PALETTE),
            _chunk(b"IDAT", zlib.compress(b"".join(scanlines), 9)),
            _chunk(b"IEND", b""),
        )
    )


def _chunk(name: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + name + data + struct.pack(">I", zlib.crc32(name + data))

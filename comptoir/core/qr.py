"""QR codes of the codes a counter scans (pickup codes, vouchers) and of 2FA secrets.

Always a full QR code, never a Micro QR: segno's `make` picks a Micro QR for
a short text (a 6-character pickup code becomes an M3), and phone cameras,
the browsers' BarcodeDetector ("qr_code") and jsQR read full QR codes only.
One symbol per text, drawn as SVG (pages) or PNG (e-mails, which do not
show SVG).
"""

from __future__ import annotations

import base64
import io

import segno

INK = "#1d1b18"
BORDER = 2  # modules of white around the symbol (scanners need a quiet zone)


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
    return str(qr_symbol(text).png_data_uri(scale=scale, border=BORDER, dark=INK))


def qr_png_base64(text: str, *, scale: int = 6) -> str:
    """A base64 PNG, for an e-mail's inline image."""
    buffer = io.BytesIO()
    qr_symbol(text).save(buffer, kind="png", scale=scale, border=BORDER, dark=INK)
    return base64.b64encode(buffer.getvalue()).decode()

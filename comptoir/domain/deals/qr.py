"""A voucher's QR code: the same symbol on its page (SVG) and in its e-mail (PNG).

Always a full QR code, never a Micro QR (which segno would pick for a short
code, and which phone cameras and most counter scanners do not read).
"""

from __future__ import annotations

import base64
import io

import segno

INK = "#1d1b18"


def voucher_qr(code: str) -> segno.QRCode:
    return segno.make_qr(code, error="m")


def voucher_qr_svg(code: str) -> str:
    """Inline SVG markup (a viewBox, no fixed size: CSS sizes it; no script, no style)."""
    return str(
        voucher_qr(code).svg_inline(
            scale=1, border=2, dark=INK, light="#ffffff", omitsize=True, svgclass="voucher__qr"
        )
    )


def voucher_qr_png(code: str) -> str:
    """A base64 PNG for an e-mail's inline image."""
    buffer = io.BytesIO()
    voucher_qr(code).save(buffer, kind="png", scale=6, border=2, dark=INK)
    return base64.b64encode(buffer.getvalue()).decode()

"""A voucher's QR code: the same symbol on its page (SVG) and in its e-mail (PNG).

A full QR code, never a Micro QR (comptoir/core/qr.py says why).
"""

from __future__ import annotations

import segno

from comptoir.core.qr import qr_png_base64, qr_svg_inline, qr_symbol


def voucher_qr(code: str) -> segno.QRCode:
    return qr_symbol(code)


def voucher_qr_svg(code: str) -> str:
    return qr_svg_inline(code, css_class="voucher__qr")


def voucher_qr_png(code: str) -> str:
    return qr_png_base64(code)

"""QR codes a counter scans: full QR codes, never Micro QR (comptoir/core/qr.py)."""

import base64
import random
import re
import string
from io import BytesIO
from urllib.parse import unquote

import segno
from PIL import Image

from comptoir.core.qr import (
    BORDER,
    FLIPS,
    INK,
    best_mask,
    qr_png,
    qr_png_base64,
    qr_png_data_uri,
    qr_svg_data_uri,
    qr_svg_inline,
    qr_symbol,
)
from comptoir.domain.orders.codes import new_pickup_code, random_code

FULL_V1 = 21 + 2 * 2  # a version 1 QR code's modules, and its border on each side


def test_segno_alone_would_draw_a_pickup_code_as_a_micro_qr():
    """What the module guards against: phone cameras and jsQR do not read a Micro QR."""
    assert segno.make("K7PQ4X", error="m").is_micro


def test_a_pickup_code_is_a_full_qr_code():
    for _ in range(20):
        symbol = qr_symbol(new_pickup_code())
        assert not symbol.is_micro
        assert symbol.version == 1


def test_the_png_of_an_email_is_the_full_symbol():
    image = Image.open(BytesIO(base64.b64decode(qr_png_base64("K7PQ4X"))))
    assert image.size == (FULL_V1 * 6, FULL_V1 * 6)


def test_the_png_of_a_page_is_the_full_symbol_at_its_scale():
    uri = qr_png_data_uri("K7PQ4X", scale=8)
    image = Image.open(BytesIO(base64.b64decode(uri.removeprefix("data:image/png;base64,"))))
    assert image.size == (FULL_V1 * 8, FULL_V1 * 8)


def test_the_svgs_are_the_full_symbol():
    inline = qr_svg_inline("K7PQ4X", css_class="voucher__qr")
    assert f'viewBox="0 0 {FULL_V1} {FULL_V1}"' in inline
    assert 'class="voucher__qr"' in inline
    uri = unquote(qr_svg_data_uri("K7PQ4X", scale=6))
    assert re.search(rf"width=.{FULL_V1 * 6}.", uri)


def test_the_pngs_are_the_bytes_segno_writes():
    """The writer of core/qr.py is a faster segno writer, not another picture."""
    texts = [new_pickup_code() for _ in range(30)]
    texts.append("otpauth://totp/Comptoir:camille@example.fr?secret=JBSWY3DPEHPK3PXP")
    for text in texts:
        symbol = qr_symbol(text)
        for scale in (1, 3, 6, 8):
            buffer = BytesIO()
            symbol.save(buffer, kind="png", scale=scale, border=BORDER, dark=INK)
            assert qr_png(symbol, scale=scale) == buffer.getvalue(), (text, scale)


def test_the_png_shows_each_module_in_ink_or_white():
    symbol = qr_symbol("K7PQ4X")
    image = Image.open(BytesIO(qr_png(symbol, scale=6))).convert("RGB")
    ink = tuple(bytes.fromhex(INK.removeprefix("#")))
    for y, row in enumerate(symbol.matrix):
        for x, module in enumerate(row):
            pixel = image.getpixel(((x + BORDER) * 6 + 3, (y + BORDER) * 6 + 5))
            assert pixel == (ink if module else (255, 255, 255)), (x, y)
    assert image.getpixel((0, 0)) == (255, 255, 255)


def test_a_symbol_is_the_one_segno_draws_with_the_mask_segno_picks():
    """qr_symbol picks a version 1 symbol's mask itself (core/qr.py): segno's pick, every time."""
    rng = random.Random(18)
    texts = [new_pickup_code() for _ in range(300)] + [random_code(9) for _ in range(300)]
    texts += ["".join(rng.choices(string.printable[:94], k=rng.randint(1, 14))) for _ in range(500)]
    texts += ["otpauth://totp/Comptoir:camille@example.fr?secret=JBSWY3DPEHPK3PXP"]  # version 4
    masks = set()
    for text in texts:
        mine, segnos = qr_symbol(text), segno.make_qr(text, error="m")
        assert (mine.version, mine.error, mine.mask) == (segnos.version, segnos.error, segnos.mask)
        assert mine.matrix == segnos.matrix, text
        if mine.version == 1:
            masks.add(mine.mask)
    assert masks == set(range(8))  # every mask won somewhere: each rule's branch is checked


def test_the_mask_is_picked_from_the_data_whatever_mask_the_symbol_carries():
    picks = {best_mask(segno.make_qr("K7PQ4X", error="m", mask=mask)) for mask in range(8)}
    assert picks == {segno.make_qr("K7PQ4X", error="m").mask}
    assert len(FLIPS) == 8
    assert all(sum(row.bit_count() for row in FLIPS[mask]) > 0 for mask in range(8))

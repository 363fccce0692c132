"""QR codes of the codes a counter scans (pickup codes, vouchers) and of 2FA secrets.

Always a full QR code, never a Micro QR: segno's `make` picks a Micro QR for
a short text (a 6-character pickup code becomes an M3), and phone cameras,
the browsers' BarcodeDetector ("qr_code") and jsQR read full QR codes only.
One symbol per text, drawn as SVG (pages) or PNG (e-mails, which do not
show SVG).

Two of segno's steps are done here, faster, with the same result:

- the PNGs (`qr_png`): the same bytes in a tenth of the time (segno's writer
  packs each pixel through Python generators, ~1 ms a symbol);
- the choice of a version 1 symbol's mask (`best_mask`; every pickup and
  voucher code is one): segno applies each of the eight masks module by
  module and scores it in a Python loop (~1.6 ms a symbol); here the rows
  and columns are one integer, and the eight scores take ~0.2 ms (the
  symbol is then drawn with that mask). The scores are segno's,
  rule for rule (ISO/IEC 18004 7.8.3 as segno counts it), so the symbol is
  the one segno would draw: a test compares both on thousands of texts.

A checkout draws each click & collect order's code twice (the
confirmation page's SVG, the e-mail's PNG): docs/benchmarks.md.
"""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Callable

import segno

INK = "#1d1b18"
BORDER = 2  # modules of white around the symbol (scanners need a quiet zone)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Two colours, ink first (index 0), as segno orders them (by RGB value).
PNG_PALETTE = bytes.fromhex(INK.removeprefix("#")) + b"\xff\xff\xff"


def qr_symbol(text: str) -> segno.QRCode:
    """The QR code of `text` (error correction M or better), as `segno.make_qr` draws it."""
    first = segno.make_qr(text, error="m", mask=0)
    if first.version != 1:  # 2FA secrets: rare, left to segno
        return segno.make_qr(text, error="m")
    mask = best_mask(first)
    return first if mask == 0 else segno.make_qr(text, error="m", mask=mask)


# --- The mask of a version 1 symbol, as segno chooses it --------------------------

SIZE = 21  # modules per side of a version 1 symbol
#: The eight data masks (ISO/IEC 18004 7.8.2): True where module (row i, column j) flips.
MASKS: tuple[Callable[[int, int], bool], ...] = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
)
FINDER_LIKE = "1011101"


def _regions() -> tuple[list[int], list[list[int]]]:
    """Per row, as bits (column 0 the highest): the format modules, and each mask's flips.

    Finder patterns with their separators, and the timing row and column,
    are neither. The format modules (with the dark module) are light while
    the masks are scored; every other module holds data (208 of them).
    """
    format_bits, data = [0] * SIZE, [0] * SIZE
    for i in range(SIZE):
        for j in range(SIZE):
            bit = 1 << (SIZE - 1 - j)
            finder = (i < 8 and (j < 8 or j >= SIZE - 8)) or (i >= SIZE - 8 and j < 8)
            if finder or i == 6 or j == 6:
                continue
            if (j == 8 and (i <= 8 or i >= SIZE - 8)) or (i == 8 and (j <= 8 or j >= SIZE - 8)):
                format_bits[i] |= bit
            else:
                data[i] |= bit
    flips = [
        [sum(1 << (SIZE - 1 - j) for j in range(SIZE) if mask(i, j)) & data[i] for i in range(SIZE)]
        for mask in MASKS
    ]
    return format_bits, flips


def _columns(rows: list[int]) -> list[int]:
    """The columns of a symbol given as rows of bits (the transpose, column 0 first)."""
    lines = [format(row, f"0{SIZE}b") for row in rows]
    return [int("".join(column), 2) for column in zip(*lines, strict=True)]


#: The symbol's 21 rows then its 21 columns are scored as one integer: line k
#: at bits 22k to 22k + 20, a light bit between lines (no run crosses one).
STRIDE = SIZE + 1
LINES = 2 * SIZE


def _joined(lines: list[int]) -> int:
    return sum(line << (STRIDE * k) for k, line in enumerate(lines))


def _spread(bits: range) -> int:
    """The mask of `bits` (offsets within a line) in every line."""
    return _joined([sum(1 << bit for bit in bits)] * LINES)


FORMAT_BITS, FLIPS = _regions()
#: Per mask, its flips on rows and columns joined; the format modules likewise.
FLIPS_JOINED = [_joined([*flips, *_columns(flips)]) for flips in FLIPS]
FORMAT_JOINED = _joined([*FORMAT_BITS, *_columns(FORMAT_BITS)])
MODULES = _spread(range(SIZE))
ROWS = _joined([(1 << SIZE) - 1] * SIZE)
#: Where a 2x2 block can start: a module with one to its side, in a row with one below.
BLOCK_STARTS = _joined([(1 << (SIZE - 1)) - 1] * (SIZE - 1))
#: Where a 7-module pattern fits within its line.
PATTERN_STARTS = _spread(range(SIZE - 6))
#: A module (0 or 1, as segno's matrix holds it) as the digit `int(…, 2)` reads.
DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def best_mask(symbol: segno.QRCode) -> int:
    """The mask segno picks for `symbol`'s data (a version 1 symbol, any mask applied).

    The data unmasked (the symbol's mask flipped back, its format modules
    light), then each mask's penalty: the first lowest wins, as in segno.
    """
    matrix = symbol.matrix
    rows = [int(bytes(row).translate(DIGITS), 2) for row in matrix]
    columns = [int(bytes(column).translate(DIGITS), 2) for column in zip(*matrix, strict=True)]
    plain = (_joined([*rows, *columns]) & ~FORMAT_JOINED) ^ FLIPS_JOINED[symbol.mask]
    scores = [penalty(plain ^ flips) for flips in FLIPS_JOINED]
    return scores.index(min(scores))


def penalty(lines: int) -> int:
    """A masked symbol's penalty as segno scores it (`segno.encoder.mask_scores`).

    `lines`: its rows and columns joined (`_joined`). N1: each run of 5 or
    more modules of one colour in a row or a column, its length less 2;
    N2: 3 per 2x2 block of one colour; N3: 40 per finder-like pattern
    (`_finder_like`); N4: 10 per 5 % of dark modules away from half.
    """
    n1 = _runs(lines) + _runs(~lines & MODULES)
    level = ~(lines ^ (lines >> 1))  # a module the same as its neighbour
    below = ~(lines ^ (lines >> STRIDE))  # a module the same as the one below
    n2 = (level & (level >> STRIDE) & below & BLOCK_STARTS).bit_count()
    n3 = 0
    starts = (
        lines & (lines >> 2) & (lines >> 3) & (lines >> 4) & (lines >> 6)
        & ~(lines >> 1) & ~(lines >> 5) & PATTERN_STARTS
    )  # fmt: skip
    while starts:  # only the lines holding 1011101 are read as text, from the last one
        k = (starts.bit_length() - 1) // STRIDE
        starts &= (1 << (STRIDE * k)) - 1
        n3 += _finder_like(format((lines >> (STRIDE * k)) & ((1 << SIZE) - 1), f"0{SIZE}b"))
    dark = (lines & ROWS).bit_count()
    percent = float(dark) / (SIZE**2)
    return n1 + 3 * n2 + n3 + 10 * int(abs(percent * 100 - 50) / 5)


def _runs(dark: int) -> int:
    """N1 for one colour (its modules set in `dark`): per run of L >= 5, L - 2."""
    fives = dark & (dark >> 1) & (dark >> 2) & (dark >> 3) & (dark >> 4)
    # A run of L >= 5 leaves L - 4 bits in `fives`, in a block: plus 2 per block.
    return fives.bit_count() + 2 * (fives & ~(fives << 1)).bit_count()


def _finder_like(line: str) -> int:
    """40 per 1:1:3:1:1 pattern with 4 light modules on one side, counted as segno counts."""
    score = 0
    at = line.find(FINDER_LIKE)
    while at != -1:
        after = at + 7
        if (
            at in (0, SIZE - 7)
            or "1" not in line[max(at - 4, 0) : at]
            or "1" not in line[after : after + 4]
        ):
            score += 40
        else:
            after = at + 4  # the pattern may start again on its middle dark modules
        at = line.find(FINDER_LIKE, after)
    return score


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

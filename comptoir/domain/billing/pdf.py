"""The invoice as a PDF, drawn with fpdf2 (pure Python: no system package).

fpdf2's built-in Helvetica speaks Latin-1 only: the few characters outside
it (narrow no-break spaces of French numbers, typographic quotes, €…) are
replaced by their nearest Latin-1 spelling.
"""

from __future__ import annotations

from comptoir.domain.billing.document import invoice_document, money
from comptoir.domain.billing.models import Invoice

_LATIN1 = str.maketrans(
    {
        "\u202f": " ",
        "\u00a0": " ",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2014": "-",
        "\u2013": "-",
        "\u2026": "...",
        "€": "EUR",
    }
)


def _latin1(text: str) -> str:
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def invoice_pdf(invoice: Invoice) -> bytes:
    doc = invoice_document(invoice)
    # Imported here: fpdf2 and its font tools take ~0.3 s to import, paid by every
    # process that loads the admin (the web server, each manage.py command).
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(doc.title))
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    width = pdf.epw

    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(width, 9, _latin1(doc.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(width, 6, _latin1(doc.period), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    top = pdf.get_y()
    half = width / 2 - 4
    pdf.set_font("Helvetica", "B", 10)
    pdf.multi_cell(half, 5, _latin1(doc.issuer[0]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(half, 5, _latin1("\n".join(doc.issuer[1:])), new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + half + 8, top)
    pdf.set_font("Helvetica", "B", 10)
    pdf.multi_cell(half, 5, _latin1(doc.buyer[0]), new_x="LEFT", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(half, 5, _latin1("\n".join(doc.buyer[1:])), new_x="LEFT", new_y="NEXT")
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)

    pdf.set_font("Helvetica", "", 10)
    pdf.cell(width, 6, _latin1(doc.dates), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    amount_width = 40
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(width - amount_width, 7, _latin1(doc.headings[0]), border="B")
    pdf.cell(
        amount_width,
        7,
        _latin1(doc.headings[1]),
        border="B",
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 10)
    for line in doc.lines:
        y = pdf.get_y()
        pdf.multi_cell(width - amount_width, 6, _latin1(line.label), new_x="RIGHT", new_y="TOP")
        bottom = pdf.get_y()
        pdf.set_xy(pdf.l_margin + width - amount_width, y)
        pdf.cell(amount_width, 6, _latin1(money(line.amount)), align="R")
        pdf.set_y(max(bottom, y + 6, pdf.get_y()))
        pdf.ln(6)
    pdf.ln(2)
    for label, amount, style in (
        (doc.total_labels[0], doc.total_excl_vat, ""),
        (doc.vat_label, doc.vat_amount, ""),
        (doc.total_labels[1], doc.total_incl_vat, "B"),
    ):
        pdf.set_font("Helvetica", style, 10)
        pdf.cell(width - amount_width, 6, _latin1(label), align="R")
        pdf.cell(amount_width, 6, _latin1(money(amount)), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(width, 5, _latin1("\n".join(doc.payment)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(width, 4.5, _latin1("\n".join(doc.mentions)), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

"""What an invoice says, once: the HTML view and the PDF both render `invoice_document`.

French B2B invoices must show: both parties' names and addresses, the
issuer's SIREN and both VAT numbers (the buyer's when known), the number and
the issue date, each service excl. VAT, the VAT rate and amount, the totals,
the due date, the late-payment penalty rate and the flat €40 recovery
indemnity (Code de commerce, L441-9 and L441-10).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from comptoir.domain.billing.models import Invoice


@dataclass(frozen=True, slots=True)
class DocumentLine:
    label: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    title: str
    number: str
    issued_on: str
    due_on: str
    period: str
    dates: str
    headings: tuple[str, str]
    total_labels: tuple[str, str]
    issuer: list[str]
    buyer: list[str]
    lines: list[DocumentLine]
    total_excl_vat: Decimal
    vat_label: str
    vat_amount: Decimal
    total_incl_vat: Decimal
    payment: list[str]
    mentions: list[str]


def money(amount: Decimal) -> str:
    return f"{formats.number_format(amount, 2, force_grouping=True)} €"


def invoice_document(invoice: Invoice) -> InvoiceDocument:
    issuer = [invoice.issuer_name, invoice.issuer_address]
    if invoice.issuer_legal_form:
        issuer.append(invoice.issuer_legal_form)
    issuer += [
        _("SIREN: %(siren)s") % {"siren": invoice.issuer_siren},
        _("VAT number: %(vat)s") % {"vat": invoice.issuer_vat_number},
    ]
    buyer = [invoice.buyer_name, invoice.buyer_address]
    if invoice.buyer_siret:
        buyer.append(_("SIRET: %(siret)s") % {"siret": invoice.buyer_siret})
    if invoice.buyer_vat_number:
        buyer.append(_("VAT number: %(vat)s") % {"vat": invoice.buyer_vat_number})
    payment = [_("Payment by bank transfer, quoting the invoice number.")]
    payment.append(_("IBAN: %(iban)s") % {"iban": invoice.issuer_iban})
    if invoice.issuer_bic:
        payment.append(_("BIC: %(bic)s") % {"bic": invoice.issuer_bic})
    lines = [DocumentLine(line.label, line.amount_excl_vat) for line in invoice.lines.all()]
    if not lines:
        lines = [DocumentLine(_("Free month (trial period)"), Decimal("0.00"))]
    return InvoiceDocument(
        title=_("Invoice %(number)s") % {"number": invoice.number},
        number=invoice.number,
        issued_on=formats.date_format(invoice.issued_on, "SHORT_DATE_FORMAT"),
        due_on=formats.date_format(invoice.due_on, "SHORT_DATE_FORMAT"),
        period=_("Services of %(month)s") % {"month": formats.date_format(invoice.period, "F Y")},
        dates=_("Issued on %(issued)s · due on %(due)s")
        % {
            "issued": formats.date_format(invoice.issued_on, "SHORT_DATE_FORMAT"),
            "due": formats.date_format(invoice.due_on, "SHORT_DATE_FORMAT"),
        },
        headings=(_("Description"), _("Amount excl. VAT")),
        total_labels=(_("Total excl. VAT"), _("Total incl. VAT")),
        issuer=issuer,
        buyer=buyer,
        lines=lines,
        total_excl_vat=invoice.total_excl_vat,
        vat_label=_("VAT %(rate)s %%")
        % {"rate": formats.number_format(invoice.vat_rate.normalize())},
        vat_amount=invoice.vat_amount,
        total_incl_vat=invoice.total_incl_vat,
        payment=payment,
        mentions=[
            _("Payment due by %(due)s. No discount for early payment.")
            % {"due": formats.date_format(invoice.due_on, "SHORT_DATE_FORMAT")},
            _(
                "Late payment: penalties at three times the French legal interest rate, "
                "from the day after the due date."
            ),
            _("Flat indemnity for recovery costs in case of late payment: 40 €."),
        ],
    )

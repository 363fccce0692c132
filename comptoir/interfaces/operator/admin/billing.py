"""Billing: plans, the issuer, shops' billing details and subscriptions, invoices, the event log.

Plans, the issuer and billing details are plain records the operator edits.
A subscription is started from its add page (`subscription_start`: the
trial is worked out from the plan); afterwards the plan is changed through
"Change to plan" (`subscription_change_plan`: from next month). Invoices are
documents: read only, with their HTML view and PDF, and two actions that
record a payment or a failed one (services `invoice_mark_paid` /
`invoice_mark_failed`, which log an event and reinstate a suspended shop).
The "Exports" page (a button on the invoices list) gives the invoices, the
payments and the yearly per-seller report as CSV.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comptoir.core.errors import DomainError
from comptoir.domain.billing.document import invoice_document
from comptoir.domain.billing.errors import PlanNotInCity
from comptoir.domain.billing.exports import (
    invoice_header,
    invoice_rows,
    payment_header,
    payment_rows,
    seller_year_header,
    seller_year_rows,
)
from comptoir.domain.billing.models import (
    BillingDetails,
    BillingEvent,
    Invoice,
    InvoiceLine,
    Issuer,
    Plan,
    Subscription,
)
from comptoir.domain.billing.pdf import invoice_pdf
from comptoir.domain.billing.services import (
    invoice_mark_failed,
    invoice_mark_paid,
    subscription_change_plan,
    subscription_start,
)
from comptoir.domain.cities.models import City
from comptoir.domain.deals.exports import csv_stream
from comptoir.interfaces.operator.admin.deals import SafeModelChoiceField
from comptoir.interfaces.operator.admin.fulfilment import ReadOnlyAdmin, ReadOnlyInline
from comptoir.interfaces.operator.admin.widgets import SafeAutocomplete


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "monthly_fee", "commission_percent", "trial_days", "is_active")
    list_filter = ("city", "is_active")
    list_select_related = ("city",)
    search_fields = ("name",)


@admin.register(Issuer)
class IssuerAdmin(admin.ModelAdmin):
    list_display = ("name", "siren", "vat_number", "is_current")
    fieldsets = (
        (None, {"fields": ("name", "legal_form", "street", "postal_code", "locality", "email")}),
        (_("Identifiers"), {"fields": ("siren", "siret", "vat_number")}),
        (_("Bank transfers"), {"fields": ("iban", "bic")}),
        (None, {"fields": ("is_current",)}),
    )


@admin.register(BillingDetails)
class BillingDetailsAdmin(SafeAutocomplete, admin.ModelAdmin):
    list_display = ("shop", "legal_name", "siret", "vat_number", "email")
    list_select_related = ("shop",)
    search_fields = ("shop__name", "legal_name", "siret")
    autocomplete_fields = ("shop",)


class SubscriptionForm(forms.ModelForm):
    change_to = forms.ModelChoiceField(
        queryset=Plan.objects.filter(is_active=True).select_related("city"),
        required=False,
        label=_("Change to plan"),
        help_text=_("Takes effect from the first day of next month."),
    )

    class Meta:
        model = Subscription
        fields = ("shop", "plan", "starts_on")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        shop = cleaned.get("shop") or (self.instance.shop if self.instance.pk else None)
        for field in ("plan", "change_to"):
            plan = cleaned.get(field)
            if shop is not None and plan is not None and plan.city_id != shop.city_id:
                self.add_error(field, str(PlanNotInCity()))
        return cleaned


@admin.register(Subscription)
class SubscriptionAdmin(SafeAutocomplete, admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ("shop", "plan", "starts_on", "trial_ends_on", "next_plan", "next_plan_from")
    list_filter = ("plan__city", "plan")
    list_select_related = ("shop", "plan", "next_plan")
    search_fields = ("shop__name",)
    autocomplete_fields = ("shop",)

    def get_fields(self, request: HttpRequest, obj: Subscription | None = None) -> Any:
        if obj is None:
            return ["shop", "plan", "starts_on"]
        return [
            "shop",
            "plan",
            "starts_on",
            "trial_ends_on",
            "next_plan",
            "next_plan_from",
            "change_to",
        ]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Subscription | None = None
    ) -> list[str]:
        if obj is None:
            return []
        return ["shop", "plan", "starts_on", "trial_ends_on", "next_plan", "next_plan_from"]

    def save_model(self, request: HttpRequest, obj: Subscription, form: Any, change: bool) -> None:
        try:
            if not change:
                saved = subscription_start(shop=obj.shop, plan=obj.plan, starts_on=obj.starts_on)
                obj.pk = saved.pk
            elif form.cleaned_data.get("change_to") is not None:
                subscription_change_plan(
                    subscription=obj,
                    plan=form.cleaned_data["change_to"],
                    now=timezone.now(),
                    actor=request.user,  # type: ignore[arg-type]
                )
        except DomainError as error:
            self.message_user(request, str(error), messages.ERROR)


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = ("position", "label", "amount_excl_vat")


class BillingEventInline(ReadOnlyInline):
    model = BillingEvent
    fields = ("at", "kind", "actor", "note")
    fk_name = "invoice"


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "shop",
        "period_month",
        "total_incl_vat",
        "due_on",
        "status",
        "documents",
    )
    list_filter = ("status", "shop__city", "year")
    list_select_related = ("shop",)
    search_fields = ("number", "shop__name", "buyer_name")
    show_full_result_count = False
    ordering = ("-year", "-sequence")
    actions = ("record_payment", "record_failure")
    change_list_template = "operator/billing/change_list.html"
    inlines = (InvoiceLineInline, BillingEventInline)
    readonly_fields = ("documents",)
    fieldsets = (
        (
            None,
            {"fields": ("number", "shop", "period", "issued_on", "due_on", "status", "paid_at")},
        ),
        (
            _("Amounts"),
            {"fields": ("total_excl_vat", "vat_rate", "vat_amount", "total_incl_vat")},
        ),
        (
            _("Buyer"),
            {
                "fields": (
                    "buyer_name",
                    "buyer_address",
                    "buyer_siret",
                    "buyer_vat_number",
                    "buyer_email",
                )
            },
        ),
        (
            _("Issuer"),
            {"fields": ("issuer", "issuer_name", "issuer_address", "issuer_siren")},
        ),
        (_("Documents"), {"fields": ("documents", "reminders_sent")}),
    )

    def has_record_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("billing.change_invoice")

    @admin.display(description=_("month billed"), ordering="period")
    def period_month(self, invoice: Invoice) -> str:
        return invoice.period.strftime("%Y-%m")

    @admin.display(description=_("documents"))
    def documents(self, invoice: Invoice) -> str:
        if invoice.pk is None:
            return "–"
        return format_html(
            '<a href="{}">HTML</a> · <a href="{}">PDF</a>',
            reverse("admin:billing_invoice_html", args=[invoice.pk]),
            reverse("admin:billing_invoice_pdf", args=[invoice.pk]),
        )

    def _record(self, request: HttpRequest, queryset: QuerySet[Invoice], *, paid: bool) -> None:
        now = timezone.now()
        done = 0
        for invoice in queryset.order_by("pk"):
            try:
                if paid:
                    invoice_mark_paid(invoice=invoice, now=now, actor=request.user)  # type: ignore[arg-type]
                else:
                    invoice_mark_failed(invoice=invoice, now=now, actor=request.user)  # type: ignore[arg-type]
            except DomainError as error:
                self.message_user(request, f"{invoice.number}: {error}", messages.WARNING)
                continue
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d invoice updated.", "%(count)d invoices updated.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Record the payment"), permissions=["record"])
    def record_payment(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        self._record(request, queryset, paid=True)

    @admin.action(description=_("Record a failed payment"), permissions=["record"])
    def record_failure(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        self._record(request, queryset, paid=False)

    # --- documents and exports -----------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("exports/", view(self.exports_view), name="billing_invoice_exports"),
            path("<int:pk>/html/", view(self.html_view), name="billing_invoice_html"),
            path("<int:pk>/pdf/", view(self.pdf_view), name="billing_invoice_pdf"),
            *super().get_urls(),
        ]

    def _viewable(self, request: HttpRequest, pk: int) -> Invoice:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Invoice.objects.prefetch_related("lines"), pk=pk)

    def html_view(self, request: HttpRequest, pk: int) -> TemplateResponse:
        invoice = self._viewable(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "title": str(invoice),
            "opts": self.model._meta,
            "invoice": invoice,
            "doc": invoice_document(invoice),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "operator/billing/invoice.html", context)

    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        invoice = self._viewable(request, pk)
        response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.number}.pdf"'
        return response

    def exports_view(self, request: HttpRequest) -> HttpResponseBase:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = BillingExportForm(request.GET if request.GET else None)
        if form.is_bound and form.is_valid():
            return billing_export_response(**form.cleaned_data)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Billing exports"),
            "opts": self.model._meta,
            "form": form,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "operator/billing/exports.html", context, status=400 if form.is_bound else 200
        )


class BillingExportForm(forms.Form):
    KINDS = (
        ("invoices", _("Invoices issued in the period")),
        ("payments", _("Payments recorded in the period")),
        ("sellers", _("Yearly report per seller (DAC7): year of the first date")),
    )

    kind = forms.ChoiceField(
        label=_("File"), choices=KINDS, initial="invoices", widget=forms.RadioSelect
    )
    city = SafeModelChoiceField(queryset=City.objects.order_by("name"), label=_("City"))
    first = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    last = forms.DateField(
        label=_("To (included)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first"), cleaned.get("last")
        if first is not None and last is not None and last < first:
            self.add_error("last", _("The end comes after the start."))
        return cleaned


def billing_export_response(*, kind: str, city: City, first: date, last: date) -> HttpResponseBase:
    match kind:
        case "payments":
            header, rows = payment_header(), payment_rows(first=first, last=last, city=city)
            name = f"payments-{city.slug}-{first}-{last}"
        case "sellers":
            header, rows = seller_year_header(), seller_year_rows(city=city, year=first.year)
            name = f"sellers-{city.slug}-{first.year}"
        case _:
            header, rows = invoice_header(), invoice_rows(first=first, last=last, city=city)
            name = f"invoices-{city.slug}-{first}-{last}"
    response = StreamingHttpResponse(
        csv_stream(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@admin.register(BillingEvent)
class BillingEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "shop", "invoice", "actor", "note")
    list_filter = ("kind", "shop__city")
    list_select_related = ("shop", "invoice", "actor")
    search_fields = ("shop__name", "invoice__number", "note")
    show_full_result_count = False
    ordering = ("-at", "-pk")

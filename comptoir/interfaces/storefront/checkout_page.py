"""What the checkout page shows: slots by day, delivery quotes, the legal summary.

`checkout_page` builds, for the posted choices or the remembered ones, every
shop's section (collect or delivery, its slots grouped by day, the delivery
quote of the address typed, the customer's voucher that applies and why the
others do not, the totals with VAT on what is paid) and maps a refusal of
`checkout_place` once, to where the customer will look for it. The views in
checkout_views.py only parse, call the service and render this.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError
from comptoir.core.geo import distance_km
from comptoir.domain.accounts.models import Address, User
from comptoir.domain.cities.models import City
from comptoir.domain.deals.online import ShopVouchers, vouchers_for_basket_view
from comptoir.domain.fulfilment.errors import SlotFull, SlotUnavailable
from comptoir.domain.fulfilment.selectors import (
    DeliveryQuote,
    delivery_quote,
    delivery_settings_of,
    delivery_slots,
    load_delivery,
    pickup_slots,
)
from comptoir.domain.fulfilment.slots import Slot
from comptoir.domain.orders.errors import (
    BasketChange,
    BasketChanged,
    InvalidContact,
    OutOfStock,
    PaymentMethodUnavailable,
    Shortfall,
    VoucherChange,
    VoucherChanged,
)
from comptoir.domain.orders.models import Fulfilment, Order
from comptoir.domain.orders.selectors import BasketView, ShopBasket
from comptoir.domain.orders.totals import Totals, compute_totals
from comptoir.domain.shops.models import Shop
from comptoir.domain.shops.selectors import city_for_storefront, load_schedules
from comptoir.interfaces.storefront.checkout_forms import (
    CheckoutForm,
    Selection,
    address_key,
    expected_value,
    expected_vouchers_value,
    shop_field,
    slot_value,
    summary_key,
)

#: What the session remembers for the next checkout: kinds per shop, address,
#: contact; and the tokens of the checkouts this browser placed (guests' proof).
PREFERENCES_SESSION_KEY = "comptoir_checkout"
PLACED_SESSION_KEY = "comptoir_checkouts"
PLACED_REMEMBERED = 20
#: How far back a customer's orders are read to remember their choices.
RECENT_ORDERS = 30

CONTACT_MESSAGES = {
    "name": _("Enter your name."),
    "email": _("Enter a valid e-mail address, e.g. camille@example.fr."),
    "phone": _("Enter a phone number we can call, e.g. 06 12 34 56 78."),
}


def city_or_404(city_slug: str) -> City:
    try:
        return city_for_storefront(city_slug)
    except City.DoesNotExist as exc:
        raise Http404(city_slug) from exc


def basket_url(city: City) -> str:
    return reverse("storefront:basket", kwargs={"city_slug": city.slug})


def customer_of(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


# --- What the page shows ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlotOption:
    value: str
    starts_at: datetime  # local
    ends_at: datetime  # local
    checked: bool
    day_label: str


@dataclass(frozen=True, slots=True)
class SlotDay:
    day: date
    label: str
    options: list[SlotOption]

    @property
    def has_checked(self) -> bool:
        return any(option.checked for option in self.options)


@dataclass(slots=True)
class ShopSection:
    part: ShopBasket
    kinds: list[tuple[str, Any]]  # (value, translated label)
    kind: str
    collect_days: list[SlotDay]
    delivery_days: list[SlotDay]
    free_above: Decimal | None
    quote: DeliveryQuote | None
    quote_error: str
    totals: Totals
    chosen: SlotOption | None
    vouchers: ShopVouchers = field(default_factory=ShopVouchers)
    errors: list[str] = field(default_factory=list)

    @property
    def shop(self) -> Shop:
        return self.part.shop

    def field(self, name: str) -> str:
        return shop_field(self.shop.pk, name)

    @property
    def fulfilment_name(self) -> str:
        return self.field("fulfilment")

    @property
    def collect_name(self) -> str:
        return self.field("collect_slot")

    @property
    def delivery_name(self) -> str:
        return self.field("delivery_slot")

    @property
    def offers_delivery(self) -> bool:
        return self.shop.delivery_enabled

    @property
    def is_delivery(self) -> bool:
        return self.kind == Fulfilment.DELIVERY


@dataclass(slots=True)
class CheckoutPage:
    city: City
    basket: BasketView
    sections: list[ShopSection]
    form: CheckoutForm
    token: str
    address: dict[str, str]
    errors: list[str] = field(default_factory=list)
    changes: list[BasketChange] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    voucher_changes: list[VoucherChange] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((section.totals.total for section in self.sections), Decimal("0.00"))

    @property
    def delivering(self) -> bool:
        return any(section.is_delivery for section in self.sections)

    @property
    def expected(self) -> str:
        return expected_value(
            [
                (line.product.pk, line.product.price, line.quantity)
                for part in self.basket.shops
                for line in part.lines
            ]
        )

    @property
    def expected_vouchers(self) -> str:
        """The discounts the summary shows, checked again when the customer confirms."""
        return expected_vouchers_value(
            [
                (section.shop.pk, section.vouchers.code, section.totals.discount)
                for section in self.sections
                if section.totals.discount
            ]
        )

    @property
    def summary_key(self) -> str:
        data: dict[str, str] = {}
        for section in self.sections:
            data[section.fulfilment_name] = section.kind
            if section.chosen is not None:
                data[section.field(f"{section.kind}_slot")] = section.chosen.value
        return summary_key(data)


def day_label(day: date, today: date) -> str:
    if day == today:
        return gettext("Today")
    if day == today + timedelta(days=1):
        return gettext("Tomorrow")
    return formats.date_format(day, "l j F")


def _slot_days(slots: Sequence[Slot], chosen: str, city: City, today: date) -> list[SlotDay]:
    zone = city.zone
    values = [slot_value(slot.starts_at) for slot in slots]
    checked = chosen if chosen in values else (values[0] if values else "")
    days: dict[date, list[SlotOption]] = {}
    labels: dict[date, str] = {}  # "Today", "Tomorrow", "Friday 12": once per day, not per slot
    for slot, value in zip(slots, values, strict=True):
        starts, ends = slot.starts_at.astimezone(zone), slot.ends_at.astimezone(zone)
        day = starts.date()
        if day not in labels:
            labels[day] = day_label(day, today)
        days.setdefault(day, []).append(
            SlotOption(value, starts, ends, value == checked, labels[day])
        )
    return [SlotDay(day, options[0].day_label, options) for day, options in days.items()]


def _checked(days: Sequence[SlotDay]) -> SlotOption | None:
    return next((o for day in days for o in day.options if o.checked), None)


def _load_fulfilment_data(shops: Sequence[Shop], today: date) -> None:
    """Hours, closures and delivery rules of every shop of the basket, in four queries."""
    load_schedules(shops, from_day=today)
    load_delivery(shops)


@dataclass(frozen=True, slots=True)
class Remembered:
    """What the last checkouts chose: kind per shop, delivery address, contact."""

    kinds: dict[int, str]
    address: dict[str, str]
    contact: dict[str, str]


ADDRESS_COLUMNS = ("line1", "line2", "postal_code", "locality", "instructions")
#: A saved address further than this from a city's centre is not offered in its checkout.
SAVED_ADDRESS_MAX_KM = 40


def _near_city(address: Address, city: City) -> bool:
    """Whether a saved address may be offered in `city` (one without coordinates may)."""
    if address.latitude is None or address.longitude is None:
        return True
    distance = distance_km(address.latitude, address.longitude, city.latitude, city.longitude)
    return distance <= SAVED_ADDRESS_MAX_KM


def remembered_choices(request: HttpRequest, city: City) -> Remembered:
    """This browser's last choices, completed by the customer's account and last orders.

    The delivery address comes from `city` only: the address of a checkout in
    another city, a delivery there, or a saved address far from this city's
    centre is never offered (cities are isolated).
    """
    stored = request.session.get(PREFERENCES_SESSION_KEY, {})
    kinds = {int(pk): kind for pk, kind in stored.get("kinds", {}).items()}
    address: dict[str, Any] = (
        dict(stored.get("address", {})) if stored.get("address_city") == city.pk else {}
    )
    contact = {k: v for k, v in stored.get("contact", {}).items() if v}
    customer = customer_of(request)
    if customer is not None:
        contact = {
            "name": f"{customer.first_name} {customer.last_name}".strip(),
            "email": customer.email,
            "phone": customer.phone,
        } | contact
        recent = list(
            Order.objects.filter(customer=customer)
            .order_by("-placed_at", "-pk")
            .values(
                "shop_id",
                "city_id",
                "fulfilment",
                "contact_name",
                "contact_phone",
                "delivery_latitude",
                "delivery_longitude",
                *(f"delivery_{name}" for name in ADDRESS_COLUMNS),
            )[:RECENT_ORDERS]
        )
        for order in recent:
            kinds.setdefault(order["shop_id"], order["fulfilment"])
        for key, column in (("name", "contact_name"), ("phone", "contact_phone")):
            if recent and not contact.get(key):
                contact[key] = recent[0][column]
        if not address:
            saved = next(
                (a for a in Address.objects.filter(user=customer) if _near_city(a, city)), None
            )
            last = next(
                (
                    o
                    for o in recent
                    if o["fulfilment"] == Fulfilment.DELIVERY and o["city_id"] == city.pk
                ),
                None,
            )
            if saved is not None:
                address = {name: getattr(saved, name) for name in ADDRESS_COLUMNS}
                address |= {"latitude": saved.latitude, "longitude": saved.longitude}
            elif last is not None:
                address = {name: last[f"delivery_{name}"] for name in ADDRESS_COLUMNS}
                address |= {
                    "latitude": last["delivery_latitude"],
                    "longitude": last["delivery_longitude"],
                }
    return Remembered(kinds=kinds, address=_initial_address(address), contact=contact)


def _initial_address(address: dict[str, Any]) -> dict[str, str]:
    """An address as the form's fields hold it, with the key its coordinates belong to."""
    values = {name: "" if value is None else str(value) for name, value in address.items()}
    if values.get("latitude") and values.get("longitude"):
        values["located_for"] = address_key(values.get("line1", ""), values.get("postal_code", ""))
    return {name: values.get(name, "") for name in CheckoutForm.ADDRESS_FIELDS}


def _coordinate(address: dict[str, str], name: str, limit: int) -> Decimal | None:
    try:
        value = Decimal(address.get(name, ""))
    except ArithmeticError:
        return None
    return value if value.is_finite() and abs(value) <= limit else None


def _quote(part: ShopBasket, address: dict[str, str]) -> tuple[DeliveryQuote | None, str]:
    """The delivery quote of the address typed, or why it cannot be delivered."""
    if not part.shop.delivery_enabled or not address.get("postal_code", "").strip():
        return None, ""
    latitude = longitude = None
    if address.get("located_for") == address_key(
        address.get("line1", ""), address.get("postal_code", "")
    ):
        latitude, longitude = (
            _coordinate(address, "latitude", 90),
            _coordinate(address, "longitude", 180),
        )
        if latitude is None or longitude is None:
            latitude = longitude = None
    try:
        quote = delivery_quote(
            shop=part.shop,
            latitude=latitude,
            longitude=longitude,
            postal_code=address.get("postal_code", ""),
            subtotal=part.totals.subtotal,
            line1=address.get("line1", ""),
            locality=address.get("locality", ""),
        )
    except DomainError as error:
        return None, str(error)
    return quote, ""


def checkout_page(
    *,
    city: City,
    basket: BasketView,
    form: CheckoutForm,
    now: datetime,
    remembered: Remembered | None = None,
    refusal: DomainError | None = None,
    customer: User | None = None,
) -> CheckoutPage:
    """Everything the checkout page shows, for the posted choices or the remembered ones.

    `customer`: the logged-in customer, whose best voucher per shop applies.
    """
    today = now.astimezone(city.zone).date()
    shops = [part.shop for part in basket.shops]
    _load_fulfilment_data(shops, today)
    remembered_kinds = remembered.kinds if remembered is not None else {}
    if form.is_bound or remembered is None:
        selection = Selection.from_data(form.data, shops)
    else:
        selection = Selection(kinds={}, slots={}, address=remembered.address)
    address = selection.address
    vouchers = vouchers_for_basket_view(basket, customer=customer, now=now)
    sections = []
    for part in basket.shops:
        shop = part.shop
        products = [line.product for line in part.lines]
        kinds = [
            (kind, label)
            for kind, label in Fulfilment.choices
            if (shop.collect_enabled if kind == Fulfilment.COLLECT else shop.delivery_enabled)
        ]
        offered = [kind for kind, _label in kinds]
        quote, quote_error = _quote(part, address)
        kind = selection.kinds.get(shop.pk) or remembered_kinds.get(shop.pk, "")
        if kind == Fulfilment.DELIVERY and not form.is_bound and quote is None:
            kind = ""  # remembered, but this address or basket cannot be delivered now
        if kind not in offered:
            kind = offered[0] if offered else Fulfilment.COLLECT
        chosen = selection.slots.get(shop.pk, "")
        # A kind the shop does not offer has no slots, and costs no query.
        collect = pickup_slots(shop=shop, products=products, now=now)
        delivery = delivery_slots(shop=shop, products=products, now=now)
        collect_days = _slot_days(
            collect, chosen if kind == Fulfilment.COLLECT else "", city, today
        )
        delivery_days = _slot_days(
            delivery, chosen if kind == Fulfilment.DELIVERY else "", city, today
        )
        fee = quote.fee if kind == Fulfilment.DELIVERY and quote is not None else Decimal("0.00")
        applied = vouchers[shop.pk].applied
        discounts = applied.line_discounts if applied is not None else None
        sections.append(
            ShopSection(
                part=part,
                kinds=kinds,
                kind=kind,
                collect_days=collect_days,
                delivery_days=delivery_days,
                free_above=delivery_settings_of(shop).free_above,
                quote=quote,
                quote_error=quote_error,
                totals=compute_totals(
                    [_Priced(line) for line in part.lines], delivery_fee=fee, discounts=discounts
                ),
                chosen=_checked(collect_days if kind == Fulfilment.COLLECT else delivery_days),
                vouchers=vouchers[shop.pk],
            )
        )
    page = CheckoutPage(
        city=city,
        basket=basket,
        sections=sections,
        form=form,
        token=secrets.token_urlsafe(24),
        address=address,
    )
    # A refusal comes with a valid form: map it first, so that an error it
    # puts on a field the page shows at the top (payment) is listed there.
    if refusal is not None:
        _refusal_messages(page, refusal)
    if form.is_bound:
        _form_errors(page)
    return page


@dataclass(frozen=True, slots=True)
class _Priced:
    """A basket line as `compute_totals` reads it."""

    view: Any

    @property
    def unit_price(self) -> Decimal:
        return self.view.product.price

    @property
    def quantity(self) -> int:
        return self.view.quantity

    @property
    def vat_rate(self) -> Decimal:
        return self.view.product.vat_rate


HIDDEN_FIELDS = (
    "token",
    "expected",
    "vouchers",
    "summary_key",
    "latitude",
    "longitude",
    "located_for",
)


def _form_errors(page: CheckoutPage) -> None:
    """Errors of fields the customer cannot see go to the top; per shop ones to the shop."""
    form = page.form
    page.errors += [str(e) for e in form.non_field_errors()]
    for name in (*HIDDEN_FIELDS, "payment_method"):
        if name in form.errors and name == "token":
            page.errors.append(gettext("This checkout form has expired. Please confirm again."))
        elif name in form.errors:
            page.errors += [str(e) for e in form.errors[name]]
    for section in page.sections:
        for name in ("fulfilment", "collect_slot", "delivery_slot"):
            section.errors += [str(e) for e in form.errors.get(section.field(name), [])]


def _refusal_messages(page: CheckoutPage, error: DomainError) -> None:
    """Map a refusal of `checkout_place` once, to where the customer will look for it."""
    if isinstance(error, BasketChanged):
        page.changes = error.changes
        return
    if isinstance(error, OutOfStock):
        page.shortfalls = error.shortfalls
        return
    if isinstance(error, VoucherChanged):
        page.voucher_changes = error.voucher_changes
        return
    if isinstance(error, InvalidContact):
        for name in error.fields:
            page.form.add_error(name, str(CONTACT_MESSAGES.get(name, error)))
        return
    if isinstance(error, PaymentMethodUnavailable):
        page.form.add_error("payment_method", str(error))
        return
    if isinstance(error, SlotFull | SlotUnavailable):
        starts = slot_value(error.starts_at)
        matching = [
            s for s in page.sections if page.form.data.get(s.field(f"{s.kind}_slot")) == starts
        ]
        for section in matching or page.sections:
            section.errors.append(str(error))
        return
    if error.code in {
        "outside_delivery_zone",
        "address_not_located",
        "below_delivery_minimum",
        "delivery_unavailable",
    }:
        located = [s for s in page.sections if s.is_delivery and s.quote_error]
        if located:
            for section in located:
                section.errors.append(section.quote_error)
            return
    page.errors.append(str(error))

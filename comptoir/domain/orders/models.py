"""Baskets, checkouts and the orders they place (one order per shop).

Money columns are `Decimal`s to the cent. Equalities between money columns
(total = subtotal - discount + fee, line total = unit price x quantity) are checked with a
half-cent tolerance: SQLite stores decimals as binary floats, where
0.1 + 0.2 != 0.3; amounts are always whole cents, so the tolerance still
refuses any real discrepancy of a cent or more.

Order rows are business records: nothing a shop or customer deletes may take
them away (shop, city and checkout are PROTECTed; a deleted customer account or
product leaves the order with its snapshots and a NULL link).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Abs, Length, Upper
from django.db.models.lookups import Exact, LessThan
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.core.fields import PhoneNumberField
from comptoir.core.geo import latitude_range, longitude_range
from comptoir.domain.catalogue.models import VAT_RATES, Product, Unit
from comptoir.domain.cities.models import City
from comptoir.domain.shops.models import Shop

#: Most of one product a basket line (and so an order line) may hold.
MAX_LINE_QUANTITY = 99
PICKUP_CODE_LENGTH = 6
#: No 0/O, 1/I/L: a code read aloud over a counter or a phone stays unambiguous.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
HALF_CENT = Decimal("0.005")


def _equal_to_the_cent(left: models.Expression | models.F, right: models.Expression) -> models.Q:
    return models.Q(LessThan(Abs(left - right), models.Value(HALF_CENT)))


class OrderState(models.TextChoices):
    PLACED = "placed", pgettext_lazy("order state", "Placed")
    ACCEPTED = "accepted", pgettext_lazy("order state", "Accepted")
    READY = "ready", pgettext_lazy("order state", "Ready")
    COLLECTED = "collected", pgettext_lazy("order state", "Collected")
    OUT_FOR_DELIVERY = "out_for_delivery", pgettext_lazy("order state", "Out for delivery")
    DELIVERED = "delivered", pgettext_lazy("order state", "Delivered")
    REFUSED = "refused", pgettext_lazy("order state", "Refused")
    CANCELLED = "cancelled", pgettext_lazy("order state", "Cancelled")
    NO_SHOW = "no_show", pgettext_lazy("order state", "Not collected")


#: States in which an order still holds its pickup code at the counter.
OPEN_STATES = (
    OrderState.PLACED,
    OrderState.ACCEPTED,
    OrderState.READY,
    OrderState.OUT_FOR_DELIVERY,
)


class Fulfilment(models.TextChoices):
    COLLECT = "collect", _("Click & collect")
    DELIVERY = "delivery", _("Home delivery")


class PaymentMethod(models.TextChoices):
    AT_SHOP = "at_shop", _("Pay at the shop")


class PaymentState(models.TextChoices):
    UNPAID = "unpaid", pgettext_lazy("payment", "Unpaid")
    PAID = "paid", pgettext_lazy("payment", "Paid")
    REFUNDED = "refunded", pgettext_lazy("payment", "Refunded")


class Basket(models.Model):
    """A customer's basket in one city: a user's, or an anonymous session's (never both)."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="+", verbose_name=_("city")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="baskets",
        verbose_name=_("customer"),
    )
    session_key = models.CharField(_("session key"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("basket")
        verbose_name_plural = _("baskets")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "user"],
                condition=models.Q(user__isnull=False),
                name="orders_basket_one_per_user_and_city",
            ),
            models.UniqueConstraint(
                fields=["city", "session_key"],
                condition=~models.Q(session_key=""),
                name="orders_basket_one_per_session_and_city",
            ),
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False) & models.Q(session_key=""))
                | (models.Q(user__isnull=True) & ~models.Q(session_key="")),
                name="orders_basket_user_xor_session",
            ),
        ]

    def __str__(self) -> str:
        return f"basket {self.pk}"


class BasketLine(models.Model):
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="+", verbose_name=_("city")
    )
    basket = models.ForeignKey(
        Basket, on_delete=models.CASCADE, related_name="lines", verbose_name=_("basket")
    )
    # A product deleted from the catalogue simply leaves the baskets holding it.
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="+", verbose_name=_("product")
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("basket line")
        verbose_name_plural = _("basket lines")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["basket", "product"], name="orders_basketline_one_per_product"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=MAX_LINE_QUANTITY),
                name="orders_basketline_quantity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"


class Checkout(models.Model):
    """One placement of a basket: groups the orders it created, one per shop.

    `token` is the idempotency key the checkout form carries: a second request
    with the same token (double click, two tabs, retry) gets this checkout back.
    """

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="+", verbose_name=_("city")
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checkouts",
        verbose_name=_("customer"),
    )
    token = models.CharField(_("idempotency key"), max_length=64)
    contact_name = models.CharField(_("name"), max_length=150)
    contact_email = models.EmailField(_("e-mail"))
    contact_phone = PhoneNumberField(_("phone"))
    created_at = models.DateTimeField(_("placed at"))

    class Meta:
        verbose_name = _("checkout")
        verbose_name_plural = _("checkouts")
        constraints = [
            models.UniqueConstraint(fields=["token"], name="orders_checkout_token_unique"),
            models.CheckConstraint(
                condition=~models.Q(token=""),
                name="orders_checkout_token_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"checkout {self.pk}"


class Order(models.Model):
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="+", verbose_name=_("city")
    )
    shop = models.ForeignKey(
        Shop, on_delete=models.PROTECT, related_name="orders", verbose_name=_("shop")
    )
    checkout = models.ForeignKey(
        Checkout, on_delete=models.PROTECT, related_name="orders", verbose_name=_("checkout")
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("customer"),
    )
    contact_name = models.CharField(_("name"), max_length=150)
    contact_email = models.EmailField(_("e-mail"))
    contact_phone = PhoneNumberField(_("phone"))

    number = models.CharField(_("order number"), max_length=12)
    pickup_code = models.CharField(_("pickup code"), max_length=PICKUP_CODE_LENGTH)
    state = models.CharField(
        _("state"), max_length=20, choices=OrderState.choices, default=OrderState.PLACED
    )
    fulfilment = models.CharField(_("fulfilment"), max_length=10, choices=Fulfilment.choices)
    slot_starts_at = models.DateTimeField(_("slot starts at"))
    slot_ends_at = models.DateTimeField(_("slot ends at"))

    # Delivery address, copied at checkout; empty for click & collect.
    delivery_recipient = models.CharField(_("recipient"), max_length=150, blank=True)
    delivery_line1 = models.CharField(_("address"), max_length=200, blank=True)
    delivery_line2 = models.CharField(_("address (continued)"), max_length=200, blank=True)
    delivery_postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    delivery_locality = models.CharField(_("town"), max_length=100, blank=True)
    delivery_instructions = models.CharField(_("delivery instructions"), max_length=300, blank=True)
    delivery_latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    delivery_longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    subtotal = models.DecimalField(_("subtotal incl. VAT"), max_digits=10, decimal_places=2)
    delivery_fee = models.DecimalField(
        _("delivery fee incl. VAT"), max_digits=8, decimal_places=2, default=Decimal("0.00")
    )
    #: What a deal's voucher took off (the sum of the lines' discounts); 0 without one.
    discount = models.DecimalField(
        _("discount incl. VAT"), max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    #: The code of the voucher used online, as it was (the voucher row links back).
    voucher_code = models.CharField(_("voucher"), max_length=9, blank=True)
    total = models.DecimalField(_("total incl. VAT"), max_digits=10, decimal_places=2)
    payment_method = models.CharField(
        _("payment method"),
        max_length=20,
        choices=PaymentMethod.choices,
        default=PaymentMethod.AT_SHOP,
    )
    payment_state = models.CharField(
        _("payment"), max_length=20, choices=PaymentState.choices, default=PaymentState.UNPAID
    )
    placed_at = models.DateTimeField(_("placed at"))
    # Set when the shop accepts: when the customer can come (or the courier leaves).
    ready_by = models.DateTimeField(_("ready by"), null=True, blank=True)
    # Set once when an unanswered order escalates (louder desk, owner told).
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-pk"]
        indexes = [
            models.Index(fields=["shop", "state", "slot_starts_at"], name="orders_shop_desk"),
            models.Index(fields=["customer", "-placed_at"], name="orders_customer_history"),
            models.Index(fields=["city", "placed_at"], name="orders_city_placed"),
            # The escalation sweep reads placed orders by age across the city.
            models.Index(
                fields=["placed_at"],
                condition=models.Q(state="placed"),
                name="orders_waiting_for_shop",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="orders_order_number_unique"),
            # A code identifies an order at the counter while it is open; once
            # the order is over, the shop may see the code again one day.
            models.UniqueConstraint(
                fields=["shop", "pickup_code"],
                condition=models.Q(state__in=OPEN_STATES),
                name="orders_order_pickup_code_unique_open_in_shop",
            ),
            models.CheckConstraint(
                condition=models.Q(Exact(Length("pickup_code"), PICKUP_CODE_LENGTH))
                & models.Q(pickup_code=Upper("pickup_code")),
                name="orders_order_pickup_code_format",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=OrderState.values), name="orders_order_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(fulfilment__in=Fulfilment.values),
                name="orders_order_fulfilment_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(payment_method__in=PaymentMethod.values),
                name="orders_order_payment_method_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(payment_state__in=PaymentState.values),
                name="orders_order_payment_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(slot_ends_at__gt=models.F("slot_starts_at")),
                name="orders_order_slot_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(subtotal__gte=0, delivery_fee__gte=0, total__gte=0),
                name="orders_order_money_non_negative",
            ),
            models.CheckConstraint(
                condition=_equal_to_the_cent(
                    models.F("total"),
                    models.F("subtotal") - models.F("discount") + models.F("delivery_fee"),
                ),
                name="orders_order_total_is_subtotal_less_discount_plus_fee",
            ),
            # A voucher never takes off more than the goods (the fee is never discounted).
            models.CheckConstraint(
                condition=models.Q(discount=0)
                | models.Q(discount__gt=0, discount__lte=models.F("subtotal")),
                name="orders_order_discount_within_subtotal",
            ),
            models.CheckConstraint(
                condition=models.Q(discount=0) | ~models.Q(voucher_code=""),
                name="orders_order_discount_has_voucher",
            ),
            # A delivery needs a postal address; coordinates only when known (a
            # shop that delivers by postcode needs none, and guests type theirs).
            models.CheckConstraint(
                condition=~models.Q(fulfilment=Fulfilment.DELIVERY)
                | (
                    ~models.Q(delivery_line1="")
                    & ~models.Q(delivery_postal_code="")
                    & ~models.Q(delivery_locality="")
                ),
                name="orders_order_delivery_has_address",
            ),
            models.CheckConstraint(
                condition=~models.Q(fulfilment=Fulfilment.COLLECT)
                | models.Q(
                    delivery_line1="",
                    delivery_postal_code="",
                    delivery_locality="",
                    delivery_latitude__isnull=True,
                    delivery_longitude__isnull=True,
                    delivery_fee=0,
                ),
                name="orders_order_collect_has_no_address_nor_fee",
            ),
            models.CheckConstraint(
                condition=latitude_range("delivery_latitude", nullable=True),
                name="orders_order_latitude_range",
            ),
            models.CheckConstraint(
                condition=longitude_range("delivery_longitude", nullable=True),
                name="orders_order_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    """What was bought, as it was sold: name, unit, price and VAT rate are snapshots.

    The product link is SET_NULL rather than PROTECT: a shop may delete a
    product it sold (it should not have to keep it forever), and the order
    keeps everything it needs to be read and totalled from its snapshots.
    """

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="+", verbose_name=_("city")
    )
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    product_name = models.CharField(_("product"), max_length=120)
    unit = models.CharField(_("unit of sale"), max_length=10, choices=Unit.choices)
    unit_price = models.DecimalField(_("unit price incl. VAT"), max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=4, decimal_places=2)
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    line_total = models.DecimalField(_("line total incl. VAT"), max_digits=10, decimal_places=2)
    #: This line's share of the order's discount (what is paid: line_total - discount).
    discount = models.DecimalField(
        _("discount incl. VAT"), max_digits=10, decimal_places=2, default=Decimal("0.00")
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=MAX_LINE_QUANTITY),
                name="orders_orderline_quantity_range",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="orders_orderline_price_non_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(vat_rate__in=VAT_RATES), name="orders_orderline_vat_rate_valid"
            ),
            models.CheckConstraint(
                condition=_equal_to_the_cent(
                    models.F("line_total"), models.F("unit_price") * models.F("quantity")
                ),
                name="orders_orderline_total_is_price_times_quantity",
            ),
            models.CheckConstraint(
                condition=models.Q(discount=0)
                | models.Q(discount__gt=0, discount__lte=models.F("line_total")),
                name="orders_orderline_discount_within_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_name}"


class OrderEvent(models.Model):
    """One step of an order's life: who moved it from which state to which, when and why."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="+", verbose_name=_("city")
    )
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="events", verbose_name=_("order")
    )
    from_state = models.CharField(
        pgettext_lazy("order state", "from"), max_length=20, choices=OrderState.choices, blank=True
    )  # empty for the order's first event (nothing -> placed)
    to_state = models.CharField(
        pgettext_lazy("order state", "to"), max_length=20, choices=OrderState.choices
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_state__in=OrderState.values),
                name="orders_orderevent_to_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(from_state="") | models.Q(from_state__in=OrderState.values),
                name="orders_orderevent_from_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"

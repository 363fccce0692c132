"""A shop's deal ("bon plan") and the vouchers customers claim from it.

A `Deal` says what is offered (`kind`: a percentage or an amount off, a free
item, n for the price of m), on which products (the whole shop or a list),
when (start and end instants, optionally some weekdays and a daily time
window, read in the city's time zone), how many (`total_cap` vouchers in all,
`per_customer_limit` each) and where (in the shop, online, or both).

Claiming gives a `Voucher`: a short code (and its QR code) redeemed once, at
the counter or with an online order. The counters on the deal
(`claimed_count`, `redeemed_count`) are changed by conditional UPDATEs so
that the cap holds under concurrency; the database checks it too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.domain.catalogue.models import Product
from comptoir.domain.cities.models import City
from comptoir.domain.shops.models import Shop

#: Voucher codes: 8 characters without 0/O and 1/I/L, shown as "K7QF-3M2X".
VOUCHER_CODE_LENGTH = 9
#: Every weekday (bit 0 = Monday … bit 6 = Sunday).
EVERY_DAY = 0b1111111


class DealKind(models.TextChoices):
    PERCENT_OFF = "percent_off", _("Percentage off")
    AMOUNT_OFF = "amount_off", _("Amount off")
    FREE_ITEM = "free_item", _("Free item")
    N_FOR_M = "n_for_m", _("n for the price of m")


class DealState(models.TextChoices):
    LIVE = "live", pgettext_lazy("deal state", "Live")
    PAUSED = "paused", pgettext_lazy("deal state", "Paused")
    ENDED = "ended", pgettext_lazy("deal state", "Ended")


class Deal(models.Model):
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="+", verbose_name=_("city")
    )
    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="deals", verbose_name=_("shop")
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="deals/", blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=DealKind.choices)
    #: PERCENT_OFF: 1 to 100.
    percent = models.PositiveSmallIntegerField(_("percentage off"), null=True, blank=True)
    #: AMOUNT_OFF: taken off the eligible products of one order or purchase.
    amount = models.DecimalField(
        _("amount off"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    #: FREE_ITEM: one of this product offered with the purchase.
    free_product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("free product"),
    )
    #: N_FOR_M: buy `buy_quantity` of the eligible products, pay `pay_quantity`.
    buy_quantity = models.PositiveSmallIntegerField(_("buy"), null=True, blank=True)
    pay_quantity = models.PositiveSmallIntegerField(_("pay"), null=True, blank=True)
    whole_shop = models.BooleanField(_("whole shop"), default=True)
    products = models.ManyToManyField(
        Product, blank=True, related_name="deals", verbose_name=_("products")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    #: Weekdays the deal can be used on, in the city's time zone (bit 0 = Monday).
    weekdays = models.PositiveSmallIntegerField(_("weekdays"), default=EVERY_DAY)
    #: A daily window (city time), or none for the whole day.
    daily_from = models.TimeField(_("from (each day)"), null=True, blank=True)
    daily_until = models.TimeField(_("until (each day)"), null=True, blank=True)
    #: Vouchers that can be claimed in all; None: no limit.
    total_cap = models.PositiveIntegerField(_("vouchers in all"), null=True, blank=True)
    per_customer_limit = models.PositiveSmallIntegerField(_("vouchers per customer"), default=1)
    in_store = models.BooleanField(_("in the shop"), default=True)
    online = models.BooleanField(_("with an online order"), default=True)
    terms = models.TextField(_("terms"), blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=DealState.choices, default=DealState.LIVE
    )
    #: Set by the operator (moderation): hidden from customers, the reason shown to the shop.
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.CharField(_("why it is hidden"), max_length=300, blank=True)
    claimed_count = models.PositiveIntegerField(_("vouchers claimed"), default=0)
    redeemed_count = models.PositiveIntegerField(_("vouchers redeemed"), default=0)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes = [models.Index(fields=["city", "ends_at"], name="deals_deal_city_ends")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="deals_deal_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in DealKind]), name="deals_deal_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in DealState]), name="deals_deal_state_valid"
            ),
            models.CheckConstraint(
                # Each of these terms says "is not null" too: a CHECK lets NULL through.
                condition=~Q(kind=DealKind.PERCENT_OFF)
                | Q(percent__isnull=False, percent__gte=1, percent__lte=100),
                name="deals_deal_percent_set",
            ),
            models.CheckConstraint(
                condition=~Q(kind=DealKind.AMOUNT_OFF) | Q(amount__isnull=False, amount__gt=0),
                name="deals_deal_amount_set",
            ),
            models.CheckConstraint(
                condition=~Q(kind=DealKind.FREE_ITEM) | Q(free_product__isnull=False),
                name="deals_deal_free_product_set",
            ),
            models.CheckConstraint(
                condition=~Q(kind=DealKind.N_FOR_M)
                | Q(
                    buy_quantity__isnull=False,
                    pay_quantity__isnull=False,
                    pay_quantity__gte=1,
                    buy_quantity__gt=F("pay_quantity"),
                ),
                name="deals_deal_n_for_m_set",
            ),
            models.CheckConstraint(
                condition=Q(weekdays__gte=1, weekdays__lte=EVERY_DAY),
                name="deals_deal_weekdays_valid",
            ),
            models.CheckConstraint(
                condition=Q(daily_from__isnull=True, daily_until__isnull=True)
                | Q(
                    daily_from__isnull=False,
                    daily_until__isnull=False,
                    daily_until__gt=F("daily_from"),
                ),
                name="deals_deal_daily_window_valid",
            ),
            models.CheckConstraint(
                condition=Q(in_store=True) | Q(online=True), name="deals_deal_usable_somewhere"
            ),
            models.CheckConstraint(
                condition=Q(per_customer_limit__gte=1), name="deals_deal_per_customer_positive"
            ),
            models.CheckConstraint(
                condition=Q(total_cap__isnull=True) | Q(claimed_count__lte=F("total_cap")),
                name="deals_deal_cap_holds",
            ),
            models.CheckConstraint(
                condition=Q(redeemed_count__lte=F("claimed_count")),
                name="deals_deal_redeemed_within_claimed",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RedeemedVia(models.TextChoices):
    STORE = "store", _("in the shop")
    ONLINE = "online", _("with an online order")


class Voucher(models.Model):
    """One claim of a deal by a customer: a code redeemed at most once.

    `number` counts the customer's vouchers of the deal (1, 2…): unique per
    (deal, customer), with `number <= per_customer_limit` checked by the claim,
    so a double click cannot give one customer more than their share.
    """

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="+", verbose_name=_("city")
    )
    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="vouchers", verbose_name=_("shop")
    )
    deal = models.ForeignKey(
        Deal, on_delete=models.CASCADE, related_name="vouchers", verbose_name=_("deal")
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vouchers",
        verbose_name=_("customer"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.CharField(_("code"), max_length=VOUCHER_CODE_LENGTH, unique=True)
    claimed_at = models.DateTimeField(_("claimed at"))
    redeemed_at = models.DateTimeField(_("redeemed at"), null=True, blank=True)
    redeemed_via = models.CharField(
        _("redeemed"), max_length=6, choices=RedeemedVia.choices, blank=True
    )
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("redeemed by"),
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vouchers",
        verbose_name=_("order"),
    )

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "customer", "number"], name="deals_voucher_one_number_per_customer"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="deals_voucher_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(redeemed_at__isnull=True, redeemed_via="")
                | Q(redeemed_at__isnull=False, redeemed_via__in=["store", "online"]),
                name="deals_voucher_redemption_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.code


# --- The weekly digest ------------------------------------------------------------------


class DigestSubscription(models.Model):
    """A customer asked for the weekly e-mail of the city's new deals (opt-in)."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_subscriptions",
        verbose_name=_("customer"),
    )
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="+", verbose_name=_("city")
    )
    created_at = models.DateTimeField(_("subscribed at"))

    class Meta:
        verbose_name = _("deals digest subscription")
        verbose_name_plural = _("deals digest subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "city"], name="deals_digestsubscription_one_per_city"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.city_id}"


class DigestDelivery(models.Model):
    """One subscription's digest of one ISO week: at most one, whatever runs twice.

    Written when the week becomes due (`digest_due`); `done_at` is set, in the
    transaction that records the e-mail in the outbox, by the one task that
    wins the conditional UPDATE. `deal_count` 0: nothing new, no e-mail.
    """

    subscription = models.ForeignKey(
        DigestSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    iso_year = models.PositiveSmallIntegerField(_("ISO year"))
    iso_week = models.PositiveSmallIntegerField(_("ISO week"))
    created_at = models.DateTimeField(_("due since"))
    #: When its task was queued; null: none queued yet (the next run queues one).
    enqueued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    deal_count = models.PositiveIntegerField(_("deals in the e-mail"), default=0)

    class Meta:
        verbose_name = _("deals digest delivery")
        verbose_name_plural = _("deals digest deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "iso_year", "iso_week"],
                name="deals_digestdelivery_once_per_week",
            ),
            models.CheckConstraint(
                condition=Q(iso_week__gte=1, iso_week__lte=53),
                name="deals_digestdelivery_week_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(done_at__isnull=True),
                name="deals_digest_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.iso_year}-W{self.iso_week:02d}"

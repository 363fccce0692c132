"""What shops sell: categories and products.

Prices are VAT-inclusive `Decimal`s (what French customers see on the label);
the VAT rate is stored per product so that totals can be broken down later.
`stock` is a count, or NULL for made-to-order items that never run out.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.domain.catalogue.allergens import ALL_ALLERGENS, AllergenSetField
from comptoir.domain.cities.models import City
from comptoir.domain.shops.models import Shop


class VatRate(models.TextChoices):
    """French VAT rates that a shop can apply (stored as a percentage)."""

    SUPER_REDUCED = "2.10", "2,1 %"
    REDUCED = "5.50", "5,5 %"
    INTERMEDIATE = "10.00", "10 %"
    STANDARD = "20.00", "20 %"


VAT_RATES = [Decimal(v) for v in VatRate.values]

# Slots are offered a week or so ahead: a longer preparation time is a typo.
MAX_LEAD_TIME_MINUTES = 30 * 24 * 60


class Unit(models.TextChoices):
    PIECE = "piece", pgettext_lazy("unit", "piece")
    KG = "kg", pgettext_lazy("unit", "kg")
    HUNDRED_GRAMS = "100g", pgettext_lazy("unit", "100 g")
    LITRE = "l", pgettext_lazy("unit", "litre")
    BOTTLE = "bottle", pgettext_lazy("unit", "bottle")
    DOZEN = "dozen", pgettext_lazy("unit", "dozen")
    BUNCH = "bunch", pgettext_lazy("unit", "bunch")
    PACK = "pack", pgettext_lazy("unit", "pack")
    SLICE = "slice", pgettext_lazy("unit", "slice")
    PERSON = "person", pgettext_lazy("unit", "per person")


class Category(models.Model):
    """A shelf of a shop's catalogue (Breads, Viennoiseries…), in the shop's order."""

    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="categories", verbose_name=_("shop")
    )
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["shop", "position", "name"]
        constraints = [
            # "Pains" and "pains" are one shelf.
            models.UniqueConstraint(
                "shop",
                Lower("name"),
                name="catalogue_category_unique_name",
                violation_error_message=_("This shop already has a category with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


#: Third URL segments that belong to the shop's pages (/<city>/<shop>/terms/):
#: a product's slug is never one of these.
RESERVED_PRODUCT_SLUGS = frozenset({"terms"})


UNIT_LABELS = dict(Unit.choices)


class Product(models.Model):
    # The city is copied from the shop so that every large table can be
    # partitioned (sharded) by city later without a join.
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="+", verbose_name=_("city")
    )
    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="products", verbose_name=_("shop")
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("category"),
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140)
    # The shop's own code for the product (its till's, its spreadsheet's): CSV
    # imports update the product with the same reference instead of adding one.
    reference = models.CharField(
        _("reference"),
        max_length=40,
        blank=True,
        help_text=_("Your own code for this product (optional); a CSV import updates by it."),
    )
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(
        _("price incl. VAT"),
        max_digits=10,
        decimal_places=2,
        help_text=_("In euros, VAT included."),
    )
    vat_rate = models.DecimalField(
        _("VAT rate"),
        max_digits=4,
        decimal_places=2,
        choices=[(Decimal(v), label) for v, label in VatRate.choices],
        default=Decimal(VatRate.REDUCED),
    )
    unit = models.CharField(
        _("unit of sale"), max_length=10, choices=Unit.choices, default=Unit.PIECE
    )
    allergens = AllergenSetField(_("allergens"))
    photo = models.ImageField(_("photo"), upload_to="products/", blank=True)
    photo_thumbnail = models.ImageField(_("thumbnail"), upload_to="products/thumbs/", blank=True)
    stock = models.PositiveIntegerField(
        _("stock"),
        null=True,
        blank=True,
        help_text=_("Leave empty for made-to-order products that never run out."),
    )
    is_active = models.BooleanField(
        _("on sale"), default=True, help_text=_("Products not on sale are hidden from customers.")
    )
    # "Sold out today": set by one tap in the back office to the shop's next
    # opening; customers cannot order it until then. NULL: not sold out by hand.
    sold_out_until = models.DateTimeField(_("sold out until"), null=True, blank=True)
    # Fulfilment (see comptoir/domain/fulfilment): when the product can be handed over.
    lead_time_minutes = models.PositiveIntegerField(
        _("preparation time (minutes)"),
        null=True,
        blank=True,
        help_text=_("Empty: the shop's preparation time. 2880 (48 h) for a cake to order."),
    )
    daily_quota = models.PositiveIntegerField(
        _("daily quota"),
        null=True,
        blank=True,
        help_text=_("How many can be handed over per day; leave empty for no limit."),
    )
    preorder_on = models.DateField(
        _("pre-order date"),
        null=True,
        blank=True,
        help_text=_("Only collected or delivered on this date (a Christmas log on 24 December)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by the database on every UPDATE of the row, whatever writes it (a
    # save, an order's conditional UPDATE, a bulk update, raw SQL, another
    # process): a trigger, catalogue/revision.py. The shop page's cache key reads
    # (id, revision) instead of every column (interfaces/storefront/shop_page.py).
    # Never set it: a value written (a stale save) is replaced by the old one + 1.
    revision = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["shop", "position", "name"]
        indexes = [
            models.Index(fields=["shop", "is_active", "position"], name="catalogue_shop_listing"),
            models.Index(fields=["city", "is_active"], name="catalogue_city_active"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["shop", "slug"], name="catalogue_product_slug_unique"),
            # Empty references are many ("no reference"); a given one is the shop's key.
            models.UniqueConstraint(
                fields=["shop", "reference"],
                condition=~models.Q(reference=""),
                name="catalogue_product_reference_unique",
                violation_error_message=_("Another product of this shop has this reference."),
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0),
                name="catalogue_product_price_non_negative",
                violation_error_message=_("A price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(stock__isnull=True) | models.Q(stock__gte=0),
                name="catalogue_product_stock_non_negative",
                violation_error_message=_("Stock cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(vat_rate__in=VAT_RATES), name="catalogue_product_vat_rate_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(unit__in=Unit.values), name="catalogue_product_unit_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(allergens__gte=0, allergens__lte=ALL_ALLERGENS),
                name="catalogue_product_allergens_known",
            ),
            models.CheckConstraint(
                condition=models.Q(lead_time_minutes__isnull=True)
                | models.Q(lead_time_minutes__lte=MAX_LEAD_TIME_MINUTES),
                name="catalogue_product_lead_time_at_most_30_days",
                violation_error_message=_("A preparation time cannot exceed 30 days."),
            ),
            models.CheckConstraint(
                condition=models.Q(daily_quota__isnull=True) | models.Q(daily_quota__gte=1),
                name="catalogue_product_daily_quota_positive",
                violation_error_message=_("A daily quota is at least 1; leave it empty for none."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_unit_display(self) -> str:  # type: ignore[no-redef]  # Django generates a slower one
        """The unit's label in the active language ("pièce", "kg"…).

        Django's generated version rebuilds a dict of every choice, hashing
        each lazy label (a translation lookup each), per call: 10 % of a
        60-product shop page's rendering. One lookup here.
        """
        return str(UNIT_LABELS.get(self.unit, self.unit))

    @property
    def is_unlimited(self) -> bool:
        return self.stock is None

    @property
    def is_sold_out_today(self) -> bool:
        """Marked "sold out today" by the shop, until its next opening."""
        return self.sold_out_until is not None and self.sold_out_until > timezone.now()

    @property
    def is_sold_out(self) -> bool:
        return (self.stock is not None and self.stock <= 0) or self.is_sold_out_today

    @property
    def price_excl_vat(self) -> Decimal:
        return (self.price / (1 + self.vat_rate / 100)).quantize(Decimal("0.01"))


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("previewed")
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("importing")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class CatalogueImport(models.Model):
    """One CSV file sent by a shop: previewed, then imported all or nothing by the worker.

    The decoded text is kept so that the worker re-reads exactly what was
    previewed; `rows_done` is the progress the page polls.
    """

    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="catalogue_imports", verbose_name=_("shop")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content = models.TextField(_("content"))
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEW
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("catalogue import")
        verbose_name_plural = _("catalogue imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename or f"#{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in {ImportStatus.DONE, ImportStatus.FAILED}

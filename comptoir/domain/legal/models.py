"""Each city's legal pages, the platform's terms and each shop's terms of sale.

A `LegalPage` with no city is the platform-wide default of its kind; a city
overrides a kind by having its own row. A shop's terms of sale are a separate
`ShopTerms` row (one per shop): they are the shop's contract with its
customers, not the platform's, and follow the shop, not the city.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.domain.cities.models import City
from comptoir.domain.shops.models import Shop


class LegalKind(models.TextChoices):
    LEGAL_NOTICE = "legal_notice", _("Legal notice")
    PLATFORM_TERMS = "platform_terms", _("Terms of use")
    PRIVACY = "privacy", _("Privacy policy")
    MEDIATOR = "mediator", _("Consumer mediator")
    RANKING = "ranking", _("How shops and products are ordered")
    COOKIES = "cookies", _("Cookies")


class LegalPage(models.Model):
    city = models.ForeignKey(
        City,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="legal_pages",
        verbose_name=_("city"),
        help_text=_("Empty: the platform's default, shown in every city without its own page."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LegalKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"), help_text=_("Plain text: a blank line starts a new paragraph.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("legal page")
        verbose_name_plural = _("legal pages")
        ordering = ["kind", "city__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "kind"],
                condition=models.Q(city__isnull=False),
                name="legal_legalpage_one_per_city_and_kind",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(city__isnull=True),
                name="legal_legalpage_one_default_per_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=LegalKind.values), name="legal_legalpage_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(body=""), name="legal_legalpage_body_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.city or _('platform default')})"


class ShopTerms(models.Model):
    shop = models.OneToOneField(
        Shop, on_delete=models.CASCADE, related_name="terms", verbose_name=_("shop")
    )
    body = models.TextField(
        _("text"), help_text=_("Plain text: a blank line starts a new paragraph.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("shop's terms of sale")
        verbose_name_plural = _("shops' terms of sale")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(body=""), name="legal_shopterms_body_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return str(self.shop)

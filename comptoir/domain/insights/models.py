"""Figures of local activity for the operator and the city's partners."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.domain.cities.models import City


class CityPartner(models.Model):
    """A person of a city's partner organisation (the metropolis, the office of commerce).

    They read the city's anonymised figures under /partner/ and nothing else;
    the operator adds and removes them in the admin.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="city_partnerships",
        verbose_name=_("user"),
    )
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="partners", verbose_name=_("city")
    )
    organisation = models.CharField(_("organisation"), max_length=150)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("city partner")
        verbose_name_plural = _("city partners")
        ordering = ["city__name", "organisation", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "city"], name="insights_citypartner_unique"),
            models.CheckConstraint(
                condition=~models.Q(organisation=""),
                name="insights_citypartner_organisation_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.city}"

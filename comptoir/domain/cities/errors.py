"""What the cities services refuse."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError


class CitySlugTaken(DomainError):
    code = "city_slug_taken"
    default_message = _("Another city already uses the address %(slug)s.")
    field = "slug"

    def __init__(self, slug: str) -> None:
        super().__init__(params={"slug": slug})

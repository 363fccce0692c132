"""`{% load deals %}`: `{{ deal|offer_label }}` says a deal's offer in a few words."""

from __future__ import annotations

from django import template

from comptoir.domain.deals import wording
from comptoir.domain.deals.models import Deal

register = template.Library()


@register.filter
def offer_label(deal: Deal) -> str:
    return wording.offer_label(deal)

"""What fulfilment refuses: slots, quotas and delivery zones."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError
from comptoir.core.money import format_money


class SlotUnavailable(DomainError):
    """Not a slot the shop offers now: off its grid, outside hours, closed, past or too soon."""

    code = "slot_unavailable"
    default_message = _("This time slot is not available. Please choose another one.")
    field = "slot"

    def __init__(self, *, starts_at: datetime) -> None:
        self.starts_at = starts_at
        super().__init__()


class SlotFull(DomainError):
    code = "slot_full"
    default_message = _("This time slot has just been fully booked. Please choose another one.")
    field = "slot"

    def __init__(self, *, starts_at: datetime) -> None:
        self.starts_at = starts_at
        super().__init__()


class QuotaExceeded(DomainError):
    code = "quota_exceeded"
    default_message = _("Only %(remaining)s of %(product)s can still be ordered for that day.")

    def __init__(self, *, product: str, remaining: int) -> None:
        super().__init__(params={"product": product, "remaining": remaining})


class DeliveryUnavailable(DomainError):
    code = "delivery_unavailable"
    default_message = _("This shop does not deliver. You can pick up your order instead.")


class OutsideDeliveryZone(DomainError):
    code = "outside_delivery_zone"
    default_message = _(
        "This address is outside the shop's delivery area. "
        "You can choose click & collect and pick up your order at the shop."
    )
    field = "address"


class AddressNotLocated(OutsideDeliveryZone):
    """The shop delivers within a radius but the address has no coordinates to measure."""

    code = "address_not_located"
    default_message = _(
        "We could not place this address on the map to check the delivery area. "
        "Check the address, or choose click & collect."
    )


class BelowDeliveryMinimum(DomainError):
    code = "below_delivery_minimum"
    default_message = _(
        "Delivery starts from an order of %(minimum)s: add %(missing)s more, "
        "or choose click & collect."
    )

    def __init__(self, *, minimum: Decimal, missing: Decimal) -> None:
        super().__init__(params={"minimum": minimum, "missing": missing})

    def __str__(self) -> str:
        # params stay Decimals for API clients; people read money in their locale.
        amounts = {name: format_money(value) for name, value in self.params.items()}
        return str(self.message) % amounts

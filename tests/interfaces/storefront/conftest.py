from datetime import UTC, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache

from tests.factories import make_opening_hours, make_product, make_shop

# Tuesday 9 June 2026, 10:00 in Paris.
TUESDAY_MORNING = datetime(2026, 6, 9, 8, 0, tzinfo=UTC)


@pytest.fixture
def freeze_storefront_clock():
    """Set the storefront's "now" (its one clock seam) for the duration of a test."""
    patchers: list = []

    def freeze(moment: datetime = TUESDAY_MORNING) -> datetime:
        patcher = mock.patch(
            "comptoir.interfaces.storefront.views.current_time", return_value=moment
        )
        patcher.start()
        patchers.append(patcher)
        return moment

    yield freeze
    for patcher in reversed(patchers):
        patcher.stop()


@pytest.fixture
def listing_cache_on(settings):
    """The listing cache on (the suite runs with it off), empty before and after."""
    settings.LISTING_CACHE_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def eclair(city):
    """An éclair at "Au Bon Pain", a bakery of Rouen open every day 07:00–20:00."""
    shop = make_shop(city, name="Au Bon Pain", slug="au-bon-pain")
    for weekday in range(7):
        make_opening_hours(shop, weekday, "07:00", "20:00")
    return make_product(shop, name="Éclair au café", slug="eclair", price=Decimal("2.80"))

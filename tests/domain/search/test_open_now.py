"""`shops_open_at` (SQL, for search) must agree with `shops.hours.is_open_at` (Python)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.domain.search.selectors import shops_open_at
from comptoir.domain.shops.hours import is_open_at
from comptoir.domain.shops.models import Closure, OpeningHours, Shop
from comptoir.domain.shops.selectors import shops_for_city_home
from tests.factories import make_shop

pytestmark = pytest.mark.django_db

quarter_hours = st.integers(min_value=0, max_value=95).map(lambda q: time(q // 4, q % 4 * 15))
ranges = st.tuples(st.integers(0, 6), quarter_hours, quarter_hours).filter(lambda r: r[1] < r[2])
moments = st.datetimes(
    min_value=datetime(2026, 1, 1),  # noqa: DTZ001 (made aware below)
    max_value=datetime(2026, 12, 31),  # noqa: DTZ001
).map(lambda m: m.replace(tzinfo=UTC, second=0, microsecond=0))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    schedules=st.lists(st.lists(ranges, max_size=4), min_size=1, max_size=4),
    closed_days=st.lists(st.integers(-1, 1), max_size=2),
    moment=moments,
)
def test_it_agrees_with_the_opening_hours_rules(city, schedules, closed_days, moment):
    Shop.objects.filter(city=city).delete()
    today = moment.astimezone(city.zone).date()
    for number, schedule in enumerate(schedules):
        shop = make_shop(city, slug=f"shop-{number}")
        for weekday, opens, closes in {(w, o, c) for w, o, c in schedule}:
            OpeningHours.objects.get_or_create(
                shop=shop, weekday=weekday, opens=opens, defaults={"closes": closes}
            )
        for offset in closed_days[: number % 3]:
            day: date = today + timedelta(days=offset)
            Closure.objects.create(shop=shop, starts_on=day, ends_on=day)
    shops = list(shops_for_city_home(city, now=moment))
    expected = {shop.pk for shop in shops if is_open_at(shop, moment)}
    found = set(
        shops_open_at(Shop.objects.filter(city=city), city=city, moment=moment).values_list(
            "pk", flat=True
        )
    )
    assert found == expected

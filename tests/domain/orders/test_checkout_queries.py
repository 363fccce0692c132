"""What `checkout_place` reads inside its transaction (on SQLite, under the write lock)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.domain.orders.test_checkout import place


def test_it_reads_no_city_again_for_the_orders_and_their_confirmation(scene):
    with CaptureQueriesContext(connection) as queries:
        place(scene)

    cities = [q["sql"] for q in queries.captured_queries if 'FROM "cities_city"' in q["sql"]]
    assert cities == []

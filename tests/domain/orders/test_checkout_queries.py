"""What `checkout_place` reads and writes in its transaction (on SQLite, under the write lock)."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.domain.orders.payments import PAY_LATER, checkout_payment_start
from tests.domain.orders.test_checkout import place


def test_it_reads_no_city_again_for_the_orders_and_their_confirmation(scene):
    with CaptureQueriesContext(connection) as queries:
        place(scene)

    cities = [q["sql"] for q in queries.captured_queries if 'FROM "cities_city"' in q["sql"]]
    assert cities == []


def _ordered(queries, table):
    return [
        q["sql"]
        for q in queries.captured_queries
        if f'FROM "{table}"' in q["sql"] and "ORDER BY" in q["sql"]
    ]


def test_it_sorts_the_lines_and_orders_itself_rather_than_in_sql(scene):
    """Django 6.1 compiles an ORDER BY against every column selected.

    That is ~70 columns for the lines with their products, shops and cities,
    and every checkout paid for it. The lines are sorted in Python instead (by
    shop, then product: the lock order), and so are the checkout's orders.
    """
    expected, choices = scene.expected(), scene.choices()  # the test's own reads
    with CaptureQueriesContext(connection) as queries:
        checkout = place(scene, expected=expected, choices=choices)
        start = checkout_payment_start(checkout=checkout)

    assert _ordered(queries, "orders_basketline") == []
    assert _ordered(queries, "orders_checkout") == []
    assert _ordered(queries, "orders_order") == []
    assert start == PAY_LATER
    orders = list(checkout.orders.order_by("pk"))
    assert [order.shop for order in orders] == sorted(
        [scene.bakery, scene.cheese], key=lambda shop: shop.pk
    )
    assert [line.product for line in orders[0].lines.order_by("pk")] == sorted(
        [scene.baguette, scene.croissant], key=lambda product: product.pk
    )


def test_it_reads_the_hours_and_closures_of_all_its_shops_at_once(scene):
    """Each chosen slot is checked against its shop's week: one query per table, not per shop.

    On PostgreSQL each statement is a round trip; the two-shop scene saved two.
    """
    with CaptureQueriesContext(connection) as queries:
        checkout = place(scene)

    def reads(table):
        return [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]

    assert checkout.orders.count() == 2
    assert len(reads("shops_openinghours")) == 1
    assert len(reads("shops_closure")) == 1


def test_it_writes_all_shops_orders_lines_and_events_in_one_insert_each(scene):
    """Two shops, two orders: one INSERT per table, not one (and a savepoint) per order."""
    with CaptureQueriesContext(connection) as queries:
        checkout = place(scene)

    def inserts(table):
        return [q["sql"] for q in queries.captured_queries if f'INSERT INTO "{table}"' in q["sql"]]

    orders = list(checkout.orders.order_by("pk"))
    assert len(orders) == 2
    assert len(inserts("orders_order")) == 1
    assert len(inserts("orders_orderline")) == 1
    assert len(inserts("orders_orderevent")) == 1
    assert {order.shop_id: order.lines.count() for order in orders} == {
        scene.bakery.pk: 2,
        scene.cheese.pk: 1,
    }
    assert [order.events.count() for order in orders] == [1, 1]


@pytest.mark.django_db(transaction=True)  # checkout_place's transaction is the real one
def test_its_token_and_its_e_mail_are_written_without_a_savepoint(scene):
    """A savepoint around an INSERT is two more statements: on PostgreSQL, round trips.

    Both rows are written with ON CONFLICT DO NOTHING instead, so a known
    token or e-mail key inserts nothing without breaking the transaction.
    """
    with CaptureQueriesContext(connection) as queries:
        place(scene)

    statements = [q["sql"] for q in queries.captured_queries]
    written = {}
    for before, sql in itertools.pairwise(statements):
        for table in ("orders_checkout", "notifications_outboundemail"):
            if sql.startswith(f'INSERT INTO "{table}"'):
                written[table] = (before.startswith("SAVEPOINT"), "ON CONFLICT" in sql)
    assert written == {
        "orders_checkout": (False, True),
        "notifications_outboundemail": (False, True),
    }


def test_a_new_token_is_inserted_without_looking_for_it_first(scene):
    """A replay is found by the insert (ON CONFLICT): a first SELECT cost every checkout."""
    with CaptureQueriesContext(connection) as queries:
        place(scene)

    checkouts = [q["sql"] for q in queries.captured_queries if '"orders_checkout"' in q["sql"]]
    assert len(checkouts) == 1
    assert checkouts[0].startswith('INSERT INTO "orders_checkout"')


def test_the_payment_start_is_given_the_orders_just_written(scene):
    """No read of the orders after the commit: `checkout_place` keeps those it wrote."""
    checkout = place(scene)

    with CaptureQueriesContext(connection) as queries:
        start = checkout_payment_start(checkout=checkout)
        kept = list(checkout.orders.all())

    assert queries.captured_queries == []
    assert start == PAY_LATER
    assert sorted(kept, key=lambda order: order.pk) == list(checkout.orders.order_by("pk"))
    # A checkout read again (a replay, another caller) reads its orders.
    again = type(checkout).objects.get(pk=checkout.pk)
    with CaptureQueriesContext(connection) as queries:
        assert checkout_payment_start(checkout=again) == PAY_LATER
    assert len(queries.captured_queries) == 1


def test_each_stock_decrement_is_one_guarded_update(scene):
    with CaptureQueriesContext(connection) as queries:
        place(scene)

    updates = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('UPDATE "catalogue_product"')
    ]
    assert len(updates) == 3  # baguette, croissant, comté
    assert all('"stock" >= ' in sql and '"sold_out_until" IS NULL' in sql for sql in updates)

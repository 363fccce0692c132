"""Inserts in one statement written once per process, on both databases.

One INSERT … ON CONFLICT where the ORM takes up to five statements.
"""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Now
from django.db.models.sql import InsertQuery
from django.test.utils import CaptureQueriesContext

from comptoir.core.inserts import _insert_sql, insert_or_add, insert_rows, insert_unless_taken
from comptoir.domain.fulfilment.models import SlotBooking
from comptoir.domain.orders.models import Checkout

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def checkout(city, token):
    return Checkout(
        city=city,
        token=token,
        contact_name="Camille",
        contact_email="camille@example.fr",
        contact_phone="+33612345678",
        created_at=NOW,
    )


def test_it_inserts_the_row_in_one_statement_and_sets_its_key(city):
    row = checkout(city, "tok-1")

    with CaptureQueriesContext(connection) as queries:
        inserted = insert_unless_taken(row, key=["token"])

    assert inserted is True
    assert len(queries.captured_queries) == 1
    assert "ON CONFLICT" in queries.captured_queries[0]["sql"]
    assert row.pk is not None
    assert not row._state.adding
    stored = Checkout.objects.get(pk=row.pk)
    assert (stored.token, stored.contact_name, stored.created_at) == ("tok-1", "Camille", NOW)


def test_a_taken_key_inserts_nothing_and_the_transaction_goes_on(city):
    first = checkout(city, "tok-1")
    first.save()

    with transaction.atomic():
        again = checkout(city, "tok-1")
        with CaptureQueriesContext(connection) as queries:
            inserted = insert_unless_taken(again, key=["token"])
        # On PostgreSQL, a failed INSERT without a savepoint would abort the
        # transaction: this next statement would fail.
        checkout(city, "tok-2").save()

    assert inserted is False
    assert again.pk is None
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
    assert sorted(Checkout.objects.values_list("token", flat=True)) == ["tok-1", "tok-2"]


def test_any_other_integrity_error_still_raises(city):
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_unless_taken(checkout(city, ""), key=["token"])  # the non-empty check

    assert Checkout.objects.count() == 0


def booking(shop, booked):
    return SlotBooking(city=shop.city, shop=shop, kind="collect", starts_at=NOW, booked=booked)


SLOT = ["shop", "kind", "starts_at"]


def test_a_counter_is_created_at_its_first_use_then_added_to_up_to_its_limit(shop):
    with CaptureQueriesContext(connection) as queries:
        assert insert_or_add(booking(shop, 2), key=SLOT, field="booked", limit=4) is True
    assert len(queries.captured_queries) == 1
    assert insert_or_add(booking(shop, 2), key=SLOT, field="booked", limit=4) is True
    with CaptureQueriesContext(connection) as queries:
        assert insert_or_add(booking(shop, 1), key=SLOT, field="booked", limit=4) is False
    assert len(queries.captured_queries) == 1

    assert list(SlotBooking.objects.values_list("booked", flat=True)) == [4]


def test_more_than_the_limit_at_once_writes_nothing(shop):
    with CaptureQueriesContext(connection) as queries:
        assert insert_or_add(booking(shop, 5), key=SLOT, field="booked", limit=4) is False

    assert queries.captured_queries == []
    assert not SlotBooking.objects.exists()


# --- insert_rows and the statements written once per process ---------------------------


def orm_insert(obj):
    """The INSERT the ORM compiles for `obj`, its text and parameters."""
    meta = obj._meta
    fields = [
        f for f in meta.local_concrete_fields if not (f is meta.auto_field and obj.pk is None)
    ]
    query = InsertQuery(type(obj))
    query.insert_values(fields, [obj])
    [(sql, params)] = query.get_compiler(connection=connection).as_sql()
    return sql, list(params)


def test_the_statement_written_once_is_the_one_the_orm_compiles(city, shop):
    """Same text, same parameters: each value through its field, as the compiler sends it."""
    rows = [
        checkout(city, "tok-1"),
        Checkout(  # a national number, normalised by the field; no customer
            city=city,
            token="tok-2",
            contact_name="Lou",
            contact_email="lou@example.fr",
            contact_phone="02 35 00 00 00",
            created_at=NOW,
        ),
        booking(shop, 3),
    ]

    for row in rows:
        assert _insert_sql(row) == orm_insert(row)


def test_insert_rows_writes_what_bulk_create_writes_in_one_statement(city):
    def rows(prefix):
        return [checkout(city, f"{prefix}-{n}") for n in range(3)]

    orm = Checkout.objects.bulk_create(rows("orm"))
    lean = rows("lean")
    with CaptureQueriesContext(connection) as queries:
        returned = insert_rows(lean)

    [statement] = [q["sql"] for q in queries.captured_queries]
    assert statement.startswith('INSERT INTO "orders_checkout"')
    assert "RETURNING" in statement
    assert returned == lean
    assert [row.pk for row in lean] == sorted(row.pk for row in lean)
    assert all(not row._state.adding and row._state.db == "default" for row in lean)
    columns = [
        f.attname for f in Checkout._meta.concrete_fields if f.attname not in ("id", "token")
    ]
    stored = {
        row.token: [getattr(row, name) for name in columns]
        for row in Checkout.objects.order_by("pk")
    }
    assert len(stored) == 6
    for n in range(3):
        assert stored[f"lean-{n}"] == stored[f"orm-{n}"]
    assert [Checkout.objects.get(pk=row.pk).token for row in lean] == ["lean-0", "lean-1", "lean-2"]
    assert all(row.pk is not None for row in orm)


def test_insert_rows_splits_past_the_databases_limit_of_parameters(city, monkeypatch):
    monkeypatch.setattr(connection.ops, "bulk_batch_size", lambda fields, objs: 2)
    rows = [checkout(city, f"tok-{n}") for n in range(5)]

    with CaptureQueriesContext(connection) as queries:
        insert_rows(rows)

    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert [statement.count("), (") + 1 for statement in inserts] == [2, 2, 1]
    assert [Checkout.objects.get(pk=row.pk).token for row in rows] == [f"tok-{n}" for n in range(5)]


def test_insert_rows_leaves_an_expression_or_a_given_pk_to_bulk_create(city, monkeypatch):
    calls = []
    real = Checkout._default_manager.bulk_create

    def bulk_create(objs):
        calls.append(len(objs))
        return real(objs)

    monkeypatch.setattr(Checkout._default_manager, "bulk_create", bulk_create)
    timed = checkout(city, "tok-now")
    timed.created_at = Now()
    numbered = checkout(city, "tok-pk")
    numbered.pk = 4242

    insert_rows([timed])
    insert_rows([numbered])

    assert calls == [1, 1]
    assert Checkout.objects.get(token="tok-now").created_at is not None
    assert Checkout.objects.get(pk=4242).token == "tok-pk"


def test_insert_rows_refuses_rows_of_two_models_and_an_unsaved_related_row(city, shop):
    with pytest.raises(ValueError, match="one model"):
        insert_rows([checkout(city, "tok-1"), booking(shop, 1)])
    unsaved = checkout(city, "tok-2")
    unsaved.city = type(city)(name="Caen", slug="caen")

    with pytest.raises(ValueError, match="unsaved related object"):
        insert_rows([unsaved])
    assert not Checkout.objects.exists()

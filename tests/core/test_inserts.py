"""One INSERT … ON CONFLICT where the ORM takes up to five statements, on both databases."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from comptoir.core.inserts import insert_or_add, insert_unless_taken
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

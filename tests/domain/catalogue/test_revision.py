"""Product.revision: the database raises it on every UPDATE of a product, whoever writes it.

The shop page's cache key reads a product as (id, revision) (interfaces/
storefront/shop_page.py), so a write that left it alone would leave a stale
page in the cache. The trigger: domain/catalogue/revision.py.
"""

import threading
from decimal import Decimal

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, transaction
from django.db.models import F

from comptoir.domain.catalogue import revision
from comptoir.domain.catalogue.models import Product
from tests.concurrency import run_together
from tests.factories import make_product, make_shop

pytestmark = pytest.mark.django_db


def revision_of(product: Product) -> int:
    return Product.objects.values_list("revision", flat=True).get(pk=product.pk)


def test_a_new_product_starts_at_revision_zero(shop):
    assert revision_of(make_product(shop)) == 0


def test_each_save_raises_it(shop):
    product = make_product(shop)
    product.name = "Pain de campagne"
    product.save()
    product.price = Decimal("2.10")
    product.save()
    assert revision_of(product) == 2


def test_a_conditional_update_raises_it(shop):
    """What an order does to take stock (orders/stock.py): no save(), no updated_at."""
    product = make_product(shop, stock=3)
    Product.objects.filter(pk=product.pk, stock__gte=1).update(stock=F("stock") - 1)
    assert revision_of(product) == 1


def test_a_bulk_update_raises_it_on_each_row(shop):
    """What a CSV import does."""
    first, second = make_product(shop), make_product(shop)
    first.price, second.price = Decimal("1.40"), Decimal("2.40")
    Product.objects.bulk_update([first, second], ["price"])
    assert (revision_of(first), revision_of(second)) == (1, 1)


def test_raw_sql_raises_it(shop):
    product = make_product(shop)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE catalogue_product SET description = %s WHERE id = %s", ["Au levain", product.pk]
        )
    assert revision_of(product) == 1


def test_a_stale_save_cannot_bring_back_an_earlier_revision(shop):
    """A form loaded before an order took stock saves the revision it read: the row still moves on.

    Were the written value kept, the row would be back at a revision an
    earlier cached page was keyed by, with other contents.
    """
    product = make_product(shop, stock=5)
    stale = Product.objects.get(pk=product.pk)  # revision 0, read by a back-office form
    Product.objects.filter(pk=product.pk).update(stock=F("stock") - 1)  # revision 1
    stale.name = "Fougasse"
    stale.save()  # writes revision=0
    assert revision_of(product) == 2


def test_writing_a_revision_by_hand_does_not_stop_it_rising(shop):
    product = make_product(shop)
    Product.objects.filter(pk=product.pk).update(revision=0, name="Ficelle")
    Product.objects.filter(pk=product.pk).update(revision=0, name="Flûte")
    assert revision_of(product) == 2


def test_migrate_puts_back_a_trigger_a_table_rebuild_lost(shop):
    """SQLite drops a table's triggers with it; a migration that rebuilds catalogue_product
    loses this one, and `migrate`'s post_migrate creates it again."""
    product = make_product(shop)
    revision.uninstall(connection)  # what a rebuild does to it
    Product.objects.filter(pk=product.pk).update(name="Ficelle")
    assert revision_of(product) == 0
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert revision.is_installed(connection)
    Product.objects.filter(pk=product.pk).update(name="Flûte")
    assert revision_of(product) == 1


def test_repair_leaves_an_installed_trigger_alone(shop):
    assert revision.repair(connection) is False


def _read_then_write_at_once(product: Product, column: str) -> None:
    """Two writers read `column`, wait for each other, then each write what it read + 1."""
    read_done = threading.Barrier(2)

    def bump() -> None:
        seen = Product.objects.values_list(column, flat=True).get(pk=product.pk)
        read_done.wait()  # both have read the same value
        with transaction.atomic():
            Product.objects.filter(pk=product.pk).update(**{column: seen + 1})

    _, errors = run_together([bump, bump])
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_without_the_trigger_a_counter_kept_by_the_application_loses_a_change(city):
    """The control: a plain column bumped read-then-write by two writers at once moves by one."""
    product = make_product(make_shop(city), position=0)
    _read_then_write_at_once(product, "position")
    assert Product.objects.values_list("position", flat=True).get(pk=product.pk) == 1


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_each_raise_the_revision(city):
    """The same two writes on `revision`: the database counts from the row it updates."""
    product = make_product(make_shop(city))
    _read_then_write_at_once(product, "revision")
    assert revision_of(product) == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_taking_stock_raise_it_once_each(city):
    product = make_product(make_shop(city), stock=100)

    def take_one() -> None:
        with transaction.atomic():
            Product.objects.filter(pk=product.pk, stock__gte=1).update(stock=F("stock") - 1)

    _, errors = run_together([take_one] * 8)

    assert errors == []
    assert revision_of(product) == 8

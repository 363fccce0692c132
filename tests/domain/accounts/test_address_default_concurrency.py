"""Concurrent default-address changes for one customer (STYLE rule 8).

Each thread makes a different address the default at the same moment. Without
the lock, a transaction that waited on the row another one unset goes on to
set its own address while the other's default is committed: the one-default
unique index refuses it. With the lock they queue and exactly one default remains.
"""

import threading

import pytest
from django.db import IntegrityError, OperationalError, connection

from comptoir.domain.accounts import services
from comptoir.domain.accounts.models import Address
from comptoir.domain.accounts.services import address_add, address_set_default
from tests.factories import make_user

THREADS = 6
ROUNDS = 5
CONTROL_ROUNDS = 40


def race_set_default(addresses: list[Address]) -> list[BaseException]:
    barrier = threading.Barrier(len(addresses))
    errors: list[BaseException] = []

    def run(address: Address) -> None:
        try:
            barrier.wait()
            address_set_default(address=address)
        except BaseException as error:  # collected for the assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in addresses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def customer_addresses():
    user = make_user()
    return user, [
        address_add(
            user=user,
            recipient="Camille",
            line1=f"{n} rue Beauvoisine",
            postal_code="76000",
            locality="Rouen",
        )
        for n in range(THREADS + 1)
    ]


@pytest.mark.django_db(transaction=True)
def test_without_the_row_lock_the_race_exists_except_under_sqlite_immediate_mode(monkeypatch):
    monkeypatch.setattr(services, "_lock_addresses", lambda user: [])
    errors: list[BaseException] = []
    # The race needs two transactions to overlap; a round usually shows it, and
    # up to CONTROL_ROUNDS make missing it on PostgreSQL vanishingly unlikely.
    rounds = CONTROL_ROUNDS if connection.vendor == "postgresql" else ROUNDS
    for _ in range(rounds):
        _, addresses = customer_addresses()
        errors += race_set_default(addresses[1:])
        if errors:
            break

    if connection.vendor == "postgresql":
        # Unguarded, overlapping changes break the one-default index, or
        # deadlock on each other's rows: either way a customer sees an error.
        assert errors
        assert all(isinstance(error, IntegrityError | OperationalError) for error in errors)
    else:
        # BEGIN IMMEDIATE makes SQLite writers queue for the whole transaction:
        # on SQLite the transaction mode, not the row lock, is what prevents it.
        assert errors == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_set_defaults_leave_exactly_one_default():
    for _ in range(ROUNDS):
        user, addresses = customer_addresses()

        errors = race_set_default(addresses[1:])

        assert errors == []
        assert Address.objects.filter(user=user, is_default=True).count() == 1
        assert Address.objects.get(user=user, is_default=True) in addresses[1:]

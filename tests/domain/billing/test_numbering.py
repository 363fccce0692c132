"""Invoice numbers run without gaps per issuer and year, also under concurrency and rollbacks."""

from __future__ import annotations

import threading
from datetime import date
from functools import partial

import pytest
from django.db import transaction

from comptoir.domain.billing.models import Invoice, InvoiceCounter
from comptoir.domain.billing.periods import Month
from comptoir.domain.billing.services import _next_sequence, invoice_issue
from tests.concurrency import run_together
from tests.domain.billing.support import RUN_AT, local, make_issuer, make_plan, subscribe
from tests.factories import make_shop

MARCH = Month(2026, 3)


class Boom(Exception):
    pass


@pytest.mark.django_db
def test_numbers_restart_at_one_each_year(city):
    make_issuer()
    plan = make_plan(city)
    one, two = (subscribe(make_shop(city), plan) for _ in range(2))

    december = invoice_issue(subscription=one, month=Month(2025, 12), now=local(2025, 12, 31, 12))
    january = invoice_issue(subscription=two, month=Month(2025, 12), now=local(2026, 1, 1, 0, 5))

    assert december.number == "2025-000001"
    assert january.number == "2026-000001"


@pytest.mark.django_db(transaction=True)
def test_a_number_is_taken_only_inside_a_transaction(city):
    issuer = make_issuer()

    with pytest.raises(RuntimeError):
        _next_sequence(issuer, 2026)


@pytest.mark.django_db
def test_a_rolled_back_issue_leaves_no_gap(city):
    make_issuer()
    plan = make_plan(city)
    first, failing, third = (subscribe(make_shop(city), plan) for _ in range(3))
    invoice_issue(subscription=first, month=MARCH, now=RUN_AT)

    def issue_then_fail():
        with transaction.atomic():
            invoice_issue(subscription=failing, month=MARCH, now=RUN_AT)
            raise Boom  # e.g. the caller fails after the insert

    with pytest.raises(Boom):
        issue_then_fail()

    third_invoice = invoice_issue(subscription=third, month=MARCH, now=RUN_AT)
    assert third_invoice.number == "2026-000002"
    assert not Invoice.objects.filter(shop=failing.shop).exists()
    assert InvoiceCounter.objects.get().last == 2


@pytest.mark.django_db(transaction=True)
class TestConcurrentIssues:
    def test_control_a_read_then_write_counter_gives_duplicate_numbers(self, city):
        issuer = make_issuer()
        InvoiceCounter.objects.create(issuer=issuer, year=2026, last=0)
        read_done = threading.Barrier(5)

        def naive_next():
            last = InvoiceCounter.objects.values_list("last", flat=True).get(issuer=issuer)
            read_done.wait()  # everybody read "0"
            InvoiceCounter.objects.filter(issuer=issuer).update(last=last + 1)
            return last + 1

        results, errors = run_together([naive_next] * 5)

        assert errors == []
        assert results == [1] * 5  # five invoices would share number 1

    def test_twenty_concurrent_issues_get_1_to_20_without_gap_or_duplicate(self, city):
        make_issuer()
        plan = make_plan(city)
        subscriptions = [subscribe(make_shop(city), plan) for _ in range(20)]

        results, errors = run_together(
            [partial(invoice_issue, subscription=s, month=MARCH, now=RUN_AT) for s in subscriptions]
        )

        assert errors == []
        assert sorted(invoice.sequence for invoice in results) == list(range(1, 21))
        assert sorted(Invoice.objects.values_list("number", flat=True)) == [
            f"2026-{n:06d}" for n in range(1, 21)
        ]

    def test_failures_among_concurrent_issues_leave_no_gap(self, city):
        make_issuer()
        plan = make_plan(city)
        subscriptions = [subscribe(make_shop(city), plan) for _ in range(10)]

        def issue(subscription, fail):
            with transaction.atomic():
                invoice = invoice_issue(subscription=subscription, month=MARCH, now=RUN_AT)
                if fail:
                    raise Boom
            return invoice

        _results, errors = run_together(
            [partial(issue, s, fail=i % 3 == 0) for i, s in enumerate(subscriptions)]
        )

        assert len(errors) == 4
        assert all(isinstance(error, Boom) for error in errors)
        assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(range(1, 7))

    def test_two_runs_at_once_issue_one_invoice_per_shop(self, city):
        make_issuer()
        plan = make_plan(city)
        subscription = subscribe(make_shop(city), plan, date(2026, 1, 1))

        results, errors = run_together(
            [partial(invoice_issue, subscription=subscription, month=MARCH, now=RUN_AT)] * 4
        )

        assert errors == []
        assert len({invoice.pk for invoice in results}) == 1
        assert Invoice.objects.count() == 1
        assert InvoiceCounter.objects.get().last == 1

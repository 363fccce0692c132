"""The weekly deals e-mail: due from Monday 08:00 Paris time, once a week, new deals only."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.db import transaction

from comptoir.config import asgi
from comptoir.domain.deals import digest
from comptoir.domain.deals.digest import (
    DigestCityNotAvailable,
    DigestLinkInvalid,
    digest_deliver,
    digest_due,
    digest_subscribe,
    digest_token_read,
    digest_unsubscribe,
    digest_unsubscribe_by_token,
    unsubscribe_token,
)
from comptoir.domain.deals.models import Deal, DigestDelivery, DigestSubscription
from comptoir.domain.deals.services import deal_hide, deal_pause, voucher_claim
from comptoir.domain.notifications.models import OutboundEmail
from tests.concurrency import run_together
from tests.domain.deals.support import PARIS, make_deal
from tests.domain.violations import refused_by
from tests.factories import make_city, make_shop, make_user

#: Monday 7 December 2026, 08:00 in Rouen (07:00 UTC): week 50's digest is due.
MONDAY_8 = datetime(2026, 12, 7, 8, 0, tzinfo=PARIS)
#: The Saturday before: subscribed, and the week's deals were published.
SATURDAY = datetime(2026, 12, 5, 10, 0, tzinfo=PARIS)


def published(deal: Deal, at: datetime) -> Deal:
    """The deal as if published (and started) at `at` (created_at is set by the database)."""
    Deal.objects.filter(pk=deal.pk).update(created_at=at, starts_at=at)
    deal.refresh_from_db()
    return deal


def new_deal(shop, title: str, *, at: datetime = SATURDAY, **fields) -> Deal:
    fields.setdefault("ends_at", MONDAY_8 + timedelta(days=10))
    return published(make_deal(shop, title=title, starts_at=at, **fields), at)


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def subscriber(city, *, at: datetime = SATURDAY, **fields) -> DigestSubscription:
    fields.setdefault("language", "en")
    return digest_subscribe(customer=make_user(**fields), city=city, now=at)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the weekly job at `now`, with its tasks and e-mails carried out after commit."""

    def run_at(now: datetime) -> digest.DigestRun:
        with django_capture_on_commit_callbacks(execute=True):
            return digest_due(now=now)

    return run_at


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://comptoir.example"


# --- When it is due ---------------------------------------------------------------------


@pytest.mark.django_db
def test_nothing_is_due_before_monday_8_paris_time(shop, run):
    subscriber(shop.city)
    new_deal(shop, "Galettes")

    assert run(MONDAY_8 - timedelta(days=1)) == digest.DigestRun(due=0, queued=0)
    assert run(MONDAY_8 - timedelta(minutes=1)) == digest.DigestRun(due=0, queued=0)
    assert not DigestDelivery.objects.exists()
    assert mail.outbox == []

    assert run(MONDAY_8) == digest.DigestRun(due=1, queued=1)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_due_time_is_read_in_the_citys_own_time_zone(run):
    # 08:00 in Montreal is 14:00 in Paris: at 13:59 Paris time Rouen is due, Montreal not yet.
    rouen = make_shop(make_city(name="Rouen", time_zone="Europe/Paris"))
    montreal = make_shop(make_city(name="Montréal", time_zone="America/Montreal"))
    for shop in (rouen, montreal):
        subscriber(shop.city)
        new_deal(shop, f"Offre {shop.city.name}")

    run(MONDAY_8.replace(hour=13, minute=59))
    assert list(DigestDelivery.objects.values_list("subscription__city", flat=True)) == [
        rouen.city_id
    ]

    run(MONDAY_8.replace(hour=14))
    assert DigestDelivery.objects.count() == 2
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_subscription_made_after_monday_8_waits_for_next_monday(shop, run):
    subscriber(shop.city, at=MONDAY_8 + timedelta(hours=2))
    new_deal(shop, "Galettes", at=MONDAY_8 + timedelta(hours=1))

    assert run(MONDAY_8 + timedelta(hours=3)).due == 0
    assert run(MONDAY_8 + timedelta(days=7)).due == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_monday_missed_is_caught_up_later_in_the_week(shop, run):
    subscriber(shop.city)
    new_deal(shop, "Galettes")

    assert run(MONDAY_8 + timedelta(days=2)).due == 1
    assert len(mail.outbox) == 1


# --- Once a week ------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_sends_once_a_week_however_often_it_runs(shop, run):
    subscription = subscriber(shop.city)
    new_deal(shop, "Galettes")

    for minutes in (0, 0, 1, 30, 600):
        run(MONDAY_8 + timedelta(minutes=minutes))

    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.get().key == f"deals:digest:{subscription.pk}:2026-W50"
    delivery = DigestDelivery.objects.get()
    assert (delivery.iso_year, delivery.iso_week, delivery.deal_count) == (2026, 50, 1)

    new_deal(shop, "Brioches", at=MONDAY_8 + timedelta(days=3))
    run(MONDAY_8 + timedelta(days=7))
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_task_run_twice_for_one_week_sends_once(shop, run):
    subscriber(shop.city)
    new_deal(shop, "Galettes")
    # The row is written, its task lost before it ran (no callbacks executed).
    digest_due(now=MONDAY_8)
    delivery = DigestDelivery.objects.get()

    with transaction.atomic():
        assert digest_deliver(delivery_id=delivery.pk, now=MONDAY_8) == 1
    assert digest_deliver(delivery_id=delivery.pk, now=MONDAY_8) == -1
    assert OutboundEmail.objects.count() == 1


@pytest.mark.django_db
def test_a_lost_task_is_queued_again_after_a_while(shop, run):
    subscriber(shop.city)
    new_deal(shop, "Galettes")
    digest_due(now=MONDAY_8)  # queued, but the worker died: nothing was sent

    assert run(MONDAY_8 + timedelta(minutes=5)).queued == 0
    assert run(MONDAY_8 + digest.REQUEUE_AFTER).queued == 1
    assert len(mail.outbox) == 1
    assert DigestDelivery.objects.get().done_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_one_digest_per_subscriber(shop, settings):
    settings.SITE_URL = "https://comptoir.example"
    subscriptions = [subscriber(shop.city) for _ in range(3)]
    new_deal(shop, "Galettes")

    results, errors = run_together([lambda: digest_due(now=MONDAY_8)] * 2)

    assert errors == []
    # Each row was handed to the queue by one run only.
    assert sum(result.queued for result in results) == 3
    assert DigestDelivery.objects.count() == 3
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == sorted(
        s.customer.email for s in subscriptions
    )
    assert len(mail.outbox) == 3


# --- What it lists ----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_only_the_new_deals_customers_can_see(shop, run):
    subscriber(shop.city)
    new_deal(shop, "Listed: new and live")
    new_deal(shop, "Old: before last week", at=MONDAY_8 - timedelta(days=8))
    deal_hide(deal=new_deal(shop, "Hidden by the operator"), reason="Photo", now=SATURDAY)
    deal_pause(deal=new_deal(shop, "Paused by the shop"))
    sold_out = new_deal(shop, "All claimed", total_cap=1)
    voucher_claim(deal=sold_out, customer=make_user(), now=SATURDAY)
    new_deal(shop, "Ended", ends_at=MONDAY_8 - timedelta(hours=1))
    later = make_deal(
        shop,
        title="Not started",
        starts_at=MONDAY_8 + timedelta(days=1),
        ends_at=MONDAY_8 + timedelta(days=5),
    )
    Deal.objects.filter(pk=later.pk).update(created_at=SATURDAY)
    other_city = make_shop(make_city())
    new_deal(other_city, "Another city")

    run(MONDAY_8)

    [message] = mail.outbox
    assert "Listed: new and live" in message.body
    for title in (
        "Old: before",
        "Hidden",
        "Paused",
        "All claimed",
        "Ended",
        "Not started",
        "Another city",
    ):
        assert title not in message.body
    assert DigestDelivery.objects.get().deal_count == 1


@pytest.mark.django_db
def test_the_next_digest_lists_what_came_after_the_previous_one(shop, run):
    subscriber(shop.city)
    new_deal(shop, "First week")
    run(MONDAY_8)
    new_deal(shop, "Second week", at=MONDAY_8 + timedelta(days=2))

    run(MONDAY_8 + timedelta(days=7))

    first, second = mail.outbox
    assert "First week" in first.body
    assert "Second week" in second.body
    assert "First week" not in second.body


@pytest.mark.django_db
def test_a_week_with_nothing_new_sends_nothing(shop, run):
    subscriber(shop.city)
    new_deal(shop, "Old", at=MONDAY_8 - timedelta(days=9))

    assert run(MONDAY_8) == digest.DigestRun(due=1, queued=1)

    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()
    delivery = DigestDelivery.objects.get()
    assert delivery.done_at is not None
    assert delivery.deal_count == 0
    # And the week is not tried again.
    assert run(MONDAY_8 + timedelta(hours=1)) == digest.DigestRun(due=0, queued=0)


@pytest.mark.django_db
def test_an_inactive_customer_gets_nothing(shop, run):
    subscriber(shop.city, is_active=False)
    new_deal(shop, "Galettes")

    run(MONDAY_8)

    assert mail.outbox == []
    assert DigestDelivery.objects.get().deal_count == 1


# --- The e-mail -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_email_has_one_click_unsubscribe_headers(shop, run):
    subscription = subscriber(shop.city, first_name="Camille")
    new_deal(shop, "Galettes", percent=30)

    run(MONDAY_8)

    [message] = mail.outbox
    headers = message.message()
    # The token is signed with the second it was made in: read it back, do not remake it.
    prefix = "<https://comptoir.example/account/digest/unsubscribe/"
    link = headers["List-Unsubscribe"]
    assert link.startswith(prefix)
    assert link.endswith("/>")
    token = link.removeprefix(prefix).removesuffix("/>")
    assert digest_token_read(token) == (subscription.customer_id, shop.city)
    url = link[1:-1]
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["Message-ID"].startswith("<")
    assert message.to == [subscription.customer.email]
    assert message.subject == "New deals in Rouen this week"
    assert "Hello Camille," in message.body
    assert url in message.body
    assert "https://comptoir.example/rouen/" in message.body
    html = html_of(message)
    assert f'href="{url}"' in html
    assert shop.name in html


@pytest.mark.django_db
def test_the_email_is_written_in_the_customers_language(shop, run):
    subscriber(shop.city, language="fr")
    new_deal(shop, "Galettes")

    run(MONDAY_8)

    [message] = mail.outbox
    assert '<html lang="fr">' in html_of(message)


# --- Subscribing and the unsubscribe token ---------------------------------------------


@pytest.mark.django_db
def test_subscribing_twice_keeps_one_subscription(shop):
    customer = make_user()
    first = digest_subscribe(customer=customer, city=shop.city, now=SATURDAY)
    again = digest_subscribe(customer=customer, city=shop.city, now=MONDAY_8)

    assert again.pk == first.pk
    assert again.created_at == SATURDAY
    assert digest_unsubscribe(customer_id=customer.pk, city_id=shop.city_id) is True
    assert digest_unsubscribe(customer_id=customer.pk, city_id=shop.city_id) is False
    assert not DigestSubscription.objects.exists()


@pytest.mark.django_db
def test_a_city_not_live_cannot_be_subscribed_to():
    city = make_city(is_live=False)

    with pytest.raises(DigestCityNotAvailable):
        digest_subscribe(customer=make_user(), city=city, now=SATURDAY)
    assert not DigestSubscription.objects.exists()


@pytest.mark.django_db
def test_the_token_unsubscribes_and_a_forged_one_is_refused(shop):
    subscription = subscriber(shop.city)
    token = unsubscribe_token(subscription)

    assert digest_token_read(token) == (subscription.customer_id, shop.city)
    forged = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        signing.dumps([subscription.customer_id, shop.city_id], salt="another.salt"),
        signing.dumps({"customer": 1}, salt=digest.UNSUBSCRIBE_SALT),
        signing.dumps([True, shop.city_id], salt=digest.UNSUBSCRIBE_SALT),
        signing.dumps([1, 10**9], salt=digest.UNSUBSCRIBE_SALT),
        "",
        "no-such-token",
    ]
    for bad in forged:
        with pytest.raises(DigestLinkInvalid):
            digest_unsubscribe_by_token(token=bad)
    assert DigestSubscription.objects.count() == 1

    assert digest_unsubscribe_by_token(token=token) == shop.city
    assert not DigestSubscription.objects.exists()
    # The link of an old e-mail still works (nothing left to do).
    assert digest_unsubscribe_by_token(token=token) == shop.city


# --- Where it runs ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_queues_what_is_due(shop, monkeypatch):
    calls = []

    def fake_due(*, now):
        calls.append(now)
        return digest.DigestRun(due=2, queued=2)

    monkeypatch.setattr(
        "comptoir.domain.deals.management.commands.deals_digest.digest_due", fake_due
    )
    out = StringIO()

    call_command("deals_digest", stdout=out)

    assert len(calls) == 1
    assert out.getvalue().strip() == "digests due: 2; queued: 2"


@pytest.mark.django_db
def test_the_periodic_sweep_runs_the_digest(monkeypatch):
    calls = []
    monkeypatch.setattr(digest, "digest_due", lambda *, now: calls.append(now))

    asgi.run_desk_sweep()

    assert len(calls) == 1


# --- The database keeps one subscription per city and one digest per week ---------------


@pytest.mark.django_db
def test_it_refuses_a_second_subscription_of_a_customer_to_a_city(shop):
    subscription = subscriber(shop.city)

    with refused_by(
        "deals_digestsubscription_one_per_city",
        sqlite="deals_digestsubscription.customer_id, deals_digestsubscription.city_id",
    ):
        DigestSubscription.objects.create(
            customer=subscription.customer, city=shop.city, created_at=MONDAY_8
        )


@pytest.mark.django_db
def test_it_accepts_one_customer_in_two_cities_and_two_customers_in_one(shop):
    subscription = subscriber(shop.city)
    DigestSubscription.objects.create(
        customer=subscription.customer, city=make_city(), created_at=MONDAY_8
    )
    DigestSubscription.objects.create(customer=make_user(), city=shop.city, created_at=MONDAY_8)

    assert DigestSubscription.objects.count() == 3


@pytest.mark.django_db
def test_it_refuses_a_second_digest_of_a_subscription_for_one_week(shop):
    subscription = subscriber(shop.city)
    DigestDelivery.objects.create(
        subscription=subscription, iso_year=2026, iso_week=50, created_at=MONDAY_8
    )

    with refused_by(
        "deals_digestdelivery_once_per_week",
        sqlite="deals_digestdelivery.subscription_id, deals_digestdelivery.iso_year",
    ):
        DigestDelivery.objects.create(
            subscription=subscription, iso_year=2026, iso_week=50, created_at=MONDAY_8
        )


@pytest.mark.django_db
def test_it_accepts_the_next_week_and_the_same_week_of_another_year(shop):
    subscription = subscriber(shop.city)
    for year, week in ((2026, 50), (2026, 51), (2027, 50)):
        DigestDelivery.objects.create(
            subscription=subscription, iso_year=year, iso_week=week, created_at=MONDAY_8
        )

    assert DigestDelivery.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("week", [0, 54])
def test_it_refuses_an_iso_week_outside_1_to_53(shop, week):
    subscription = subscriber(shop.city)

    with refused_by("deals_digestdelivery_week_valid"):
        DigestDelivery.objects.create(
            subscription=subscription, iso_year=2026, iso_week=week, created_at=MONDAY_8
        )


@pytest.mark.django_db
@pytest.mark.parametrize("week", [1, 53])
def test_it_accepts_iso_weeks_1_and_53(shop, week):
    subscription = subscriber(shop.city)
    DigestDelivery.objects.create(
        subscription=subscription, iso_year=2026, iso_week=week, created_at=MONDAY_8
    )

    assert DigestDelivery.objects.get().iso_week == week


@pytest.mark.django_db(transaction=True)
def test_two_tasks_that_both_read_the_row_as_not_done_send_once(shop, settings, monkeypatch):
    # Forced interleaving: both tasks have read the row (not done) and built
    # the list before either writes. Only the conditional UPDATE stands
    # between them and two e-mails.
    settings.SITE_URL = "https://comptoir.example"
    subscriber(shop.city)
    new_deal(shop, "Galettes")
    digest_due(now=MONDAY_8 - timedelta(hours=1))  # not due yet: nothing written
    DigestDelivery.objects.create(
        subscription=DigestSubscription.objects.get(),
        iso_year=2026,
        iso_week=50,
        created_at=MONDAY_8,
    )
    delivery = DigestDelivery.objects.get()
    both_read = threading.Barrier(2)
    real_deals = digest.digest_deals

    def deals_then_wait(*args, **kwargs):
        found = real_deals(*args, **kwargs)
        both_read.wait(timeout=10)
        return found

    monkeypatch.setattr(digest, "digest_deals", deals_then_wait)

    results, errors = run_together(
        [lambda: digest_deliver(delivery_id=delivery.pk, now=MONDAY_8)] * 2
    )

    assert errors == []
    assert sorted(results) == [-1, 1]
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1

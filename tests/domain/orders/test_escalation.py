from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from comptoir.core.events import shop_channel
from comptoir.domain.accounts.models import User
from comptoir.domain.orders import notifications
from comptoir.domain.orders.desk import UNANSWERED_REASON, order_accept
from comptoir.domain.orders.escalation import SweepReport, desk_sweep
from comptoir.domain.orders.models import Order, OrderEvent, OrderState
from comptoir.domain.shops.models import Role, Shop
from tests.concurrency import run_together
from tests.domain.orders.desk_support import bus_fixture, place_orders  # noqa: F401
from tests.domain.orders.support import NOW
from tests.domain.orders.test_checkout import stocks
from tests.factories import make_membership, make_user

S = OrderState


def minutes(n, seconds=0):
    return NOW + timedelta(minutes=n, seconds=seconds)


@pytest.fixture
def owners(scene):
    anne = make_membership(
        scene.bakery, make_user(email="anne@example.fr", language="en"), Role.OWNER
    )
    paul = make_membership(scene.bakery, make_user(email="paul@example.fr"), Role.OWNER)
    make_membership(scene.bakery, make_user(email="lea@example.fr"), Role.STAFF)
    return [anne.user, paul.user]


@pytest.fixture
def pushes(monkeypatch):
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(notifications, "push_after_commit", lambda **kw: calls.append(kw))
    return calls


@pytest.fixture
def orders(scene):
    """Bread waits at the bakery (owners, default delays); the cheese shop never refuses."""
    Shop.objects.filter(pk=scene.cheese.pk).update(
        escalate_after_minutes=10, auto_refuse_after_minutes=None
    )
    return place_orders(scene)


def fields(order):
    return Order.objects.values_list("state", "escalated_at").get(pk=order.pk)


def test_it_leaves_orders_that_have_not_waited_long_enough(orders, bus, mailoutbox):
    bread, _ = orders

    report = desk_sweep(now=minutes(2, 59))

    assert report == SweepReport(escalated=[], refused=[])
    assert not report
    assert fields(bread) == (S.PLACED, None)
    assert bus.events == []


def test_it_escalates_a_waiting_order_once_and_tells_every_owner(
    scene, orders, owners, bus, pushes, mailoutbox, django_capture_on_commit_callbacks
):
    bread, cheese = orders
    bus.events.clear()

    with django_capture_on_commit_callbacks(execute=True):
        report = desk_sweep(now=minutes(3))

    assert report == SweepReport(escalated=[bread.number], refused=[])
    assert fields(bread) == (S.PLACED, minutes(3))
    assert fields(cheese) == (S.PLACED, None)
    assert bus.seen() == [
        (
            shop_channel(scene.bakery.pk),
            "order",
            {"id": bread.pk, "number": bread.number, "state": "placed", "kind": "escalated"},
        )
    ]
    assert sorted(mail.to[0] for mail in mailoutbox) == ["anne@example.fr", "paul@example.fr"]
    anne_mail = next(mail for mail in mailoutbox if mail.to == ["anne@example.fr"])
    assert anne_mail.subject == f"Order {bread.number} is waiting at Boulangerie Jeanne"
    assert "A new order has been waiting for 3 minutes. Accept or refuse it." in anne_mail.body
    assert [(push["user_id"], push["url"]) for push in pushes] == [
        (owner.pk, f"/shop/rouen/{scene.bakery.slug}/desk/") for owner in owners
    ]

    with django_capture_on_commit_callbacks(execute=True):
        again = desk_sweep(now=minutes(4))

    assert again == SweepReport(escalated=[], refused=[])
    assert fields(bread) == (S.PLACED, minutes(3))
    assert len(mailoutbox) == 2
    assert len(bus.events) == 1


def test_an_answered_order_is_never_escalated(scene, orders, owners, mailoutbox):
    bread, cheese = orders
    order_accept(order=bread, actor=owners[0], ready_by=minutes(60), now=minutes(1))

    report = desk_sweep(now=minutes(30))

    assert report == SweepReport(escalated=[cheese.number], refused=[])
    assert fields(bread) == (S.ACCEPTED, None)


def test_it_refuses_an_order_nobody_answered_and_gives_everything_back(
    scene, orders, owners, bus, mailoutbox, django_capture_on_commit_callbacks
):
    bread, cheese = orders
    desk_sweep(now=minutes(3))
    scene.customer.language = "en"
    scene.customer.save()

    with django_capture_on_commit_callbacks(execute=True):
        report = desk_sweep(now=minutes(15))

    assert report == SweepReport(escalated=[cheese.number], refused=[bread.number])
    assert fields(bread) == (S.REFUSED, minutes(3))
    event = OrderEvent.objects.filter(order=bread).last()
    assert event is not None
    with translation.override("fr"):
        reason = str(UNANSWERED_REASON)
    assert (event.from_state, event.to_state, event.actor, event.reason, event.at) == (
        S.PLACED,
        S.REFUSED,
        None,
        reason,
        minutes(15),
    )
    assert stocks(scene.baguette, scene.croissant) == [10, 6]
    customer_mail = next(mail for mail in mailoutbox if mail.to == ["camille@example.fr"])
    assert "The shop could not answer your order in time." in customer_mail.body
    assert "Please accept our apologies." in customer_mail.body


def test_a_shop_without_auto_refuse_keeps_its_orders_waiting(orders, mailoutbox):
    _, cheese = orders

    desk_sweep(now=minutes(10))
    report = desk_sweep(now=minutes(600))

    assert cheese.number not in report.refused
    assert cheese.number not in report.escalated
    assert fields(cheese) == (S.PLACED, minutes(10))


def test_a_late_sweep_refuses_without_escalating_first(orders, owners, mailoutbox):
    bread, _ = orders

    report = desk_sweep(now=minutes(20))

    assert report.refused == [bread.number]
    assert fields(bread) == (S.REFUSED, None)


def test_the_sweep_reads_a_fixed_number_of_queries_for_the_waiting_list(
    orders, django_assert_num_queries
):
    with django_assert_num_queries(1):
        desk_sweep(now=minutes(2))


@pytest.mark.django_db(transaction=True)
def test_sweeps_running_at_once_escalate_once_and_tell_the_owners_once(scene, owners, mailoutbox):
    bread, cheese = place_orders(scene)

    def sweep():
        return desk_sweep(now=minutes(3))

    reports, errors = run_together([sweep, sweep, sweep])

    assert errors == []
    escalated = [number for report in reports for number in report.escalated]
    assert sorted(escalated) == sorted([bread.number, cheese.number])  # each by one sweep
    assert fields(bread)[1] == minutes(3)
    to_owners = [mail.to[0] for mail in mailoutbox if mail.to != ["camille@example.fr"]]
    assert sorted(to_owners) == ["anne@example.fr", "paul@example.fr"]


@pytest.mark.django_db(transaction=True)
def test_sweeps_running_at_once_refuse_once_and_release_once(scene, mailoutbox):
    User.objects.filter(pk=scene.customer.pk).update(language="en")
    bread, cheese = place_orders(scene)

    reports, errors = run_together([lambda: desk_sweep(now=minutes(16)) for _ in range(3)])

    assert errors == []
    refused = [number for report in reports for number in report.refused]
    assert sorted(refused) == sorted([bread.number, cheese.number])  # each by one sweep
    assert stocks(scene.baguette, scene.croissant, scene.comte) == [10, 6, 4]
    assert OrderEvent.objects.filter(order=bread, to_state=S.REFUSED).count() == 1
    refusals = [mail.subject for mail in mailoutbox if "could not take" in mail.subject]
    assert sorted(refusals) == sorted(
        [
            f"Boulangerie Jeanne could not take your order {bread.number}",
            f"Fromagerie du Vieux-Marché could not take your order {cheese.number}",
        ]
    )
    connection.close()


def test_the_command_sweeps_once_and_says_what_it_did(orders, owners):
    bread, cheese = orders
    Order.objects.filter(pk=bread.pk).update(placed_at=NOW - timedelta(days=1))
    Order.objects.filter(pk=cheese.pk).update(placed_at=NOW - timedelta(days=1))
    out = StringIO()

    call_command("desk_sweep", stdout=out)

    assert out.getvalue() == f"escalated: {cheese.number}; refused: {bread.number}\n"
    assert fields(bread)[0] == S.REFUSED


def test_the_command_refuses_a_loop_of_zero_seconds():
    with pytest.raises(CommandError, match=r"--loop takes a number of seconds above 0\."):
        call_command("desk_sweep", "--loop", "0")


def test_the_command_loops_until_interrupted(orders, monkeypatch):
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr("comptoir.domain.orders.management.commands.desk_sweep.time.sleep", sleep)
    monkeypatch.setattr(
        "comptoir.domain.orders.management.commands.desk_sweep.connection.close", lambda: None
    )

    call_command("desk_sweep", "--loop", "2.5", stdout=StringIO())

    assert sleeps == [2.5, 2.5, 2.5]


def test_a_sweep_with_nothing_waiting_does_nothing(db):
    assert desk_sweep(now=NOW) == SweepReport()


def test_an_order_that_fails_is_left_for_the_next_sweep_without_blocking_the_others(
    scene, orders, owners, monkeypatch, caplog
):
    bread, cheese = orders
    Shop.objects.filter(pk=scene.cheese.pk).update(escalate_after_minutes=3)

    def broken_for_bread(*, order, **kwargs):
        if order.pk == bread.pk:
            raise RuntimeError("mail server refused")

    monkeypatch.setattr(
        "comptoir.domain.orders.escalation.notify_owners_escalated", broken_for_bread
    )
    report = desk_sweep(now=minutes(3))

    assert report == SweepReport(escalated=[cheese.number], refused=[], failed=[bread.number])
    assert fields(bread) == (S.PLACED, None)  # rolled back: tried again next time
    assert f"The desk sweep failed on order {bread.number}." in caplog.text

    monkeypatch.undo()
    assert desk_sweep(now=minutes(4)) == SweepReport(escalated=[bread.number])

from datetime import datetime, timedelta

import pytest
from django.db import transaction
from django.utils import translation

from comptoir.domain.accounts.models import User
from comptoir.domain.orders import notifications
from comptoir.domain.orders.desk import (
    order_accept,
    order_mark_ready,
    order_refuse,
    order_refuse_unanswered,
    order_send_out,
)
from comptoir.domain.orders.models import Order
from comptoir.domain.orders.services import order_cancel_by_customer
from comptoir.domain.shops.models import Role, Shop, Trade
from comptoir.domain.shops.selectors import shops_to_suggest
from tests.domain.orders.desk_support import place_orders
from tests.domain.orders.support import NOW, PARIS, open_all_week
from tests.factories import make_membership, make_opening_hours, make_shop

TUESDAY, WEDNESDAY, MONDAY = 1, 2, 0


def at(hour, minute=0):
    return datetime(2026, 3, 10, hour, minute, tzinfo=PARIS)


@pytest.fixture
def pushes(monkeypatch):
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(notifications, "push_after_commit", lambda **kw: calls.append(kw))
    return calls


@pytest.fixture
def english(scene):
    User.objects.filter(pk=scene.customer.pk).update(language="en")


@pytest.fixture
def staff(scene):
    return make_membership(scene.bakery, role=Role.STAFF).user


@pytest.fixture
def orders(scene):
    """The scene's orders, placed before each test (the confirmation e-mail is not sent)."""
    Shop.objects.filter(pk=scene.cheese.pk).update(trade=Trade.CHEESE)
    return place_orders(scene)


def only_mail(mailoutbox):
    [mail] = mailoutbox
    [(html, mimetype)] = mail.alternatives
    assert mimetype == "text/html"
    return mail, html


def test_the_accepted_email_gives_the_ready_by_time_in_the_citys_zone(
    scene, english, orders, staff, pushes, mailoutbox, django_capture_on_commit_callbacks
):
    bread, _ = orders

    with django_capture_on_commit_callbacks(execute=True):
        order_accept(order=bread, actor=staff, ready_by=at(10, 5), now=NOW)

    mail, html = only_mail(mailoutbox)
    assert mail.to == ["camille@example.fr"]
    assert mail.subject == f"Boulangerie Jeanne accepted your order {bread.number}"
    assert "It will be ready by Tuesday 10 March, 10:05." in mail.body
    assert "09:05" not in mail.body  # not UTC
    assert f"Pickup code: {bread.pickup_code}" in mail.body
    assert f"Pickup code: {bread.pickup_code}" in html
    assert "Tuesday 10 March, 10:00–10:15" in mail.body
    assert pushes == [
        {
            "user_id": scene.customer.pk,
            "order_id": bread.pk,
            "title": mail.subject,
            "body": "Ready by Tuesday 10 March, 10:05.",
            "url": f"/account/orders/{bread.number}/",
            "key": f"order:{bread.pk}:accepted",
        }
    ]


def test_it_writes_in_the_customers_language_whatever_the_staffs(
    scene, orders, staff, mailoutbox, django_capture_on_commit_callbacks
):
    bread, _ = orders  # the customer kept the default language: French

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        order_accept(order=bread, actor=staff, ready_by=at(10, 5), now=NOW)

    mail, html = only_mail(mailoutbox)
    assert "mardi 10 mars, 10:05" in mail.body
    assert "mardi 10 mars, 10:05" in html
    assert "Tuesday" not in mail.body
    assert translation.get_language() == "fr"  # the test's language, restored


def test_a_guest_is_written_to_in_the_sites_language_and_pushed_on_their_order(
    scene, orders, staff, pushes, mailoutbox, django_capture_on_commit_callbacks
):
    bread, _ = orders
    Order.objects.filter(pk=bread.pk).update(customer=None)
    bread = Order.objects.get(pk=bread.pk)

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        order_accept(order=bread, actor=staff, ready_by=at(10, 5), now=NOW)

    mail, _ = only_mail(mailoutbox)
    assert "mardi 10 mars, 10:05" in mail.body
    [push] = pushes
    assert (push["user_id"], push["order_id"]) == (None, bread.pk)
    assert push["url"] == f"/rouen/checkout/done/{bread.checkout.token}/"


def test_the_ready_email_tells_a_collecting_customer_to_come_with_the_code(
    scene, english, orders, staff, pushes, mailoutbox, django_capture_on_commit_callbacks
):
    bread, _ = orders
    order_accept(order=bread, actor=staff, ready_by=at(10, 0), now=NOW)
    pushes.clear()

    with django_capture_on_commit_callbacks(execute=True):
        order_mark_ready(order=bread, actor=staff, now=NOW)

    mail, html = only_mail(mailoutbox)
    assert mail.subject == f"Your order {bread.number} is ready at Boulangerie Jeanne"
    assert "Your order is ready: come and collect it at Boulangerie Jeanne." in mail.body
    assert f"Give this pickup code at the counter: {bread.pickup_code}" in mail.body
    assert scene.bakery.street in mail.body
    assert bread.pickup_code in html
    assert [push["key"] for push in pushes] == [f"order:{bread.pk}:ready"]
    assert bread.pickup_code not in pushes[0]["body"]  # a lock screen is not private


def test_a_delivery_ready_at_the_shop_sends_nothing_until_it_leaves(
    scene, english, orders, pushes, mailoutbox, django_capture_on_commit_callbacks
):
    _, cheese = orders
    owner = make_membership(scene.cheese, role=Role.OWNER).user
    order_accept(order=cheese, actor=owner, ready_by=at(11, 0), now=NOW)

    with django_capture_on_commit_callbacks(execute=True):
        order_mark_ready(order=cheese, actor=owner, now=NOW)
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        order_send_out(order=cheese, actor=owner, now=NOW)

    mail, _ = only_mail(mailoutbox)
    assert (
        mail.subject == f"Your order {cheese.number} from Fromagerie du Vieux-Marché is on its way"
    )
    assert "12 rue Beauvoisine, 76000 Rouen" in mail.body
    assert "Tuesday 10 March, 11:00–12:00" in mail.body


def suggestible_bakeries(city):
    open_now = open_all_week(make_shop(city, name="Au Pain Chaud"))
    later_today = make_shop(city, name="Le Fournil Tardif")
    make_opening_hours(later_today, TUESDAY, "09:30", "18:00")
    tomorrow = make_shop(city, name="Boulangerie du Mercredi")
    make_opening_hours(tomorrow, WEDNESDAY, "07:00", "13:00")
    next_week = make_shop(city, name="Pains de Lundi")
    make_opening_hours(next_week, MONDAY, "07:00", "13:00")
    open_all_week(make_shop(city, name="En Pause", is_paused=True))
    open_all_week(make_shop(city, name="En Pause Une Heure", paused_until=NOW + timedelta(hours=1)))
    pause_over = open_all_week(make_shop(city, name="Pause Finie", paused_until=NOW))
    open_all_week(make_shop(city, name="Pas Publiée", is_active=False))
    open_all_week(make_shop(city, name="Fromages Ouverts", trade=Trade.CHEESE))
    make_shop(city, name="Jamais Ouverte")
    return [open_now, pause_over, later_today]


def test_it_suggests_open_shops_of_the_same_trade_first_then_the_soonest_to_open(scene, orders):
    expected = suggestible_bakeries(scene.city)

    suggested = shops_to_suggest(instead_of=scene.bakery, now=NOW)

    assert suggested == expected


def test_it_suggests_shops_opening_another_day_when_fewer_are_open(scene, orders):
    suggestible_bakeries(scene.city)
    Shop.objects.filter(name__in=["Au Pain Chaud", "Pause Finie"]).update(is_active=False)

    suggested = shops_to_suggest(instead_of=scene.bakery, now=NOW)

    assert [shop.name for shop in suggested] == [
        "Le Fournil Tardif",
        "Boulangerie du Mercredi",
        "Pains de Lundi",
    ]


def test_the_refusal_email_gives_the_reason_an_apology_and_other_shops(
    scene, english, orders, staff, pushes, mailoutbox, django_capture_on_commit_callbacks
):
    bread, _ = orders
    suggestible_bakeries(scene.city)

    with django_capture_on_commit_callbacks(execute=True):
        order_refuse(order=bread, actor=staff, reason="Four en panne", now=NOW)

    mail, html = only_mail(mailoutbox)
    assert mail.subject == f"Boulangerie Jeanne could not take your order {bread.number}"
    assert f"We are sorry: Boulangerie Jeanne could not take your order {bread.number}." in (
        mail.body
    )
    assert "Reason: Four en panne" in mail.body
    assert "Please accept our apologies." in mail.body
    suggestions = [line for line in mail.body.splitlines() if line.startswith("- ")]
    assert [line.split(" (")[0] for line in suggestions] == [
        "- Au Pain Chaud",
        "- Pause Finie",
        "- Le Fournil Tardif",
    ]
    assert "(open now)" in suggestions[0]
    assert "(opens Tuesday 10 March, 09:30)" in suggestions[2]
    assert "Au Pain Chaud" in html
    assert "Four en panne" in html
    assert pushes[0]["key"] == f"order:{bread.pk}:refused"


def test_an_automatic_refusal_apologises_for_the_shops_silence(
    scene, english, orders, pushes, mailoutbox, django_capture_on_commit_callbacks
):
    bread, _ = orders

    with django_capture_on_commit_callbacks(execute=True):
        order_refuse_unanswered(order=bread, now=at(9, 20))

    mail, _ = only_mail(mailoutbox)
    assert "Reason: The shop could not answer your order in time." in mail.body
    assert "These shops might help you instead:" not in mail.body  # none in this city


def test_the_cancel_confirmation_says_nothing_is_owed(
    scene, english, orders, pushes, mailoutbox, django_capture_on_commit_callbacks
):
    bread, _ = orders

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_customer(order=bread, actor=scene.customer, now=NOW)

    mail, html = only_mail(mailoutbox)
    assert mail.subject == f"Your order {bread.number} at Boulangerie Jeanne is cancelled"
    assert "is cancelled, as you asked. You owe nothing." in mail.body
    assert "You owe nothing." in html
    assert [push["key"] for push in pushes] == [f"order:{bread.pk}:cancelled"]


def test_a_rolled_back_transition_sends_no_email_and_no_push(
    scene, orders, staff, pushes, mailoutbox, django_capture_on_commit_callbacks
):
    bread, _ = orders

    def refuse_then_fail() -> None:
        with transaction.atomic():
            order_refuse(order=bread, actor=staff, reason="Four en panne", now=NOW)
            raise RuntimeError("the request failed after the service")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        refuse_then_fail()

    assert callbacks == []
    assert mailoutbox == []
    assert Order.objects.get(pk=bread.pk).state == "placed"


def test_a_real_push_is_queued_only_after_the_commit(
    scene, english, orders, staff, mailoutbox, django_capture_on_commit_callbacks
):
    """Through the real push module: no subscription, so no push task; the e-mail still goes."""
    bread, _ = orders

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        order_accept(order=bread, actor=staff, ready_by=at(10, 5), now=NOW)

    assert len(callbacks) == 3  # two live events and the e-mail; no push without a phone
    assert len(mailoutbox) == 1

"""The checkout page and its confirmation: choose, confirm, get the codes; refusals lose nothing."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum
from django.test import Client

from comptoir.domain.accounts.models import Address
from comptoir.domain.catalogue.models import Product
from comptoir.domain.fulfilment.models import SlotBooking, SlotKind
from comptoir.domain.orders.checkout import checkout_place
from comptoir.domain.orders.models import BasketLine, Checkout, Fulfilment, Order
from comptoir.domain.orders.services import basket_add, basket_for
from comptoir.interfaces.storefront.basket_session import VISITOR_TOKEN_SESSION_KEY
from comptoir.interfaces.storefront.checkout_forms import summary_key
from tests.domain.orders.support import (
    CONTACT,
    NOW,
    collect_shop,
    delivery_shop,
    delivery_to,
    make_scene,
)
from tests.factories import make_product, make_user

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
URL = "/rouen/checkout/"
SUMMARY_URL = "/rouen/checkout/summary/"
#: The first pickup slot at 9:00: ready at 9:30 (30 minutes of preparation), 15-minute grid.
EARLIEST_PICKUP = datetime(2026, 3, 10, 9, 30, tzinfo=PARIS).astimezone(UTC).isoformat()
#: The first delivery slot: 60-minute grid from 8:00, ready at 9:30.
EARLIEST_DELIVERY = datetime(2026, 3, 10, 10, 0, tzinfo=PARIS).astimezone(UTC).isoformat()
#: 400 m from the shops of the factories (49.4408, 1.0921), inside their 3 km.
NEAR = {"address-latitude": "49.444000", "address-longitude": "1.095000"}
#: Paris, 110 km away.
FAR = {"address-latitude": "48.856600", "address-longitude": "2.352200"}
ADDRESS = {
    "address-line1": "12 rue Beauvoisine",
    "address-postal_code": "76000",
    "address-locality": "Rouen",
    "address-located_for": "12 rue beauvoisine|76000",
}
GUEST = {"name": "Camille Martin", "email": "camille@example.fr", "phone": "06 12 34 56 78"}


class FormReader(HTMLParser):
    """What a browser would post from the checkout form: inputs, checked radios."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self.in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form" and "co-form" in values.get("class", ""):
            self.in_form = True
        if tag != "input" or not self.in_form or "name" not in values:
            return
        if values.get("type") == "radio" and "checked" not in values:
            return
        self.data[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False


def form_of(html: str) -> dict[str, str]:
    reader = FormReader()
    reader.feed(html)
    return reader.data


def text(markup: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).strip())


def english(client: Client) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def choose(client: Client, data: dict[str, str], **changes: str) -> dict[str, str]:
    """Change some fields as a customer would; htmx then refreshes the summary (and its key)."""
    data = data | changes
    response = client.post(SUMMARY_URL, data)
    assert response.status_code == 200
    key = re.search(r'name="summary_key" value="([^"]*)"', response.content.decode())
    assert key is not None
    return data | {"summary_key": key.group(1).replace("&amp;", "&")}


def guest_basket(client: Client, city):
    session = client.session
    session[VISITOR_TOKEN_SESSION_KEY] = "visitor-token-0001"
    session.save()
    basket = basket_for(city=city, session_key="visitor-token-0001", create=True)
    assert basket is not None
    return basket


def basket_state(basket) -> list[tuple[int, int]]:
    return list(BasketLine.objects.filter(basket=basket).values_list("product_id", "quantity"))


@pytest.fixture(autouse=True)
def now(freeze_storefront_clock):
    return freeze_storefront_clock(NOW)


@pytest.fixture
def guest(city, client):
    """A visitor's basket: two baguettes at the bakery, two Comtés at the cheese shop."""
    english(client)
    bakery = collect_shop(city)
    cheese = delivery_shop(city)
    baguette = make_product(bakery, name="Baguette tradition", price=Decimal("1.30"), stock=10)
    comte = make_product(
        cheese, name="Comté 18 mois", price=Decimal("8.90"), vat_rate=Decimal("5.50"), stock=4
    )
    basket = guest_basket(client, city)
    basket_add(basket=basket, product=baguette, quantity=2)
    basket_add(basket=basket, product=comte, quantity=2)
    return {
        "basket": basket,
        "bakery": bakery,
        "cheese": cheese,
        "baguette": baguette,
        "comte": comte,
    }


@pytest.fixture
def customer_scene(city, client):
    scene = make_scene(city)
    client.force_login(scene.customer)
    english(client)
    return scene


def test_it_shows_each_shop_with_its_slots_the_earliest_preselected_and_delivery_terms(
    client, guest
):
    response = client.get(URL)

    assert response.status_code == 200
    assert response["Cache-Control"] == ("max-age=0, no-cache, no-store, must-revalidate, private")
    data = form_of(response.content.decode())
    bakery, cheese = guest["bakery"].pk, guest["cheese"].pk
    assert data[f"s{bakery}-fulfilment"] == "collect"
    assert data[f"s{bakery}-collect_slot"] == EARLIEST_PICKUP
    assert data[f"s{cheese}-fulfilment"] == "collect"
    assert data[f"s{cheese}-delivery_slot"] == EARLIEST_DELIVERY
    assert data["expected"] == (f"{guest['baguette'].pk}:1.30:2;{guest['comte'].pk}:8.90:2")
    page = text(response.content.decode())
    assert "Home delivery €3.50 · minimum €10.00" in page
    assert "Today 9:30–9:45" in page  # the recap of the preselected pickup
    assert "To pay at the shop €20.40" in page
    assert "Perishable food is excluded from the right of withdrawal" in page


def test_its_frame_is_a_skeleton_rendered_once_for_its_city_and_kind_of_visitor(client, guest):
    """base.html is not rendered again for each checkout page (page_frame.py)."""
    first = client.get(URL)
    again = client.get(URL + "?from=<basket>")

    rendered = [[t.name for t in response.templates] for response in (first, again)]
    assert "base.html" in rendered[0]
    assert "base.html" not in rendered[1]
    assert "storefront/_checkout_page.html" in rendered[1]
    page = again.content.decode()
    assert "<title>Checkout · Rouen · Comptoir</title>" in page
    assert '<span class="basket-link__count" aria-hidden="true">4</span>' in page
    assert 'name="next" value="/rouen/checkout/?from=%3Cbasket%3E"' in page
    # The language form's field and the order form's, both the visitor's token.
    assert len(re.findall(r'name="csrfmiddlewaretoken" value="\w{64}"', page)) == 2
    assert "<!--csrf-token-->" not in page


def test_it_places_a_guest_order_from_two_shops_and_shows_both_codes(client, guest):
    data = form_of(client.get(URL).content.decode())
    cheese = guest["cheese"].pk
    data = choose(client, data, **GUEST, **ADDRESS, **NEAR, **{f"s{cheese}-fulfilment": "delivery"})

    response = client.post(URL, data)

    checkout = Checkout.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/rouen/checkout/done/{checkout.token}/"
    orders = {order.shop_id: order for order in Order.objects.all()}
    assert orders[guest["bakery"].pk].fulfilment == Fulfilment.COLLECT
    assert orders[guest["bakery"].pk].slot_starts_at.isoformat() == EARLIEST_PICKUP
    assert orders[cheese].fulfilment == Fulfilment.DELIVERY
    assert orders[cheese].delivery_fee == Decimal("3.50")
    assert orders[cheese].delivery_latitude == Decimal("49.444000")
    assert basket_state(guest["basket"]) == []

    done = client.get(response["Location"])
    html = done.content.decode()
    assert done.status_code == 200
    assert done["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    codes = re.findall(r'<p class="co-code__value">(\w+)</p>', html)
    assert sorted(codes) == sorted(order.pickup_code for order in orders.values())
    assert len(re.findall(r'<img class="co-code__qr" src="data:image/svg\+xml', html)) == 2
    assert "Create my account" in html
    assert (
        "/account/signup/?email=camille%40example.fr&amp;next=%2Frouen%2Fcheckout%2Fdone%2F" in html
    )
    assert "https://www.openstreetmap.org/?mlat=49.440800&amp;mlon=1.092100" in html
    assert "<title>Order placed · Rouen · Comptoir</title>" in html
    assert "basket-link__count" not in html  # the basket is empty now

    again = client.get(response["Location"])  # its frame's skeleton, not base.html again
    assert "base.html" not in [t.name for t in again.templates]
    assert re.findall(r'<p class="co-code__value">(\w+)</p>', again.content.decode()) == codes


def test_it_lands_a_replayed_confirmation_on_the_same_checkout(client, guest):
    data = form_of(client.get(URL).content.decode()) | GUEST
    first = client.post(URL, data)

    second = client.post(URL, data)

    assert first.status_code == second.status_code == 303
    assert second["Location"] == first["Location"]
    assert Checkout.objects.count() == 1
    assert Order.objects.count() == 2
    assert client.get(second["Location"]).status_code == 200


def test_it_shows_what_changed_when_a_price_moved_and_orders_nothing(client, guest):
    data = form_of(client.get(URL).content.decode()) | GUEST
    Product.objects.filter(pk=guest["baguette"].pk).update(price=Decimal("1.50"))

    response = client.post(URL, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Baguette tradition: €1.30 → €1.50" in text(html)
    assert Order.objects.count() == 0
    assert Checkout.objects.count() == 0
    assert basket_state(guest["basket"]) == [(guest["baguette"].pk, 2), (guest["comte"].pk, 2)]
    # The new page shows the new prices, and confirming them places the order.
    again = form_of(html)
    assert again["expected"] == f"{guest['baguette'].pk}:1.50:2;{guest['comte'].pk}:8.90:2"
    assert client.post(URL, again).status_code == 303


def test_it_names_the_shortfall_when_the_last_items_went_meanwhile(client, guest):
    data = form_of(client.get(URL).content.decode()) | GUEST
    Product.objects.filter(pk=guest["comte"].pk).update(stock=1)

    response = client.post(URL, data)

    assert response.status_code == 200
    assert "Comté 18 mois: you asked for 2, 1 left." in text(response.content.decode())
    assert Order.objects.count() == 0
    assert basket_state(guest["basket"]) == [(guest["baguette"].pk, 2), (guest["comte"].pk, 2)]
    assert Product.objects.get(pk=guest["comte"].pk).stock == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sB-collect_slot": "not-a-date"}, "Choose a pickup time."),
        ({"sB-collect_slot": "2026-03-10T08:07:00+00:00"}, "This time slot is not available."),
        ({"sB-collect_slot": "2026-03-10T08:30:00"}, "Choose a pickup time."),
        ({"sB-fulfilment": "teleport"}, "Select a valid choice."),
        ({"sB-fulfilment": "delivery"}, "Select a valid choice."),
        ({"sB-fulfilment": ""}, "Choose pickup or delivery."),
        ({"expected": "12:abc:1"}, "This page was out of date."),
        ({"expected": "1:1.30:500"}, "This page was out of date."),
        ({"token": ""}, "This checkout form has expired."),
        ({"name": ""}, "This field is required."),
        ({"phone": "123"}, "Enter a phone number we can call"),
        ({"email": "camille@"}, "Enter a valid e-mail address"),
        ({"payment_method": "bitcoin"}, "Select a valid choice."),
        ({"sC-fulfilment": "delivery", "address-line1": ""}, "Enter the street and number."),
        ({"address-latitude": "north"}, "Enter a number."),
    ],
)
def test_it_answers_tampered_or_missing_input_with_a_message_and_writes_nothing(
    client, guest, changes, message
):
    data = form_of(client.get(URL).content.decode()) | GUEST | ADDRESS
    bakery, cheese = guest["bakery"].pk, guest["cheese"].pk
    for name, value in changes.items():
        data[name.replace("sB-", f"s{bakery}-").replace("sC-", f"s{cheese}-")] = value
    data["summary_key"] = summary_key(data)  # forged consistently, to reach the service

    response = client.post(URL, data)

    assert response.status_code == 200
    assert message in text(response.content.decode())
    assert Checkout.objects.count() == 0
    assert Order.objects.count() == 0
    assert SlotBooking.objects.count() == 0
    assert basket_state(guest["basket"]) == [(guest["baguette"].pk, 2), (guest["comte"].pk, 2)]


def test_it_suggests_click_and_collect_outside_the_delivery_area_then_places_it(client, guest):
    cheese = guest["cheese"].pk
    data = form_of(client.get(URL).content.decode())
    data = choose(client, data, **GUEST, **ADDRESS, **FAR, **{f"s{cheese}-fulfilment": "delivery"})

    refused = client.post(URL, data)

    section = re.search(
        rf'<section class="co-shop"[^>]*data-shop="{cheese}">(.*?)</section>',
        refused.content.decode(),
        re.S,
    )
    assert refused.status_code == 200
    assert section is not None
    assert (
        "This address is outside the shop's delivery area. You can choose click & collect "
        "and pick up your order at the shop."
    ) in text(section.group(1))
    assert Order.objects.count() == 0

    data = choose(client, form_of(refused.content.decode()), **{f"s{cheese}-fulfilment": "collect"})
    placed = client.post(URL, data)

    assert placed.status_code == 303
    assert sorted(Order.objects.values_list("fulfilment", flat=True)) == ["collect", "collect"]


def test_a_guest_typing_an_address_gets_delivery_measured_from_the_postcode(client, guest):
    cheese = guest["cheese"].pk
    data = form_of(client.get(URL).content.decode())
    typed = ADDRESS | {"address-located_for": ""}  # typed by hand: no coordinates
    data = choose(client, data, **GUEST, **typed, **{f"s{cheese}-fulfilment": "delivery"})

    response = client.post(URL, data)

    assert response.status_code == 303
    delivered = Order.objects.get(fulfilment="delivery")
    assert (delivered.shop_id, delivered.delivery_postal_code) == (cheese, "76000")
    assert (delivered.delivery_latitude, delivered.delivery_longitude) == (None, None)


def test_it_asks_to_check_an_address_it_cannot_place_on_the_map(client, guest):
    cheese = guest["cheese"].pk
    data = form_of(client.get(URL).content.decode())
    # Typed by hand (no coordinates), in a postcode Comptoir cannot place.
    typed = ADDRESS | {"address-postal_code": "27000", "address-located_for": ""}
    data = choose(client, data, **GUEST, **typed, **{f"s{cheese}-fulfilment": "delivery"})

    response = client.post(URL, data)

    assert response.status_code == 200
    assert (
        "We could not place this address on the map to check the delivery area. "
        "Check the address, or choose click & collect."
    ) in text(response.content.decode())
    assert Order.objects.count() == 0


def test_it_offers_other_slots_when_the_chosen_one_filled_up_meanwhile(client, guest):
    data = form_of(client.get(URL).content.decode()) | GUEST
    bakery = guest["bakery"]
    SlotBooking.objects.create(
        city=bakery.city,
        shop=bakery,
        kind=SlotKind.COLLECT,
        starts_at=datetime.fromisoformat(EARLIEST_PICKUP),
        booked=bakery.slot_capacity,
    )

    response = client.post(URL, data)

    html = response.content.decode()
    section = re.search(
        rf'<section class="co-shop"[^>]*data-shop="{bakery.pk}">(.*?)</section>', html, re.S
    )
    assert response.status_code == 200
    assert section is not None
    assert "This time slot has just been fully booked." in text(section.group(1))
    next_slot = datetime(2026, 3, 10, 9, 45, tzinfo=PARIS).astimezone(UTC).isoformat()
    assert form_of(html)[f"s{bakery.pk}-collect_slot"] == next_slot
    assert Order.objects.count() == 0


def test_it_asks_to_check_the_summary_when_choices_changed_without_it(client, guest):
    data = form_of(client.get(URL).content.decode()) | GUEST
    later = datetime(2026, 3, 10, 11, 0, tzinfo=PARIS).astimezone(UTC).isoformat()

    response = client.post(URL, data | {f"s{guest['bakery'].pk}-collect_slot": later})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Your choices changed: check the summary below, then confirm." in text(html)
    assert "Today 11:00–11:15" in text(html.split('id="checkout-summary"')[1])
    assert Order.objects.count() == 0
    assert client.post(URL, form_of(html)).status_code == 303


def test_it_offers_the_next_slot_when_the_chosen_one_passed_while_the_page_was_open(
    client, guest, freeze_storefront_clock
):
    data = form_of(client.get(URL).content.decode()) | GUEST
    freeze_storefront_clock(NOW + timedelta(minutes=10))  # 9:30 is now too soon

    response = client.post(URL, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "This time slot is not available. Please choose another one." in text(html)
    next_slot = datetime(2026, 3, 10, 9, 45, tzinfo=PARIS).astimezone(UTC).isoformat()
    assert form_of(html)[f"s{guest['bakery'].pk}-collect_slot"] == next_slot
    assert Order.objects.count() == 0


def test_it_sends_an_empty_basket_back_to_the_basket_page(client, guest):
    BasketLine.objects.all().delete()

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == "/rouen/basket/"


def test_it_refuses_the_confirmation_to_another_browser_or_customer(client, guest):
    data = form_of(client.get(URL).content.decode()) | GUEST
    location = client.post(URL, data)["Location"]

    assert Client().get(location).status_code == 404
    stranger = Client()
    stranger.force_login(make_user())
    assert stranger.get(location).status_code == 404
    assert client.get(location).status_code == 200


def test_it_shows_a_customers_confirmation_to_that_customer_only(client, customer_scene):
    data = form_of(client.get(URL).content.decode()) | {"phone": "06 12 34 56 78"}
    location = client.post(URL, data)["Location"]

    other = Client()
    other.force_login(make_user())
    assert other.get(location).status_code == 404
    assert Client().get(location).status_code == 404
    returning = Client()
    returning.force_login(customer_scene.customer)
    response = returning.get(location)
    assert response.status_code == 200
    assert "Create my account" not in response.content.decode()


def test_it_preselects_a_returning_customers_last_choices_and_default_address(
    client, customer_scene
):
    scene = customer_scene
    scene.customer.phone = "+33612345678"
    scene.customer.save()
    Address.objects.create(
        user=scene.customer,
        recipient="Camille Martin",
        line1="12 rue Beauvoisine",
        postal_code="76000",
        locality="Rouen",
        latitude=Decimal("49.444000"),
        longitude=Decimal("1.095000"),
        is_default=True,
    )
    checkout_place(
        basket=scene.basket,
        token="earlier-checkout",
        contact=CONTACT,
        choices={scene.bakery.pk: scene.choices()[scene.bakery.pk], scene.cheese.pk: delivery_to()},
        expected=None,
        now=NOW,
        customer=scene.customer,
    )
    basket_add(basket=scene.basket, product=scene.baguette, quantity=1)
    basket_add(basket=scene.basket, product=scene.comte, quantity=2)

    response = client.get(URL)

    data = form_of(response.content.decode())
    assert data[f"s{scene.bakery.pk}-fulfilment"] == "collect"
    assert data[f"s{scene.cheese.pk}-fulfilment"] == "delivery"
    assert {k: data[k] for k in ("name", "email", "phone")} == {
        "name": "Camille",
        "email": "camille@example.fr",
        "phone": "+33612345678",
    }
    assert data["address-line1"] == "12 rue Beauvoisine"
    assert data["address-latitude"] == "49.444000"
    # Nothing to type: the remembered choices are one tap away from placed.
    assert client.post(URL, data).status_code == 303
    assert Order.objects.filter(shop=scene.cheese, fulfilment=Fulfilment.DELIVERY).count() == 2


def test_it_reads_the_checkout_page_in_a_fixed_number_of_queries(
    client, customer_scene, django_assert_num_queries
):
    # session, user, city, basket, lines, the last orders, the saved address,
    # hours, closures, delivery settings, postcodes, each shop's bookings:
    # pickup (both shops) and delivery (the cheese shop); the customer's vouchers.
    # The header's basket count comes from the lines already loaded.
    with django_assert_num_queries(15):
        response = client.get(URL)

    assert response.status_code == 200
    items = BasketLine.objects.filter(basket__user=customer_scene.customer).aggregate(
        n=Sum("quantity")
    )["n"]
    assert items > 1
    assert f'<span class="basket-link__count" aria-hidden="true">{items}</span>' in (
        response.content.decode()
    )


# --- Payment ----------------------------------------------------------------


@pytest.fixture
def online_for_collect_only(monkeypatch):
    """An online payment provider registered next to pay-on-collection, for pickups only."""
    from comptoir.domain.orders.payments import PAYMENT_PROVIDERS
    from tests.domain.orders.test_payments import CardOnline

    provider = CardOnline()
    monkeypatch.setitem(PAYMENT_PROVIDERS, provider.code, provider)
    return provider


def test_it_places_the_orders_with_the_payment_method_posted(client, guest):
    data = form_of(client.get(URL).content.decode()) | GUEST

    response = client.post(URL, data)

    assert data["payment_method"] == "at_shop"
    assert response.status_code == 303
    assert list(Order.objects.values_list("payment_method", "payment_state")) == [
        ("at_shop", "unpaid"),
        ("at_shop", "unpaid"),
    ]


def test_it_puts_a_method_a_shop_does_not_take_on_the_payment_field_and_writes_nothing(
    client, guest, online_for_collect_only
):
    cheese = guest["cheese"].pk
    data = form_of(client.get(URL).content.decode())
    data = choose(client, data, **GUEST, **ADDRESS, **NEAR, **{f"s{cheese}-fulfilment": "delivery"})

    response = client.post(URL, data | {"payment_method": "card_online"})

    message = "This payment method is not available for this order. Please choose another one."
    assert response.status_code == 200
    assert response.context["form"].errors["payment_method"] == [message]
    errors = re.search(
        r'<div class="form-errors co-errors"[^>]*>(.*?)</div>', response.content.decode(), re.S
    )
    assert errors is not None
    assert text(errors.group(1)) == message
    assert online_for_collect_only.started == []
    assert Checkout.objects.count() == 0
    assert Order.objects.count() == 0
    assert SlotBooking.objects.count() == 0
    assert Product.objects.get(pk=guest["comte"].pk).stock == 4
    assert basket_state(guest["basket"]) == [(guest["baguette"].pk, 2), (guest["comte"].pk, 2)]


def test_it_sends_the_customer_to_the_page_an_online_provider_returns(client, guest, monkeypatch):
    from comptoir.domain.orders.payments import PAYMENT_PROVIDERS
    from tests.domain.orders.test_payments import CardOnline

    online = CardOnline(code="at_shop")  # under the one method the orders can store today
    monkeypatch.setitem(PAYMENT_PROVIDERS, "at_shop", online)
    data = form_of(client.get(URL).content.decode()) | GUEST

    response = client.post(URL, data)

    checkout = Checkout.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"https://pay.example/session/{checkout.token}"
    assert online.started == [(checkout, list(checkout.orders.order_by("pk")))]
    assert basket_state(guest["basket"]) == []

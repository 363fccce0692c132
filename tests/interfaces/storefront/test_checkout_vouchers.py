"""The checkout page with a voucher: the discount line, the VAT on what is paid, changes shown."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from comptoir.domain.deals.models import Voucher
from comptoir.domain.deals.services import voucher_claim, voucher_redeem
from comptoir.domain.orders.models import Checkout, Order
from comptoir.domain.orders.services import basket_add
from tests.domain.deals.support import make_deal
from tests.domain.orders.support import NOW, collect_shop, make_scene
from tests.factories import make_product
from tests.interfaces.storefront.test_checkout_views import (
    SUMMARY_URL,
    URL,
    basket_state,
    form_of,
    guest_basket,
    text,
)

pytestmark = pytest.mark.django_db

D = Decimal
MINUS = "\u2212"  # how the pages write a discount (a minus sign, not a hyphen)


@pytest.fixture(autouse=True)
def now(freeze_storefront_clock):
    return freeze_storefront_clock(NOW)


@pytest.fixture
def scene(city, client):
    scene = make_scene(city)
    client.force_login(scene.customer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return scene


def claim(scene, **fields):
    defaults = {
        "title": "20% off at the bakery",
        "starts_at": NOW - timedelta(days=1),
        "ends_at": NOW + timedelta(days=5),
    }
    deal = make_deal(scene.bakery, **(defaults | fields))
    return voucher_claim(deal=deal, customer=scene.customer, now=NOW)


def recap_of(page: str, shop) -> str:
    """The summary's part for one shop, as text."""
    start = page.index('id="checkout-summary"')
    section = page[start:]
    section = section[section.index(shop.name) :]
    return text(section[: section.index("</table>")])


def test_the_summary_shows_the_voucher_line_and_the_vat_on_what_is_paid(client, scene):
    voucher = claim(scene, percent=20)

    page = client.get(URL).content.decode()

    bakery = recap_of(page, scene.bakery)
    assert f"Voucher {voucher.code} 20% off at the bakery {MINUS}€1.21" in bakery
    # 2.60 - 0.52 at 5.5 %, 3.45 - 0.69 at 10 %: VAT on what is paid.
    assert "incl. VAT 5.5% €0.11" in bakery
    assert "incl. VAT 10% €0.25" in bakery
    assert "Total €4.84" in bakery
    assert "Voucher" not in recap_of(page, scene.cheese)
    assert form_of(page)["vouchers"] == f"{scene.bakery.pk}:{voucher.code}:1.21"


def test_confirming_places_the_order_with_the_discount_and_the_confirmation_shows_it(client, scene):
    voucher = claim(scene, percent=20)
    data = form_of(client.get(URL).content.decode()) | {"phone": "06 12 34 56 78"}

    response = client.post(URL, data)

    assert response.status_code == 303
    bread = Order.objects.get(shop=scene.bakery)
    assert (bread.discount, bread.total, bread.voucher_code) == (D("1.21"), D("4.84"), voucher.code)
    assert Voucher.objects.get(pk=voucher.pk).order_id == bread.pk
    done = text(client.get(response["Location"]).content.decode())
    assert f"Voucher {voucher.code} {MINUS}€1.21" in done
    assert "incl. VAT 10% €0.25" in done


def test_a_voucher_that_saves_nothing_is_explained_under_the_shops_summary(client, scene):
    pain = make_product(scene.bakery, name="Pain au chocolat", price=D("1.40"))
    voucher = claim(scene, title="Chocolate morning", whole_shop=False, products=[pain])

    page = client.get(URL).content.decode()

    assert "Voucher" not in recap_of(page, scene.bakery)
    assert (
        f"Your voucher {voucher.code} (Chocolate morning) is not used: "
        "it does not cover the products in your basket."
    ) in text(page)
    assert form_of(page)["vouchers"] == ""


def test_a_voucher_used_at_the_till_meanwhile_orders_nothing_and_says_so(client, scene):
    voucher = claim(scene, percent=20)
    data = form_of(client.get(URL).content.decode()) | {"phone": "06 12 34 56 78"}
    voucher_redeem(code=voucher.code, shop=scene.bakery, now=NOW)

    response = client.post(URL, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="co-voucher-changes"' in page
    assert (
        f"{scene.bakery.name}, voucher {voucher.code}: This voucher was already used on "
        f"10/03 09:00 (at {scene.bakery.name})."
    ) in text(page)
    assert Order.objects.count() == Checkout.objects.count() == 0
    assert len(basket_state(scene.basket)) == 3
    # The new summary has no discount: confirming it places the order at full price.
    again = form_of(page)
    assert again["vouchers"] == ""
    assert client.post(URL, again).status_code == 303
    assert Order.objects.get(shop=scene.bakery).total == D("6.05")


def test_the_htmx_summary_carries_the_discount_it_shows(client, scene):
    voucher = claim(scene, percent=20)
    data = form_of(client.get(URL).content.decode())

    summary = client.post(SUMMARY_URL, data).content.decode()

    assert f'name="vouchers" value="{scene.bakery.pk}:{voucher.code}:1.21"' in summary
    assert f"{MINUS}€1.21" in summary


def test_a_tampered_voucher_field_gets_a_message_and_writes_nothing(client, scene):
    claim(scene, percent=20)
    data = form_of(client.get(URL).content.decode()) | {"phone": "06 12 34 56 78"}

    response = client.post(URL, data | {"vouchers": "x:y"})

    assert response.status_code == 200
    assert "This page was out of date" in text(response.content.decode())
    assert Order.objects.count() == 0


def test_a_guest_sees_no_voucher(client, city):
    bakery = collect_shop(city)
    basket = guest_basket(client, city)
    basket_add(basket=basket, product=make_product(bakery, price=D("1.30")), quantity=2)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = client.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Voucher" not in text(page)
    assert form_of(page)["vouchers"] == ""


# --- The discount wherever the order shows ---------------------------------------------


@pytest.fixture
def placed(scene, django_capture_on_commit_callbacks):
    from django.utils import translation

    from comptoir.domain.orders.checkout import checkout_place
    from tests.domain.orders.support import CONTACT

    voucher = claim(scene, percent=20)
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        checkout_place(
            basket=scene.basket,
            token="tok-displays",
            contact=CONTACT,
            choices=scene.choices(),
            expected=None,
            now=NOW,
            customer=scene.customer,
        )
    return voucher, Order.objects.get(shop=scene.bakery)


def test_the_customers_order_page_shows_the_discount_and_the_vat_on_what_is_paid(
    client, scene, placed
):
    voucher, order = placed

    page = text(client.get(f"/account/orders/{order.number}/").content.decode())

    assert f"Voucher {voucher.code} {MINUS}€1.21" in page
    assert "Total incl. VAT €4.84" in page
    assert "VAT 10 % €0.25" in page


def test_the_desk_card_and_ticket_show_the_discount(client, scene, placed):
    from django.test import Client

    from comptoir.domain.shops.models import Role
    from tests.factories import make_membership, make_user

    voucher, order = placed
    staff = make_user()
    make_membership(scene.bakery, staff, role=Role.STAFF)
    desk = Client(headers={"Accept-Language": "en"})
    desk.force_login(staff)
    base = f"/shop/{scene.city.slug}/{scene.bakery.slug}/desk/"

    ticket = text(desk.get(f"{base}orders/{order.number}/ticket/").content.decode())
    board = desk.get(f"{base}board/").content.decode()

    assert f"Voucher {voucher.code} {MINUS}€1.21" in ticket
    assert f'data-voucher="{voucher.code}"' in board
    assert f"Voucher {voucher.code}: {MINUS}€1.21 (already deducted)" in text(board)


def test_the_order_email_shows_the_discount(scene, placed, mailoutbox):
    voucher, _order = placed

    (mail,) = [m for m in mailoutbox if m.to == ["camille@example.fr"]]

    assert f"Voucher {voucher.code}: {MINUS}€1.21" in mail.body
    assert "Total: €4.84" in mail.body
    html_body = mail.alternatives[0][0]
    assert f"Voucher {voucher.code}: {MINUS}€1.21" in html_body

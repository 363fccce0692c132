"""Onboarding pages: the request to join, the invited owner's welcome, going live from the home."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comptoir.domain.cities.models import City
from comptoir.domain.onboarding.models import GoLiveRequest, OwnerInvitation, SignupRequest
from comptoir.domain.onboarding.services import shop_approve
from comptoir.domain.shops.models import Membership, Role, Shop
from comptoir.interfaces.pro.onboarding_views import APPLY_LIMIT_PER_HOUR
from tests.domain.onboarding.support import invite as invite_at
from tests.domain.onboarding.support import make_ready
from tests.factories import make_membership, make_product, make_user

pytestmark = pytest.mark.django_db

SHOP = {
    "name": "Au Bon Pain",
    "trade": "bakery",
    "street": "12 rue du Gros-Horloge",
    "postal_code": "76000",
    "locality": "Rouen",
    "phone": "02 35 00 00 00",
    "email": "contact@aubonpain.fr",
}


def invite(city, **kwargs):
    """Invite now (the pages read the real clock)."""
    return invite_at(city, now=timezone.now(), **kwargs)


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client():
    return Client(headers={"accept-language": "en"})


def welcome_url(token):
    return reverse("pro:welcome", kwargs={"token": token})


def home_url(shop):
    return reverse("backoffice:home", kwargs={"city_slug": shop.city.slug, "shop_slug": shop.slug})


def go_live_url(shop):
    return reverse("pro:go_live", kwargs={"city_slug": shop.city.slug, "shop_slug": shop.slug})


def storefront_status(client, shop):
    """The shop's page, and whether the city's page and search show it, as a customer sees them."""
    page = client.get(
        reverse(
            "storefront:shop_detail", kwargs={"city_slug": shop.city.slug, "shop_slug": shop.slug}
        )
    )
    city_page = client.get(reverse("storefront:city_home", kwargs={"city_slug": shop.city.slug}))
    found = client.get(
        reverse("storefront:search", kwargs={"city_slug": shop.city.slug}), {"q": "Bon Pain"}
    )
    return page.status_code, shop.name in city_page.text, shop.name in found.text


# The invited owner's welcome


def test_the_whole_way_from_invitation_to_approval(client, city):
    _, token = invite(city, shop_name="Au Bon Pain", trade="bakery")

    page = client.get(welcome_url(token))
    assert page.status_code == 200
    assert 'value="Au Bon Pain"' in page.text  # suggested by the operator
    created = client.post(
        welcome_url(token), {"first_name": "Léa", "password": "une-baguette-bien-cuite", **SHOP}
    )

    shop = Shop.objects.select_related("city").get()
    assert created.status_code == 302
    assert created["Location"] == home_url(shop)
    assert (shop.is_active, shop.approved_at, shop.city) == (False, None, city)
    assert Membership.objects.get(shop=shop).role == Role.OWNER
    home = client.get(home_url(shop))
    assert home.status_code == 200
    assert 'data-status="not_live"' in home.text
    assert "Get your shop ready" in home.text
    assert 'id="go-live-button"' not in home.text
    # Hidden from customers until approved.
    assert storefront_status(Client(), shop) == (404, False, False)

    make_ready(shop)
    Product = shop.products.model
    Product.objects.filter(shop=shop).update(name="Pain au levain Bon Pain")
    home = client.get(home_url(shop))
    assert 'id="go-live-button"' in home.text
    assert "Ask to go live" in home.text
    asked = client.post(go_live_url(shop))
    assert asked.status_code == 302
    assert GoLiveRequest.objects.filter(shop=shop).exists()
    assert 'data-status="waiting"' in client.get(home_url(shop)).text
    assert storefront_status(Client(), shop)[0] == 404

    shop_approve(shop=shop, now=shop.created_at)

    assert 'data-status="live"' in client.get(home_url(shop)).text
    assert storefront_status(Client(), shop) == (200, True, True)


def test_a_city_that_lets_shops_open_shows_open_my_shop(client, city):
    City.objects.filter(pk=city.pk).update(shops_go_live_automatically=True)
    _, token = invite(city)
    client.post(
        welcome_url(token), {"first_name": "Léa", "password": "une-baguette-bien-cuite", **SHOP}
    )
    shop = make_ready(Shop.objects.get())

    assert "Open my shop" in client.get(home_url(shop)).text
    response = client.post(go_live_url(shop), follow=True)

    shop.refresh_from_db()
    assert shop.is_active is True
    assert shop.approved_at is not None
    assert "Your shop is open: customers can find it and order." in response.text


def test_going_live_before_the_checklist_is_refused_with_a_message(client, city):
    _, token = invite(city)
    client.post(
        welcome_url(token), {"first_name": "Léa", "password": "une-baguette-bien-cuite", **SHOP}
    )
    shop = Shop.objects.get()
    make_product(shop)

    response = client.post(go_live_url(shop), follow=True)

    assert response.status_code == 200
    assert "The shop is not ready yet: add a photo of the shop" in response.text
    assert not GoLiveRequest.objects.exists()
    shop.refresh_from_db()
    assert shop.is_active is False


def test_staff_cannot_ask_to_go_live(client, city):
    _, token = invite(city)
    Client().post(
        welcome_url(token), {"first_name": "Léa", "password": "une-baguette-bien-cuite", **SHOP}
    )
    shop = make_ready(Shop.objects.get())
    staff = make_user()
    make_membership(shop, staff, Role.STAFF)
    client.force_login(staff)

    assert client.post(go_live_url(shop)).status_code == 403
    assert "go-live-button" not in client.get(home_url(shop)).text
    assert not GoLiveRequest.objects.exists()


def test_going_live_is_a_post(client, shop):
    owner = make_user()
    make_membership(shop, owner, Role.OWNER)
    client.force_login(owner)

    assert client.get(go_live_url(shop)).status_code == 405


def test_a_known_address_logs_in_first_then_describes_the_shop(client, city):
    _, token = invite(city)
    lea = make_user(email="lea@example.fr")

    page = client.get(welcome_url(token))
    assert "Log in to continue" in page.text
    assert 'name="password"' not in page.text
    assert client.post(welcome_url(token), SHOP).status_code == 422  # not logged in yet
    assert not Shop.objects.exists()

    client.force_login(lea)
    form = client.get(welcome_url(token))
    assert 'name="password"' not in form.text
    response = client.post(welcome_url(token), SHOP)

    shop = Shop.objects.get()
    assert response["Location"] == home_url(shop)
    assert Membership.objects.get(shop=shop).user == lea


def test_another_account_is_asked_to_switch(client, city):
    _, token = invite(city)
    client.force_login(make_user(email="paul@example.fr"))

    page = client.get(welcome_url(token))
    assert "You are logged in with another address" in page.text
    assert client.post(welcome_url(token), SHOP).status_code == 422
    assert not Shop.objects.exists()

    switched = client.post(welcome_url(token), {"action": "switch"})
    assert switched["Location"] == welcome_url(token)
    assert "_auth_user_id" not in client.session


def test_a_weak_password_or_bad_shop_shows_on_the_form_and_keeps_the_link(client, city):
    _, token = invite(city)

    weak = client.post(welcome_url(token), {"first_name": "Léa", "password": "12345678", **SHOP})
    bad_phone = client.post(
        welcome_url(token),
        {"first_name": "Léa", "password": "une-baguette-bien-cuite", **SHOP, "phone": "12"},
    )

    assert (weak.status_code, bad_phone.status_code) == (422, 422)
    assert "This password is too weak" in weak.text
    assert "Enter a valid phone number." in bad_phone.text
    assert not Shop.objects.exists()
    assert OwnerInvitation.objects.get().used_at is None


@pytest.mark.parametrize("case", ["forged", "used", "expired", "withdrawn"])
def test_an_unusable_link_says_why_without_an_error(client, city, case):
    invitation, token = invite(city)
    if case == "forged":
        token = "not-a-real-token"
    elif case == "used":
        client.post(
            welcome_url(token), {"first_name": "Léa", "password": "une-baguette-bien-cuite", **SHOP}
        )
        client.logout()
    elif case == "expired":
        OwnerInvitation.objects.filter(pk=invitation.pk).update(
            created_at=invitation.created_at.replace(year=2020),
            expires_at=invitation.expires_at.replace(year=2020),
        )
    else:
        OwnerInvitation.objects.filter(pk=invitation.pk).update(revoked_at=invitation.created_at)

    page = client.get(welcome_url(token))
    posted = client.post(welcome_url(token), {"first_name": "Léa", "password": "x", **SHOP})

    assert (page.status_code, posted.status_code) == (410, 410)
    assert "This invitation cannot be used" in page.text
    assert 'id="welcome-refused"' in page.text
    assert Shop.objects.count() == (1 if case == "used" else 0)


# The request to join


APPLY = {
    "shop_name": "Au Bon Pain",
    "trade": "bakery",
    "town": "",
    "contact_name": "Léa Martin",
    "email": "lea@example.fr",
    "phone": "02 35 00 00 00",
    "message": "Bonjour",
    "website": "",
}


def test_the_footer_links_to_the_request_form(client, city):
    page = client.get(reverse("storefront:city_home", kwargs={"city_slug": city.slug}))

    assert f'href="{reverse("pro:apply")}"' in page.text


def test_a_shop_asks_to_join_and_gets_an_acknowledgement(
    client, city, django_capture_on_commit_callbacks
):
    page = client.get(reverse("pro:apply"))
    assert page.status_code == 200
    assert "Rouen" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pro:apply"), {**APPLY, "city": city.pk})

    assert response["Location"] == reverse("pro:apply_done")
    request = SignupRequest.objects.get()
    assert (request.city, request.status, request.language) == (city, "new", "en")
    assert [m.to for m in mail.outbox] == [["lea@example.fr"]]
    done = client.get(reverse("pro:apply_done"))
    assert done.status_code == 200
    assert 'id="apply-done"' in done.text


def test_a_town_not_open_yet_is_typed(client, city):
    response = client.post(reverse("pro:apply"), {**APPLY, "city": "", "town": "Évreux"})

    assert response.status_code == 302
    assert SignupRequest.objects.get().town == "Évreux"


def test_a_request_without_a_place_or_sent_twice_gets_a_clear_message(client, city):
    nowhere = client.post(reverse("pro:apply"), {**APPLY, "city": ""})
    client.post(reverse("pro:apply"), {**APPLY, "city": city.pk})
    twice = client.post(reverse("pro:apply"), {**APPLY, "city": city.pk})

    assert (nowhere.status_code, twice.status_code) == (422, 422)
    assert "Choose your town in the list" in nowhere.text
    assert "We already have a request from this address" in twice.text
    assert SignupRequest.objects.count() == 1


def test_garbage_input_is_a_form_error_not_a_crash(client, city):
    response = client.post(
        reverse("pro:apply"),
        {**APPLY, "city": "not-a-pk", "trade": "casino", "email": "x", "phone": "abc"},
    )

    assert response.status_code == 422
    assert not SignupRequest.objects.exists()


def test_a_robot_filling_the_hidden_field_is_told_done_and_nothing_is_kept(client, city):
    response = client.post(
        reverse("pro:apply"), {**APPLY, "city": city.pk, "website": "spam.example"}
    )

    assert response["Location"] == reverse("pro:apply_done")
    assert not SignupRequest.objects.exists()
    assert mail.outbox == []


def test_too_many_requests_from_one_address_are_refused(client, city):
    for n in range(APPLY_LIMIT_PER_HOUR):
        client.post(reverse("pro:apply"), {**APPLY, "city": city.pk, "email": f"s{n}@example.fr"})

    refused = client.post(reverse("pro:apply"), {**APPLY, "city": city.pk, "email": "x@example.fr"})

    assert refused.status_code == 429
    assert "Too many requests" in refused.text
    assert SignupRequest.objects.count() == APPLY_LIMIT_PER_HOUR


def test_the_e_mailed_link_opens_the_welcome_page(client, city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(city)

    found = re.search(r"https://comptoir\.test(/shop/welcome/[^/]+/)", str(mail.outbox[-1].body))

    assert found is not None
    assert client.get(found.group(1)).status_code == 200


@pytest.mark.parametrize(
    "garbage",
    [
        {"trade": "casino"},
        {"postal_code": "7" * 50},
        {"name": ""},
        {"email": "not-an-address"},
        {"phone": "\x00"},
        {"street": "x" * 5000},
    ],
)
def test_hostile_shop_details_are_form_errors(client, city, garbage):
    _, token = invite(city)

    response = client.post(
        welcome_url(token),
        {"first_name": "Léa", "password": "une-baguette-bien-cuite", **SHOP, **garbage},
    )

    assert response.status_code == 422
    assert not Shop.objects.exists()
    assert OwnerInvitation.objects.get().used_at is None

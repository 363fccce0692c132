"""A visitor's basket follows them through log-in; a customer's basket is theirs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from comptoir.domain.orders.models import Basket, BasketLine
from comptoir.domain.orders.services import basket_add
from comptoir.interfaces.storefront.basket_session import (
    VISITOR_TOKEN_SESSION_KEY,
    current_basket,
    merge_visitor_baskets,
)
from tests.factories import make_product, make_user

pytestmark = pytest.mark.django_db


def visitor_request(user=None):
    request = RequestFactory().get("/")
    request.session = SessionStore()
    from django.contrib.auth.models import AnonymousUser

    request.user = user or AnonymousUser()
    return request


def test_a_visitor_has_no_basket_until_one_is_needed(city):
    request = visitor_request()

    assert current_basket(request, city) is None
    assert VISITOR_TOKEN_SESSION_KEY not in request.session
    assert not Basket.objects.exists()


def test_a_visitor_keeps_one_basket_per_city_across_requests(city):
    request = visitor_request()

    first = current_basket(request, city, create=True)
    again = current_basket(request, city)

    assert first is not None
    assert again == first
    assert first.session_key == request.session[VISITOR_TOKEN_SESSION_KEY]
    assert first.user is None


def test_a_customer_gets_their_own_basket(city):
    customer = make_user()
    basket = current_basket(visitor_request(customer), city, create=True)

    assert basket is not None
    assert (basket.user, basket.session_key) == (customer, "")


def test_logging_in_merges_the_visitor_basket_into_the_customer_one(shop):
    croissant = make_product(shop, price=Decimal("1.20"))
    baguette = make_product(shop, price=Decimal("1.30"))
    customer = make_user()
    theirs = current_basket(visitor_request(customer), shop.city, create=True)
    assert theirs is not None
    basket_add(basket=theirs, product=croissant, quantity=1)
    request = visitor_request()
    visitors = current_basket(request, shop.city, create=True)
    assert visitors is not None
    basket_add(basket=visitors, product=croissant, quantity=2)
    basket_add(basket=visitors, product=baguette, quantity=1)

    merge_visitor_baskets(request, customer)

    assert dict(BasketLine.objects.filter(basket=theirs).values_list("product_id", "quantity")) == {
        croissant.pk: 3,
        baguette.pk: 1,
    }
    assert list(Basket.objects.all()) == [theirs]
    assert VISITOR_TOKEN_SESSION_KEY not in request.session


def test_logging_in_without_a_visitor_basket_changes_nothing(city):
    customer = make_user()

    merge_visitor_baskets(visitor_request(), customer)

    assert not Basket.objects.exists()

"""The opt-in include renders the audience for push.js, hidden until it runs."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from tests.domain.notifications.support import make_order

pytestmark = pytest.mark.django_db


def render(**context):
    request = RequestFactory().get("/")
    return render_to_string("notifications/_push_optin.html", context, request=request)


def test_it_renders_an_order_opt_in(shop):
    order = make_order(shop)

    html = render(push_scope="order", order=order)

    assert '<section class="push-optin" data-push-optin hidden' in html
    assert 'data-scope="order"' in html
    assert f'data-order="{order.number}"' in html
    assert 'data-key-url="/api/push/key/"' in html
    assert 'data-subscribe-url="/api/push/subscribe/"' in html
    assert 'data-service-worker="/sw.js"' in html
    assert "data-csrf=" in html
    assert 'src="/static/js/push.js"' in html
    assert "data-shop=" not in html


def test_it_renders_a_desk_opt_in(shop):
    html = render(push_scope="shop", shop=shop)

    assert 'data-scope="shop"' in html
    assert f'data-city="{shop.city.slug}" data-shop="{shop.slug}"' in html
    assert "data-order=" not in html

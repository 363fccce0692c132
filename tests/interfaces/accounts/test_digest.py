"""The deals e-mail pages: opt in and out when logged in; the one-click unsubscribe link."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.domain.deals.digest import digest_subscribe, unsubscribe_token
from comptoir.domain.deals.models import DigestSubscription
from tests.factories import make_city, make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
DIGEST = reverse("accounts:digest")


def unsubscribe_url(token: str) -> str:
    return reverse("accounts:digest_unsubscribe", kwargs={"token": token})


@pytest.fixture
def subscription(city, anne):
    return digest_subscribe(customer=anne, city=city, now=NOW)


def test_the_account_home_links_to_the_digest_page(en, anne):
    en.force_login(anne)

    response = en.get(reverse("accounts:home"))

    assert f'href="{DIGEST}"' in response.content.decode()


def test_the_page_needs_a_log_in(client):
    response = client.get(DIGEST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_customer_subscribes_and_unsubscribes(en, anne, city):
    en.force_login(anne)

    page = en.get(DIGEST).content.decode()
    assert 'data-subscribed="no"' in page
    assert 'value="subscribe"' in page

    response = en.post(DIGEST, {"city": city.slug, "action": "subscribe"}, follow=True)
    assert DigestSubscription.objects.filter(customer=anne, city=city).exists()
    assert "every Monday" in response.content.decode()
    assert 'data-subscribed="yes"' in response.content.decode()

    en.post(DIGEST, {"city": city.slug, "action": "unsubscribe"})
    assert not DigestSubscription.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"city": "nowhere", "action": "subscribe"}, {"city": "rouen", "action": "explode"}],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(en, anne, city, data):
    en.force_login(anne)

    response = en.post(DIGEST, data)

    assert response.status_code == 400
    assert "Choose a city" in response.content.decode()
    assert not DigestSubscription.objects.exists()


def test_a_city_not_live_is_not_offered(en, anne, city):
    hidden = make_city(is_live=False, slug="le-havre")
    en.force_login(anne)

    assert "le-havre" not in en.get(DIGEST).content.decode()
    assert en.post(DIGEST, {"city": hidden.slug, "action": "subscribe"}).status_code == 400
    assert not DigestSubscription.objects.exists()


# --- The unsubscribe link ---------------------------------------------------------------


def test_opening_the_link_does_not_unsubscribe(en, subscription):
    # Mail scanners fetch every link of an e-mail: GET only shows the button.
    response = en.get(unsubscribe_url(unsubscribe_token(subscription)))

    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert DigestSubscription.objects.filter(pk=subscription.pk).exists()


def test_the_button_unsubscribes_without_logging_in(subscription):
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    url = unsubscribe_url(unsubscribe_token(subscription))
    browser.get(url)

    response = browser.post(url)

    assert response.status_code == 200
    assert 'id="digest-unsubscribed"' in response.content.decode()
    assert not DigestSubscription.objects.exists()


def test_the_mail_clients_one_click_post_unsubscribes(subscription):
    # RFC 8058: the client POSTs this body, with no cookie and no CSRF token.
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        unsubscribe_url(unsubscribe_token(subscription)),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert not DigestSubscription.objects.exists()


def test_an_old_link_says_it_is_already_done(en, subscription):
    url = unsubscribe_url(unsubscribe_token(subscription))
    en.post(url)

    response = en.get(url)

    assert response.status_code == 200
    assert 'id="digest-not-subscribed"' in response.content.decode()
    assert en.post(url).status_code == 200


@pytest.mark.parametrize(
    "token",
    ["no-such-token", "WzEsMV0:1vXyZa:forgedsignature", "a" * 300, "%00", "x:y:z"],
)
def test_a_forged_link_is_refused_clearly(en, subscription, token):
    for method in (en.get, en.post):
        response = method(unsubscribe_url(token))

        assert response.status_code == 404
        assert 'id="digest-link-invalid"' in response.content.decode()
        assert "not valid" in response.content.decode()
    assert DigestSubscription.objects.filter(pk=subscription.pk).exists()


def test_another_customers_token_cannot_be_made_from_mine(en, subscription, city):
    other = digest_subscribe(customer=make_user(), city=city, now=NOW)
    mine = unsubscribe_token(subscription)
    # Swapping the id in the payload breaks the signature.
    payload, _, signature = mine.partition(":")
    forged = unsubscribe_token(other).partition(":")[0] + ":" + signature

    assert en.post(unsubscribe_url(forged)).status_code == 404
    assert DigestSubscription.objects.count() == 2
    assert payload  # the token has a payload and a signature

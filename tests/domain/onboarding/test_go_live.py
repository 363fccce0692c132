"""Going live: the checklist first; then published at once or after the operator's approval."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import translation

from comptoir.domain.cities.models import City
from comptoir.domain.onboarding.errors import ChecklistIncomplete, ShopAlreadyLive, ShopSuspended
from comptoir.domain.onboarding.models import GoLiveRequest
from comptoir.domain.onboarding.selectors import (
    ShopStatus,
    shop_go_live_status,
    shops_awaiting_approval,
)
from comptoir.domain.onboarding.services import GoLiveOutcome, shop_approve, shop_go_live
from comptoir.domain.shops.models import Role, Shop
from tests.domain.onboarding.support import NOW, make_ready
from tests.factories import make_membership, make_shop, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_shop(city):
    """A shop just created by onboarding: hidden, never approved, with its owner."""
    shop = make_shop(city, is_active=False)
    make_membership(shop, make_user(email="paul@example.fr", language="en"), role=Role.OWNER)
    return shop


def status(shop):
    return shop_go_live_status(Shop.objects.select_related("city").get(pk=shop.pk)).status


def test_a_new_shop_is_not_live(new_shop):
    assert status(new_shop) is ShopStatus.NOT_LIVE


def test_it_refuses_to_go_live_before_the_checklist_is_done(new_shop):
    with pytest.raises(ChecklistIncomplete) as refused:
        shop_go_live(shop=new_shop, user=None, now=NOW)

    with translation.override("en"):
        assert str(refused.value) == (
            "The shop is not ready yet: add a photo of the shop, set your opening hours, "
            "put at least 5 products on sale."
        )
    assert not GoLiveRequest.objects.exists()
    assert status(new_shop) is ShopStatus.NOT_LIVE


def test_a_ready_shop_asks_and_waits_for_the_operator(new_shop):
    make_ready(new_shop)
    owner = new_shop.memberships.get().user

    outcome = shop_go_live(shop=new_shop, user=owner, now=NOW)

    assert outcome is GoLiveOutcome.REQUESTED
    request = GoLiveRequest.objects.get()
    assert (request.shop, request.requested_by, request.requested_at) == (new_shop, owner, NOW)
    new_shop.refresh_from_db()
    assert (new_shop.is_active, new_shop.approved_at) == (False, None)
    assert status(new_shop) is ShopStatus.WAITING
    assert list(shops_awaiting_approval()) == [new_shop]


def test_asking_twice_keeps_one_request(new_shop):
    make_ready(new_shop)
    shop_go_live(shop=new_shop, user=None, now=NOW)

    shop_go_live(shop=new_shop, user=None, now=NOW + timedelta(hours=1))

    assert GoLiveRequest.objects.get().requested_at == NOW


def test_a_city_that_lets_shops_open_publishes_at_once(new_shop):
    City.objects.filter(pk=new_shop.city_id).update(shops_go_live_automatically=True)
    make_ready(new_shop)
    new_shop = Shop.objects.select_related("city").get(pk=new_shop.pk)

    outcome = shop_go_live(shop=new_shop, user=None, now=NOW)

    assert outcome is GoLiveOutcome.PUBLISHED
    new_shop.refresh_from_db()
    assert (new_shop.is_active, new_shop.approved_at) == (True, NOW)
    assert not GoLiveRequest.objects.exists()
    assert status(new_shop) is ShopStatus.LIVE


def test_approval_publishes_and_emails_the_owners(new_shop, django_capture_on_commit_callbacks):
    make_ready(new_shop)
    shop_go_live(shop=new_shop, user=None, now=NOW)

    with django_capture_on_commit_callbacks(execute=True):
        shop_approve(shop=new_shop, now=NOW + timedelta(hours=2))

    new_shop.refresh_from_db()
    assert (new_shop.is_active, new_shop.approved_at) == (True, NOW + timedelta(hours=2))
    assert list(shops_awaiting_approval()) == []
    assert [m.to for m in mail.outbox] == [["paul@example.fr"]]
    assert mail.outbox[0].subject == f"{new_shop.name} is open on Comptoir"
    assert f"/{new_shop.city.slug}/{new_shop.slug}/" in mail.outbox[0].body


def test_approval_also_needs_the_checklist(new_shop):
    with pytest.raises(ChecklistIncomplete):
        shop_approve(shop=new_shop, now=NOW)

    new_shop.refresh_from_db()
    assert (new_shop.is_active, new_shop.approved_at) == (False, None)
    assert mail.outbox == []


def test_a_suspended_shop_is_never_published(new_shop):
    make_ready(new_shop)
    City.objects.filter(pk=new_shop.city_id).update(shops_go_live_automatically=True)
    Shop.objects.filter(pk=new_shop.pk).update(suspended_at=NOW)

    with pytest.raises(ShopSuspended):
        shop_go_live(shop=new_shop, user=None, now=NOW)
    with pytest.raises(ShopSuspended):
        shop_approve(shop=new_shop, now=NOW)

    new_shop.refresh_from_db()
    assert (new_shop.is_active, new_shop.approved_at) == (False, None)
    assert status(new_shop) is ShopStatus.SUSPENDED


def test_a_live_shop_cannot_go_live_again(shop):
    with pytest.raises(ShopAlreadyLive):
        shop_go_live(shop=shop, user=None, now=NOW)
    with pytest.raises(ShopAlreadyLive):
        shop_approve(shop=shop, now=NOW)

    assert status(shop) is ShopStatus.LIVE


def test_an_approved_shop_hidden_since_reads_unpublished(new_shop):
    Shop.objects.filter(pk=new_shop.pk).update(approved_at=NOW)

    assert status(new_shop) is ShopStatus.UNPUBLISHED


def test_the_operators_are_emailed_once_when_a_shop_asks_to_go_live(
    new_shop, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://rouen.comptoir.test"
    operator = make_user(email="ops@example.fr", is_staff=True, language="en")
    make_user(email="client@example.fr")  # not an operator
    make_ready(new_shop)

    with django_capture_on_commit_callbacks(execute=True):
        shop_go_live(shop=new_shop, user=None, now=NOW)
        shop_go_live(shop=new_shop, user=None, now=NOW + timedelta(hours=1))

    [sent] = [message for message in mail.outbox if operator.email in message.to]
    assert sent.subject == f"{new_shop.name} asks to go live"
    assert f"https://rouen.comptoir.test/operator/shops/shop/{new_shop.pk}/change/" in sent.body
    assert not [m for m in mail.outbox if "client@example.fr" in m.to]

"""The e-mail copy of a claimed voucher: written in the claim's transaction, sent after it."""

from __future__ import annotations

from datetime import time
from unittest import mock

import pytest
from django.db import transaction

from comptoir.domain.accounts.models import User
from comptoir.domain.deals.errors import VoucherLimitReached
from comptoir.domain.deals.qr import voucher_qr
from comptoir.domain.deals.services import deal_hide, voucher_claim
from comptoir.domain.notifications.models import OutboundEmail
from comptoir.domain.shops.models import Role
from tests.domain.deals.support import NOW, make_deal
from tests.factories import make_membership, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def anne(db):
    return make_user(email="anne@example.fr", first_name="Anne", language="en")


def test_the_claim_email_is_queued_once_after_commit_with_the_code(
    shop, anne, mailoutbox, django_capture_on_commit_callbacks
):
    deal = make_deal(
        shop,
        title="Galettes du samedi",
        terms="One per visit.",
        weekdays=0b0100000,  # Saturday
        daily_from=time(9, 0),
        daily_until=time(12, 0),
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        voucher = voucher_claim(
            deal=deal, customer=anne, now=NOW, link_url=lambda path: f"https://comptoir.test{path}"
        )
        assert mailoutbox == []  # nothing leaves before the commit

    assert len(callbacks) == 1
    [mail] = mailoutbox
    assert mail.to == ["anne@example.fr"]
    assert mail.subject == f"Your voucher {voucher.code}: \u221220 % at {shop.name}"
    assert f"Voucher code: {voucher.code}" in mail.body
    assert "Galettes du samedi" in mail.body
    # Validity in Paris time: from Friday 4 December 10:00 to Monday 7 December 10:00.
    assert "From Friday 4 December, 10:00 to Monday 7 December, 10:00" in mail.body
    assert "Saturday · 09:00–12:00" in mail.body
    assert "One per visit." in mail.body
    assert shop.street in mail.body
    assert f"https://comptoir.test/account/vouchers/{voucher.code}/" in mail.body
    [(html, _mimetype)] = mail.alternatives
    assert voucher.code in html
    assert OutboundEmail.objects.get().key == f"voucher:{voucher.pk}:claimed:customer"


def test_the_qr_code_of_the_email_is_a_full_qr_code_of_the_voucher(shop, anne, mailoutbox):
    voucher = voucher_claim(deal=make_deal(shop), customer=anne, now=NOW)

    symbol = voucher_qr(voucher.code)
    assert not symbol.is_micro  # phone cameras do not read Micro QR
    email = OutboundEmail.objects.get()
    assert list(email.inline_images) == [f"voucher-{voucher.code}"]


def test_a_refused_claim_sends_nothing(shop, anne, mailoutbox, django_capture_on_commit_callbacks):
    deal = make_deal(shop)
    voucher_claim(deal=deal, customer=anne, now=NOW)
    OutboundEmail.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(VoucherLimitReached):
        voucher_claim(deal=deal, customer=anne, now=NOW)

    assert not OutboundEmail.objects.exists()


def test_a_rolled_back_claim_sends_nothing(
    shop, anne, mailoutbox, django_capture_on_commit_callbacks
):
    deal = make_deal(shop)

    def claim_then_fail() -> None:
        with transaction.atomic():
            voucher_claim(deal=deal, customer=anne, now=NOW)
            raise RuntimeError("the request failed after the service")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        claim_then_fail()

    assert callbacks == []
    assert mailoutbox == []
    assert not OutboundEmail.objects.exists()
    deal.refresh_from_db()
    assert deal.claimed_count == 0


def test_the_email_is_in_the_customers_language(shop, mailoutbox):
    claude = make_user(email="claude@example.fr", language="fr")

    voucher_claim(deal=make_deal(shop), customer=claude, now=NOW)

    email = OutboundEmail.objects.get()
    assert email.to == "claude@example.fr"
    assert voucher_code_in(email.body, claude)


def voucher_code_in(body: str, customer: User) -> bool:
    return customer.vouchers.get().code in body


def test_a_claim_through_the_api_sends_the_same_email_with_an_absolute_link(city, shop, mailoutbox):
    from tests.interfaces.api.conftest import ApiClient, token_for

    deal = make_deal(shop)
    anne = make_user(email="anne@example.fr", language="en")
    with mock.patch("comptoir.interfaces.api.routes.deals.clock", return_value=NOW):
        response = ApiClient(token=token_for(anne)).post(
            f"/api/v1/cities/{city.slug}/deals/{deal.pk}/claim"
        )

    assert response.status_code == 201
    code = response.json()["code"]
    email = OutboundEmail.objects.get()
    assert email.to == "anne@example.fr"
    assert f"http://testserver/account/vouchers/{code}/" in email.body


def test_hiding_a_deal_emails_its_owners_the_reason_after_commit(
    shop, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://rouen.comptoir.test"
    owner = make_membership(shop, make_user(email="owner@example.fr", language="en"), Role.OWNER)
    make_membership(shop, make_user(email="staff@example.fr"), Role.STAFF)
    deal = make_deal(shop, title="Galettes du samedi")

    with django_capture_on_commit_callbacks(execute=True):
        deal_hide(deal=deal, reason="The photo shows another shop.", now=NOW)
        assert mailoutbox == []

    [mail] = mailoutbox  # the owner; staff are not e-mailed
    assert mail.to == [owner.user.email]
    assert mail.subject == "Your deal “Galettes du samedi” is hidden"
    assert "The photo shows another shop." in mail.body
    assert f"https://rouen.comptoir.test/shop/{shop.city.slug}/{shop.slug}/deals/" in mail.body

"""The deals endpoints: the city's deals and claims; publish, pause, figures, redeem (shops)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from comptoir.domain.deals.models import Deal, Voucher
from comptoir.domain.deals.services import voucher_claim
from comptoir.domain.shops.models import Role
from tests.domain.orders.support import NOW
from tests.factories import make_membership, make_product, make_shop, make_user
from tests.interfaces.api.conftest import ApiClient, token_for
from tests.interfaces.api.support import assert_problem, clock

__all__ = ["clock"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_city(city):
    city.is_live = True
    city.save(update_fields=["is_live"])
    return city


def deal_of(shop, **fields):
    from tests.domain.deals.support import make_deal

    return make_deal(
        shop,
        **({"starts_at": NOW - timedelta(days=1), "ends_at": NOW + timedelta(days=2)} | fields),
    )


def test_customers_list_and_see_a_deal_without_an_account(live_city, shop, clock, anonymous):
    deal = deal_of(shop, title="Galettes -20 %", total_cap=10)
    deal_of(shop, title="pas encore", starts_at=NOW + timedelta(hours=2))

    listed = anonymous.get("/api/v1/cities/rouen/deals").json()
    seen = anonymous.get(f"/api/v1/cities/rouen/deals/{deal.pk}")

    assert [d["title"] for d in listed] == ["Galettes -20 %"]
    assert listed[0]["vouchers_left"] == 10
    assert listed[0]["percent"] == 20
    assert listed[0]["ends_at"].endswith("+01:00")
    assert seen.status_code == 200
    assert Deal.objects.get(pk=deal.pk).view_count == 1
    assert_problem(anonymous.get("/api/v1/cities/rouen/deals/999999"), 404, "deal_not_found")


def test_claim_needs_a_customer_token_and_gives_a_voucher_once(live_city, shop, clock):
    deal = deal_of(shop)
    anne = make_user()
    api = ApiClient(token=token_for(anne))

    assert ApiClient().post(f"/api/v1/cities/rouen/deals/{deal.pk}/claim").status_code == 401
    claimed = api.post(f"/api/v1/cities/rouen/deals/{deal.pk}/claim")
    again = api.post(f"/api/v1/cities/rouen/deals/{deal.pk}/claim")

    assert claimed.status_code == 201
    voucher = claimed.json()
    assert (voucher["status"], voucher["deal"]["id"]) == ("valid", deal.pk)
    assert len(voucher["code"]) == 9
    assert_problem(again, 409, "voucher_limit_reached")
    mine = api.get("/api/v1/me/vouchers").json()
    assert [v["code"] for v in mine] == [voucher["code"]]


def test_a_sold_out_deal_answers_409(live_city, shop, clock):
    deal = deal_of(shop, total_cap=1)
    voucher_claim(deal=deal, customer=make_user(), now=NOW)

    answer = ApiClient(token=token_for(make_user())).post(
        f"/api/v1/cities/rouen/deals/{deal.pk}/claim"
    )

    assert_problem(answer, 409, "deal_sold_out")
    assert Voucher.objects.count() == 1


def test_staff_redeem_at_the_counter_once_and_are_told_when_it_was_used(shop, clock, staff_api):
    voucher = voucher_claim(deal=deal_of(shop), customer=make_user(), now=NOW)

    first = staff_api.post("/api/v1/shop/vouchers/redeem", {"code": voucher.code.lower()})
    second = staff_api.post("/api/v1/shop/vouchers/redeem", {"code": voucher.code})

    assert first.status_code == 200
    assert first.json()["status"] == "used"
    body = assert_problem(second, 409, "voucher_already_redeemed")
    assert shop.name in body["detail"]
    assert_problem(
        staff_api.post("/api/v1/shop/vouchers/redeem", {"code": "ABCD-EFGH"}),
        404,
        "voucher_not_found",
    )


def test_another_shops_voucher_is_refused_at_this_counter(city, shop, clock, staff_api):
    other = make_shop(city, name="Fromagerie Voisine")
    voucher = voucher_claim(deal=deal_of(other), customer=make_user(), now=NOW)

    body = assert_problem(
        staff_api.post("/api/v1/shop/vouchers/redeem", {"code": voucher.code}),
        422,
        "voucher_wrong_shop",
    )
    assert "Fromagerie Voisine" in body["detail"]
    assert Voucher.objects.get(pk=voucher.pk).redeemed_at is None


def test_owners_publish_pause_and_end_staff_may_not(shop, clock, owner_api, staff_api):
    galette = make_product(shop, name="Galette des rois")
    body = {
        "title": "-20 % sur les galettes",
        "kind": "percent_off",
        "percent": 20,
        "product_ids": [galette.pk],
        "starts_at": "2026-03-10T00:00:00+01:00",
        "ends_at": "2026-03-16T00:00:00+01:00",
        "weekdays": [5, 6],
        "total_cap": 50,
    }

    assert_problem(staff_api.post("/api/v1/shop/deals", body), 403, "not_allowed_in_shop")
    created = owner_api.post("/api/v1/shop/deals", body)

    assert created.status_code == 201, created.content
    deal = created.json()
    assert (deal["state"], deal["weekdays"], deal["product_ids"]) == ("live", [5, 6], [galette.pk])
    assert owner_api.post(f"/api/v1/shop/deals/{deal['id']}/pause").json()["state"] == "paused"
    assert owner_api.post(f"/api/v1/shop/deals/{deal['id']}/resume").json()["state"] == "live"
    assert owner_api.post(f"/api/v1/shop/deals/{deal['id']}/end").json()["state"] == "ended"
    assert_problem(
        owner_api.post(f"/api/v1/shop/deals/{deal['id']}/pause"), 409, "deal_not_available"
    )
    assert [d["id"] for d in staff_api.get("/api/v1/shop/deals").json()] == [deal["id"]]


def test_a_deal_that_makes_no_sense_is_refused_with_its_field(shop, clock, owner_api):
    body = {
        "title": "Rien",
        "kind": "percent_off",
        "starts_at": "2026-03-16T00:00:00+01:00",
        "ends_at": "2026-03-10T00:00:00+01:00",
    }

    problem = assert_problem(owner_api.post("/api/v1/shop/deals", body), 422, "invalid_input")

    assert problem["errors"]
    assert not Deal.objects.exists()


def test_another_shops_deal_is_not_found_and_unchanged(city, shop, clock, owner_api):
    theirs = deal_of(make_shop(city))

    for action in ("pause", "end"):
        assert_problem(
            owner_api.post(f"/api/v1/shop/deals/{theirs.pk}/{action}"), 404, "deal_not_found"
        )
    assert_problem(owner_api.get(f"/api/v1/shop/deals/{theirs.pk}/figures"), 404, "deal_not_found")
    assert Deal.objects.get(pk=theirs.pk).state == "live"


def test_figures_for_the_owner(shop, clock, owner_api):
    deal = deal_of(shop)
    voucher_claim(deal=deal, customer=make_user(), now=NOW)

    figures = owner_api.get(f"/api/v1/shop/deals/{deal.pk}/figures").json()

    assert (figures["claims"], figures["redemptions"]) == (1, 0)
    assert figures["revenue"] == {"amount": "0.00", "currency": "EUR"}
    assert figures["days"][-1] == {"day": "2026-03-10", "claims": 1, "redemptions": 0}


def test_staff_cannot_see_figures(shop, clock, staff_api):
    deal = deal_of(shop)

    assert_problem(
        staff_api.get(f"/api/v1/shop/deals/{deal.pk}/figures"), 403, "not_allowed_in_shop"
    )


def test_a_shop_token_cannot_claim_and_a_customer_token_cannot_redeem(live_city, shop, clock):
    owner = make_user()
    make_membership(shop, owner, role=Role.OWNER)
    deal = deal_of(shop)

    assert_problem(
        ApiClient(token=token_for(owner, shop)).post(f"/api/v1/cities/rouen/deals/{deal.pk}/claim"),
        403,
        "token_scope_mismatch",
    )
    assert_problem(
        ApiClient(token=token_for(owner)).post("/api/v1/shop/vouchers/redeem", {"code": "X"}),
        403,
        "token_scope_mismatch",
    )

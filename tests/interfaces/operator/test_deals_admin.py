"""Deals in the operator's back office: moderation, vouchers, the outbox, monthly exports."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.contrib.admin import helpers
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comptoir.domain.deals.models import Deal
from comptoir.domain.deals.services import voucher_claim, voucher_redeem
from comptoir.domain.notifications.models import OutboundEmail
from tests.domain.deals.support import PARIS, make_deal
from tests.factories import make_city, make_shop, make_user
from tests.interfaces.operator.changelist import listed

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:deals_deal_changelist")
EXPORTS = reverse("admin:deals_deal_exports")
MARCH_STARTS = datetime(2026, 3, 1, 0, 0, tzinfo=PARIS)


@pytest.fixture
def en(operator_client):
    operator_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return operator_client


@pytest.fixture
def deal(shop):
    now = timezone.now()
    return make_deal(
        shop, title="Galettes", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=5)
    )


def act(client: Client, action: str, deals: list[Deal], **data):
    return client.post(
        CHANGELIST,
        {"action": action, helpers.ACTION_CHECKBOX_NAME: [d.pk for d in deals], **data},
    )


# --- The list -----------------------------------------------------------------------------


def test_the_list_shows_claims_of_cap_and_filters_hidden_deals(en, shop, deal):
    other = make_deal(shop, title="Brioches", total_cap=None)
    Deal.objects.filter(pk=deal.pk).update(
        hidden_at=timezone.now(), hidden_reason="Photo", total_cap=10, claimed_count=3
    )

    response = en.get(CHANGELIST)
    admin = response.context["cl"].model_admin
    deals = {d.title: d for d in listed(response)}
    assert admin.claimed_of_cap(deals["Galettes"]) == "3 / 10"
    assert admin.claimed_of_cap(deals["Brioches"]) == "0 / ∞"
    assert [d.title for d in listed(en.get(CHANGELIST, {"hidden": "yes"}))] == ["Galettes"]
    assert [d.pk for d in listed(en.get(CHANGELIST, {"hidden": "no"}))] == [other.pk]
    assert [d.title for d in listed(en.get(CHANGELIST, {"q": shop.name[:8]}))]


def test_the_list_links_to_the_exports(en, deal):
    assert f'href="{EXPORTS}"' in en.get(CHANGELIST).content.decode()


# --- Hide and show again ----------------------------------------------------------------


def test_hiding_asks_for_a_reason_first(en, deal):
    response = act(en, "hide_with_reason", [deal], index=0)

    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    assert 'id="hide-form"' in response.content.decode()
    assert Deal.objects.get(pk=deal.pk).hidden_at is None


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_deal_is_not_hidden_without_a_reason(en, deal, reason):
    response = act(en, "hide_with_reason", [deal], apply="Hide", reason=reason)

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    deal.refresh_from_db()
    assert (deal.hidden_at, deal.hidden_reason) == (None, "")


def test_a_deal_is_hidden_with_its_reason_and_shown_again(en, deal):
    response = act(en, "hide_with_reason", [deal], apply="Hide", reason="  Photo trompeuse  ")

    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.hidden_at is not None
    assert deal.hidden_reason == "Photo trompeuse"
    page = en.get(reverse("admin:deals_deal_change", args=[deal.pk])).content.decode()
    assert "Photo trompeuse" in page

    assert act(en, "show_again", [deal], index=0).status_code == 302
    deal.refresh_from_db()
    assert (deal.hidden_at, deal.hidden_reason) == (None, "")


def test_a_customer_cannot_hide_a_deal(deal):
    customer = Client()
    customer.force_login(make_user())

    response = act(customer, "hide_with_reason", [deal], apply="Hide", reason="Nope")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert Deal.objects.get(pk=deal.pk).hidden_at is None


def test_staff_without_the_permission_cannot_hide_or_export(deal):
    staff = Client()
    staff.force_login(make_user(is_staff=True))

    assert act(staff, "hide_with_reason", [deal], apply="Hide", reason="Nope").status_code == 403
    assert staff.get(EXPORTS).status_code == 403
    assert Deal.objects.get(pk=deal.pk).hidden_at is None


def test_a_deal_is_read_only_for_the_operator(en, deal):
    response = en.post(reverse("admin:deals_deal_change", args=[deal.pk]), {"title": "Changed"})

    assert response.status_code == 403
    assert Deal.objects.get(pk=deal.pk).title == "Galettes"
    assert en.get(reverse("admin:deals_deal_add")).status_code == 403


# --- Vouchers and the outbox ----------------------------------------------------------------


def test_the_vouchers_list_is_read_only(en, deal):
    voucher = voucher_claim(deal=deal, customer=make_user(), now=timezone.now())

    response = en.get(reverse("admin:deals_voucher_changelist"), {"q": voucher.code})

    assert [v.code for v in listed(response)] == [voucher.code]
    assert en.get(reverse("admin:deals_voucher_change", args=[voucher.pk])).status_code == 200
    assert en.get(reverse("admin:deals_voucher_add")).status_code == 403


def test_failed_emails_are_listed_and_sent_again(en, django_capture_on_commit_callbacks):
    now = timezone.now()
    failed = OutboundEmail.objects.create(
        key="order:1:accepted:customer",
        to="claire@example.fr",
        subject="Commande acceptée",
        body="Le corps secret",
        status="failed",
        attempts=5,
        last_error="SMTPServerDisconnected: gone",
        created_at=now,
        available_at=now,
    )

    response = en.get(reverse("admin:notifications_outboundemail_changelist"), {"status": "failed"})
    assert [e.pk for e in listed(response)] == [failed.pk]
    assert "SMTPServerDisconnected" in response.content.decode()
    detail = en.get(reverse("admin:notifications_outboundemail_change", args=[failed.pk]))
    assert "Le corps secret" not in detail.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = en.post(
            reverse("admin:notifications_outboundemail_changelist"),
            {"action": "retry_failed", helpers.ACTION_CHECKBOX_NAME: [failed.pk], "index": 0},
        )

    assert response.status_code == 302
    assert OutboundEmail.objects.get(pk=failed.pk).status == "sent"
    assert len(mail.outbox) == 1


# --- Exports ------------------------------------------------------------------------------


def test_the_exports_page_shows_its_form(en, shop):
    response = en.get(EXPORTS)

    assert response.status_code == 200
    assert 'id="exports-form"' in response.content.decode()


def test_it_exports_the_deals_of_a_month_as_csv(en, shop):
    make_deal(shop, title="=1+1", starts_at=MARCH_STARTS, ends_at=MARCH_STARTS + timedelta(days=3))

    response = en.get(
        EXPORTS, {"city": shop.city_id, "shop": shop.pk, "month": "2026-03", "kind": "deals"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"deals-{shop.city.slug}-{shop.slug}-2026-03.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Shop", "Deal no.", "Title"]
    assert rows[1][2] == "'=1+1"


def test_it_exports_the_redemptions_of_every_shop_of_a_city(en, shop):
    deal = make_deal(shop, starts_at=MARCH_STARTS, ends_at=MARCH_STARTS + timedelta(days=3))
    voucher = voucher_claim(deal=deal, customer=make_user(), now=MARCH_STARTS)
    voucher_redeem(code=voucher.code, shop=shop, now=MARCH_STARTS + timedelta(hours=9))

    response = en.get(EXPORTS, {"city": shop.city_id, "month": "2026-03", "kind": "redemptions"})

    text = b"".join(response.streaming_content).decode()
    assert f"redemptions-{shop.city.slug}-all-2026-03.csv" in response["Content-Disposition"]
    assert f"2026-03-01;09:00;{shop.name};{deal.pk};" in text
    assert voucher.code in text


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"month": "2026-13"}, "month"),
        ({"month": "mars"}, "month"),
        ({"month": "1999-01"}, "month"),
        ({"shop": "999999"}, "shop"),
        ({"shop": str(10**30)}, "shop"),
        ({"shop": "1e400"}, "shop"),
        ({"city": "abc"}, "city"),
        ({"kind": "everything"}, "kind"),
        ({"shop": "OTHER_CITY"}, "shop"),
    ],
)
def test_bad_input_gets_form_errors_not_a_file(en, shop, data, field):
    other_city_shop = make_shop(make_city())
    query = {"city": shop.city_id, "shop": "", "month": "2026-03", "kind": "deals"} | data
    if query["shop"] == "OTHER_CITY":
        query["shop"] = other_city_shop.pk

    response = en.get(EXPORTS, query)

    assert response.status_code == 400
    assert field in response.context["form"].errors

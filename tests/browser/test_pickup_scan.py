"""The desk scans the pickup code's QR from the customer's e-mail and hands the order over.

In real Chromium, whose fake camera films the e-mail's QR code. Without
BarcodeDetector (taken away if the build has one), the desk reads frames
with the vendored jsQR, under the CSP. A Micro QR (what segno draws for a
6-character code unless told otherwise) is read by neither.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.utils import timezone

from comptoir.domain.orders.desk import default_ready_by, order_accept, order_mark_ready
from comptoir.domain.orders.models import Order, OrderState
from comptoir.domain.orders.notifications import pickup_qr_png
from tests.browser.test_desk import logged_in_context, place_directly, rouen, shot, watched
from tests.browser.test_voucher_scan import camera_browser, qr_video

__all__ = ["rouen"]  # the scene's fixture, shared with the desk's tests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_desk_scans_the_emailed_pickup_code_and_hands_the_order_over(
    browser: Any, live_server: Any, console: Any, rouen: dict[str, Any], tmp_path: Any
) -> None:
    order = place_directly(rouen, token="scan-1")
    now = timezone.now()
    order_accept(order=order, actor=rouen["owner"], ready_by=default_ready_by(order, now), now=now)
    order_mark_ready(order=order, actor=rouen["owner"], now=now)
    video = qr_video(base64.b64decode(pickup_qr_png(order.pickup_code)), tmp_path / "qr.y4m")

    chromium = camera_browser(browser, video)
    try:
        context = logged_in_context(chromium, live_server.url, rouen["owner"])
        context.grant_permissions(["camera"], origin=live_server.url)
        # Where Chromium has a BarcodeDetector, take it away: this walks the jsQR path.
        context.add_init_script("delete window.BarcodeDetector;")
        page = watched(context, console)
        page.goto(f"{live_server.url}/shop/rouen/au-bon-pain/desk/")
        card = page.locator(f"#code-{order.number}")
        card.wait_for()
        assert page.evaluate("document.documentElement.classList.contains('can-scan')")
        shot(page, "desk-ready-to-scan")

        page.locator(f".desk-handover:has(#code-{order.number}) [data-scan]").tap()
        card.wait_for(state="detached", timeout=10_000)
    finally:
        chromium.close()

    assert Order.objects.get(pk=order.pk).state == OrderState.COLLECTED
    assert console.errors == []

"""The counter scans a voucher's QR code with the camera, in real Chromium.

Chromium's fake camera plays a video of the customer's QR code; without
BarcodeDetector (taken away if the build has one), the page falls back on
the vendored jsQR decoder reading frames drawn on a canvas, under the CSP.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from comptoir.domain.deals.models import Voucher
from comptoir.domain.deals.qr import voucher_qr_png
from comptoir.domain.deals.services import voucher_claim
from comptoir.domain.shops.models import Role
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.test_desk import logged_in_context, watched
from tests.domain.deals.support import make_deal
from tests.factories import make_city, make_membership, make_shop, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def qr_video(png: bytes, path: Path) -> Path:
    """A Y4M video (what Chromium's fake camera plays) of a QR code's PNG, on white."""
    symbol = Image.open(BytesIO(png)).convert("RGB")
    frame = Image.new("RGB", (640, 480), "white")
    frame.paste(symbol, ((640 - symbol.width) // 2, (480 - symbol.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (320, 240)
    data = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with path.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _frame in range(10):
            out.write(b"FRAME\n" + data)
    return path


def camera_browser(browser: Any, video: Path) -> Any:
    """Chromium whose camera films `video`, granted without asking."""
    return browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )


def test_the_counter_scans_a_voucher_and_redeems_it(browser, live_server, console, tmp_path):
    city = make_city(name="Rouen", slug="rouen")
    bakery = make_shop(city, name="Au Bon Pain", slug="au-bon-pain")
    staff = make_user(email="lucas@example.fr")
    make_membership(bakery, staff, role=Role.STAFF)
    now = timezone.now()
    deal = make_deal(
        bakery, title="Galettes", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1)
    )
    voucher = voucher_claim(deal=deal, customer=make_user(), now=now)
    # The symbol of the voucher's e-mail.
    video = qr_video(base64.b64decode(voucher_qr_png(voucher.code)), tmp_path / "qr.y4m")

    chromium = camera_browser(browser, video)
    try:
        context = logged_in_context(chromium, live_server.url, staff)
        context.grant_permissions(["camera"], origin=live_server.url)
        # Where Chromium has a BarcodeDetector, take it away: this walks the jsQR path.
        context.add_init_script("delete window.BarcodeDetector;")
        page = watched(context, console)
        page.goto(f"{live_server.url}/shop/rouen/au-bon-pain/desk/vouchers/")
        assert page.evaluate("typeof window.jsQR") == "function"

        page.locator("[data-voucher-scan]").tap()
        page.locator("[data-verdict='valid']").wait_for(timeout=10_000)
        assert page.locator("[data-voucher-code]").input_value() == voucher.code
        page.locator("[data-voucher-confirm]").tap()
        page.locator("[data-verdict='redeemed']").wait_for(timeout=5_000)
    finally:
        chromium.close()

    assert Voucher.objects.get(pk=voucher.pk).redeemed_via == "store"
    assert console.errors == []

"""Browser-test harness: Playwright driving Debian's Chromium on a phone viewport.

Test tools never download a browser of their own: we point Playwright at the
system Chromium (`apt-get install chromium`). Without it, browser tests are
skipped on a laptop (one reason line) but fail in CI, where they must run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "fr-FR",
}
SHOTS_DIR = Path("/tmp/shots")  # noqa: S108 (screenshots for a human, not secrets)
PROJECT_STATIC = Path(django_settings.BASE_DIR) / "comptoir" / "static"


def _require_browser() -> None:
    """Skip (or, with CI=true, fail) when Chromium or Playwright is missing."""
    if CHROMIUM.exists():
        reason = ""
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "Playwright is not installed: browser tests skipped (pip install playwright)"
    else:
        reason = (
            f"Chromium not found at {CHROMIUM}: browser tests skipped (apt-get install chromium)"
        )
    if not reason:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}. CI=true: browser tests must run.", pytrace=False)
    # Raised from this one line for every module, so `-ra` prints one reason line.
    pytest.skip(reason, allow_module_level=True)


class BrowserTestModule(pytest.Module):
    """A browser test module: checks for a browser before collecting its tests."""

    def collect(self) -> Any:
        _require_browser()
        return super().collect()


def pytest_pycollect_makemodule(module_path: Path, parent: Any) -> Any:
    return BrowserTestModule.from_parent(parent, path=module_path)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run browser tests last.

    The session's Playwright keeps an asyncio loop running in the main thread
    until the session ends; tests that call `asyncio.run()` (or check Django's
    async safety) must not run while it is up.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio event loop in the test thread, and
    # Django then refuses ORM calls there (SynchronousOnlyOperation) although
    # they are plain synchronous calls. This is the well-known workaround; it
    # is set only while a browser is running and restored afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _serve_project_static(settings):
    """The live server serves static files through the finders: make sure they see ours."""
    if PROJECT_STATIC not in [Path(d) for d in settings.STATICFILES_DIRS]:
        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, PROJECT_STATIC]


@dataclass
class ConsoleLog:
    """Console errors, uncaught page errors and CSP violations seen by a page."""

    errors: list[str] = field(default_factory=list)

    def on_console(self, message: Any) -> None:
        if message.type in {"error", "warning"} and (
            message.type == "error" or "Content Security Policy" in message.text
        ):
            self.errors.append(f"{message.type}: {message.text}")

    def on_page_error(self, error: Any) -> None:
        self.errors.append(f"pageerror: {error}")


@pytest.fixture
def phone(browser) -> Iterator[Any]:
    """A fresh phone-sized browser context (iPhone-12-like, French locale)."""
    context = browser.new_context(**PHONE)
    yield context
    context.close()


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def page(phone, console) -> Any:
    """A page in the phone context whose console errors land in `console.errors`."""
    page = phone.new_page()
    page.on("console", console.on_console)
    page.on("pageerror", console.on_page_error)
    return page


@pytest.fixture
def screenshot(page) -> Any:
    """Save a full-page screenshot to /tmp/shots/<name>.png for a human to look at."""

    def take(name: str) -> Path:
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)
        path = SHOTS_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take

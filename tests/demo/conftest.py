"""Demo fixtures: photos go to one temporary MEDIA_ROOT per test session, never var/."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def demo_media(tmp_path_factory):
    # Shared by the whole session: the photos are drawn once, then reused.
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture
def media(settings, demo_media):
    settings.MEDIA_ROOT = demo_media
    return demo_media

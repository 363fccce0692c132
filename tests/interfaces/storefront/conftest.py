from datetime import UTC, datetime
from unittest import mock

import pytest

# Tuesday 9 June 2026, 10:00 in Paris.
TUESDAY_MORNING = datetime(2026, 6, 9, 8, 0, tzinfo=UTC)


@pytest.fixture
def freeze_storefront_clock():
    """Set the storefront's "now" (its one clock seam) for the duration of a test."""
    patchers: list = []

    def freeze(moment: datetime = TUESDAY_MORNING) -> datetime:
        patcher = mock.patch(
            "comptoir.interfaces.storefront.views.current_time", return_value=moment
        )
        patcher.start()
        patchers.append(patcher)
        return moment

    yield freeze
    for patcher in reversed(patchers):
        patcher.stop()

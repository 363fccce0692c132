import pytest

from tests.domain.orders.support import make_scene


@pytest.fixture
def scene(city):
    return make_scene(city)

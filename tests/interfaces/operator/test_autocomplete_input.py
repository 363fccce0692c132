"""An autocomplete field of the operator's admin answers a refused value with the form.

Django's AutocompleteSelect re-renders the posted value by filtering the
related table with it: a value that is not a key ("1e400") or that no
integer column holds (10**30 on SQLite) used to raise while the page rendered.
"""

import pytest

from comptoir.domain.catalogue.models import Category
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["1e400", "1" + "0" * 30, "-1", "abc"])
def test_a_refused_shop_shows_the_form_again(client, shop, value):
    client.force_login(make_user(is_staff=True, is_superuser=True))

    response = client.post(
        "/operator/catalogue/category/add/",
        {"shop": value, "name": "Pains", "position": "0"},
        headers={"accept-language": "en"},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Category.objects.exists()

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.factories import make_product


@pytest.mark.django_db
def test_it_refuses_a_negative_price(shop):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_product(shop, price=Decimal("-0.01"))

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.utils import translation

from comptoir.demo.accounts import demo_accounts_ensure, format_demo_logins
from comptoir.demo.data.cities import ROUEN
from comptoir.domain.accounts.models import Address, User
from comptoir.domain.shops.models import Membership


@pytest.mark.django_db
def test_it_formats_every_demo_login_with_its_password(shop):
    demo_accounts_ensure(city=ROUEN, shop=shop)
    with translation.override("en"):
        text = format_demo_logins()
    assert text == (
        "Demo accounts:\n"
        "  Customer    client@demo.comptoir.fr     comptoir-demo\n"
        "  Shop owner  patron@demo.comptoir.fr     comptoir-demo\n"
        "  Shop staff  vendeur@demo.comptoir.fr    comptoir-demo\n"
        "  Operator    operateur@demo.comptoir.fr  comptoir-demo"
    )


@pytest.mark.django_db
def test_it_prints_nothing_when_the_demo_accounts_do_not_exist():
    assert format_demo_logins() == ""


@pytest.mark.django_db
def test_it_restores_a_changed_demo_password_without_duplicating_anything(shop):
    demo_accounts_ensure(city=ROUEN, shop=shop)
    customer = User.objects.get(email="client@demo.comptoir.fr")
    customer.set_password("autre-chose-de-long")
    customer.save()

    demo_accounts_ensure(city=ROUEN, shop=shop)

    assert authenticate(email="client@demo.comptoir.fr", password="comptoir-demo") == customer
    assert User.objects.filter(email__endswith="@demo.comptoir.fr").count() == 4
    assert Address.objects.filter(user=customer).count() == 1
    assert Membership.objects.filter(shop=shop).count() == 2


@pytest.mark.django_db
def test_the_staff_member_also_works_in_a_second_shop_when_given(city, shop):
    from tests.factories import make_shop

    neighbour = make_shop(city)
    demo_accounts_ensure(city=ROUEN, shop=shop, second_shop=neighbour)

    staff = User.objects.get(email="vendeur@demo.comptoir.fr")
    assert set(Membership.objects.filter(user=staff).values_list("shop_id", "role")) == {
        (shop.pk, "staff"),
        (neighbour.pk, "staff"),
    }
    assert Membership.objects.filter(shop=neighbour).count() == 1

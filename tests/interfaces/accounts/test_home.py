"""My account: details, addresses, profile; login required; few queries."""

import pytest
from django.conf import settings
from django.urls import reverse

from comptoir.domain.accounts.models import Address, User
from comptoir.domain.accounts.services import address_add
from comptoir.domain.insights.models import CityPartner
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def add_address(user, **fields):
    defaults = {"recipient": "Anne Martin", "postal_code": "76000", "locality": "Rouen"}
    return address_add(user=user, **(defaults | fields))


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/account/")

    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/account/"


def test_it_shows_details_and_addresses_default_first(en, anne):
    anne.phone = "+33235000000"
    anne.save()
    add_address(anne, line1="1 rue du Bac")
    add_address(anne, line1="2 rue du Bac", label="Travail", make_default=True)
    add_address(make_user(), line1="3 rue de quelqu'un d'autre")
    en.force_login(anne)

    response = en.get("/account/")

    assert response.status_code == 200
    assert [a.line1 for a in response.context["addresses"]] == ["2 rue du Bac", "1 rue du Bac"]
    html = response.content.decode()
    assert '<dd class="details__phone">02 35 00 00 00</dd>' in html
    assert '<dd class="details__email">anne@example.fr</dd>' in html
    assert "3 rue de quelqu&#x27;un d&#x27;autre" not in html
    assert 'action="/account/logout/"' in html


@pytest.mark.parametrize("addresses", [0, 5])
def test_it_reads_the_page_in_five_queries(client, anne, django_assert_num_queries, addresses):
    for n in range(addresses):
        add_address(anne, line1=f"{n} rue du Bac")
    client.force_login(anne)

    # Session, user, addresses, shop ownership (for the two-step log-in link):
    # whatever the number of addresses.
    with django_assert_num_queries(5):
        response = client.get("/account/")

    assert len(response.context["addresses"]) == addresses


def test_it_updates_the_profile_and_the_language_cookie(en, anne):
    en.force_login(anne)

    response = en.post(
        "/account/profile/",
        {"first_name": "Anne", "last_name": "Martin", "phone": "06 12 34 56 78", "language": "en"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    anne.refresh_from_db()
    assert (anne.last_name, anne.phone, anne.language) == ("Martin", "+33612345678", "en")


def test_it_shows_an_invalid_phone_on_its_field_and_changes_nothing(en, anne):
    en.force_login(anne)

    response = en.post(
        "/account/profile/",
        {"first_name": "Zoé", "last_name": "", "phone": "12", "language": "en"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"phone": ["Enter a valid phone number."]}
    assert User.objects.values_list("first_name", "phone", "language").get(pk=anne.pk) == (
        "Anne",
        "",
        "fr",
    )


def test_it_adds_an_address(en, anne):
    en.force_login(anne)

    response = en.post(
        "/account/addresses/new/",
        {
            "label": "Maison",
            "recipient": "Anne Martin",
            "line1": "12 rue Eau-de-Robec",
            "postal_code": "76000",
            "locality": "Rouen",
            "instructions": "Code 1234",
        },
    )

    assert response["Location"] == "/account/"
    assert list(Address.objects.values_list("user", "label", "line1", "is_default")) == [
        (anne.pk, "Maison", "12 rue Eau-de-Robec", True)
    ]


def test_it_asks_again_for_an_incomplete_address(en, anne):
    en.force_login(anne)

    response = en.post("/account/addresses/new/", {"recipient": "Anne", "locality": "Rouen"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "line1": ["This field is required."],
        "postal_code": ["This field is required."],
    }
    assert not Address.objects.exists()


def test_it_makes_an_address_the_default(client, anne):
    first = add_address(anne, line1="1 rue du Bac")
    second = add_address(anne, line1="2 rue du Bac")
    client.force_login(anne)

    response = client.post(f"/account/addresses/{second.pk}/default/")

    assert response["Location"] == "/account/"
    assert dict(Address.objects.values_list("pk", "is_default")) == {
        first.pk: False,
        second.pk: True,
    }


def test_it_deletes_an_own_address(client, anne):
    first = add_address(anne, line1="1 rue du Bac")
    second = add_address(anne, line1="2 rue du Bac")
    client.force_login(anne)

    response = client.post(f"/account/addresses/{first.pk}/delete/")

    assert response["Location"] == "/account/"
    assert list(Address.objects.values_list("pk", "is_default")) == [(second.pk, True)]


@pytest.mark.parametrize("action", ["default", "delete"])
def test_it_refuses_to_touch_another_customers_address(client, anne, action):
    other = make_user()
    theirs_default = add_address(other, line1="1 rue d'Ailleurs")
    theirs = add_address(other, line1="2 rue d'Ailleurs")
    client.force_login(anne)
    before = list(Address.objects.values_list("pk", "user", "is_default").order_by("pk"))

    response = client.post(f"/account/addresses/{theirs.pk}/{action}/")

    assert response.status_code == 404
    assert list(Address.objects.values_list("pk", "user", "is_default").order_by("pk")) == before
    assert before == [(theirs_default.pk, other.pk, True), (theirs.pk, other.pk, False)]


@pytest.mark.parametrize("action", ["default", "delete"])
def test_it_does_not_change_addresses_on_get(client, anne, action):
    address = add_address(anne, line1="1 rue du Bac")
    client.force_login(anne)

    response = client.get(f"/account/addresses/{address.pk}/{action}/")

    assert response.status_code == 405
    assert list(Address.objects.values_list("pk", "is_default")) == [(address.pk, True)]


def test_a_city_partner_finds_the_city_figures_from_the_account_page(client, anne, city):
    CityPartner.objects.create(user=anne, city=city, organisation="Métropole Rouen Normandie")
    client.force_login(anne)

    response = client.get(reverse("accounts:home"), headers={"accept-language": "en"})

    assert reverse("partner:index") in response.text


def test_a_customer_sees_no_city_figures_link(client, anne):
    client.force_login(anne)

    response = client.get(reverse("accounts:home"), headers={"accept-language": "en"})

    assert reverse("partner:index") not in response.text

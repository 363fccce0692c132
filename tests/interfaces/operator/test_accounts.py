"""Users in the back office: creating accounts, finding people, their shops and addresses."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.domain.accounts.models import Address, User
from tests.factories import make_membership, make_shop, make_user
from tests.interfaces.operator.changelist import listed

CHANGELIST = reverse("admin:accounts_user_changelist")
ADD = reverse("admin:accounts_user_add")


def add_form(**fields: str) -> dict[str, str]:
    return {
        "email": "Anne.Martin@Example.FR",
        "usable_password": "true",
        "password1": "pain-au-levain-76",
        "password2": "pain-au-levain-76",
    } | fields


def test_it_creates_a_user_with_a_lower_cased_email_and_a_usable_password(operator_client):
    response = operator_client.post(ADD, add_form())

    user = User.objects.get(email="anne.martin@example.fr")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_user_change", args=[user.pk])
    assert user.has_usable_password()
    assert user.check_password("pain-au-levain-76")
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)


def test_it_creates_a_user_without_a_password_when_asked(operator_client):
    response = operator_client.post(ADD, add_form(usable_password="false"))

    assert response.status_code == 302
    assert not User.objects.get(email="anne.martin@example.fr").has_usable_password()


def test_it_refuses_an_email_that_differs_only_in_case(operator_client):
    make_user(email="anne.martin@example.fr")

    response = operator_client.post(ADD, add_form())

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "email": ["Un utilisateur avec cette adresse e-mail existe déjà."]
    }
    assert User.objects.filter(email__iexact="anne.martin@example.fr").count() == 1


def test_it_refuses_passwords_that_differ(operator_client):
    response = operator_client.post(ADD, add_form(password2="autre-chose-76"))

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["password2"]
    assert not User.objects.filter(email="anne.martin@example.fr").exists()


def test_it_asks_only_for_email_and_password_on_the_add_page(operator_client):
    response = operator_client.get(ADD)

    assert list(response.context["adminform"].form.fields) == [
        "email",
        "usable_password",
        "password1",
        "password2",
    ]
    assert response.context["inline_admin_formsets"] == []


def test_it_links_to_the_password_change_page(operator_client, operator):
    response = operator_client.get(reverse("admin:accounts_user_change", args=[operator.pk]))

    assert 'href="../password/"' in response.content.decode()
    password_page = operator_client.get(
        reverse("admin:auth_user_password_change", args=[operator.pk])
    )
    assert password_page.status_code == 200


def test_it_changes_a_password_from_the_password_page(operator_client):
    user = make_user(email="anne@example.fr")

    response = operator_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": "pain-au-levain-76", "password2": "pain-au-levain-76"},
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.check_password("pain-au-levain-76")


def test_it_edits_the_profile_and_the_shops_a_person_works_in(operator_client, shop):
    user = make_user(email="anne@example.fr")
    url = reverse("admin:accounts_user_change", args=[user.pk])

    response = operator_client.post(
        url,
        {
            "email": "Anne@Example.fr",
            "first_name": "Anne",
            "last_name": "Martin",
            "phone": "02 35 00 00 00",
            "language": "en",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:30:00",
            "addresses-TOTAL_FORMS": "0",
            "addresses-INITIAL_FORMS": "0",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-shop": str(shop.pk),
            "memberships-0-role": "owner",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert (user.email, user.first_name, user.last_name, user.phone, user.language) == (
        "anne@example.fr",
        "Anne",
        "Martin",
        "+33235000000",
        "en",
    )
    assert list(user.memberships.values_list("shop", "role")) == [(shop.pk, "owner")]


def test_it_shows_addresses_and_shops_on_the_change_page(operator_client, shop):
    user = make_user(email="anne@example.fr")
    make_membership(shop, user, role="owner")
    Address.objects.create(
        user=user,
        recipient="Anne",
        line1="1 rue Jeanne-d'Arc",
        postal_code="76000",
        locality="Rouen",
    )

    response = operator_client.get(reverse("admin:accounts_user_change", args=[user.pk]))

    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    assert [form.instance.line1 for form in formsets["addresses"].forms] == ["1 rue Jeanne-d'Arc"]
    assert [form.instance.shop for form in formsets["memberships"].forms] == [shop]


def test_it_finds_people_by_email_name_or_phone(operator_client):
    anne = make_user(email="anne@example.fr", first_name="Anne", last_name="Martin")
    paul = make_user(email="paul@example.fr", first_name="Paul", phone="0235000000")

    assert listed(operator_client.get(CHANGELIST, {"q": "anne@"})) == [anne]
    assert listed(operator_client.get(CHANGELIST, {"q": "martin"})) == [anne]
    assert listed(operator_client.get(CHANGELIST, {"q": "+3323500"})) == [paul]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"is_staff__exact": "1"}, ["operateur@comptoir.fr"]),
        ({"is_staff__exact": "0"}, ["baker@example.fr", "customer@example.fr", "idle@example.fr"]),
        ({"is_active__exact": "0"}, ["idle@example.fr"]),
        ({"language__exact": "en"}, ["customer@example.fr"]),
        ({"works_in_shop": "yes"}, ["baker@example.fr"]),
        (
            {"works_in_shop": "no"},
            ["customer@example.fr", "idle@example.fr", "operateur@comptoir.fr"],
        ),
    ],
)
def test_it_filters_people(operator_client, query, expected):
    baker = make_user(email="baker@example.fr")
    make_membership(make_shop(), baker)
    make_membership(make_shop(), baker)  # listed once however many shops
    make_user(email="customer@example.fr", language="en")
    make_user(email="idle@example.fr", is_active=False)

    assert [user.email for user in listed(operator_client.get(CHANGELIST, query))] == expected


def test_it_lists_name_phone_and_status_columns(operator_client):
    make_user(email="anne@example.fr", first_name="Anne", last_name="Martin")

    response = operator_client.get(CHANGELIST, {"q": "anne@"})

    assert response.context["cl"].list_display == [
        "action_checkbox",
        "email",
        "full_name",
        "phone",
        "is_staff",
        "is_active",
        "date_joined",
    ]
    assert "Anne Martin" in response.content.decode()


def test_it_offers_no_plain_delete_that_would_keep_names_on_orders(operator_client):
    person = make_user(email="lea@example.fr")

    response = operator_client.get(reverse("admin:accounts_user_delete", args=[person.pk]))

    assert response.status_code == 403
    assert User.objects.filter(pk=person.pk).exists()


def test_it_deletes_accounts_through_the_anonymising_service(operator_client, shop):
    leaving = make_user(email="lea@example.fr")
    owner = make_user(email="anne@example.fr")
    make_membership(shop=shop, user=owner, role="owner")
    url = reverse("admin:accounts_user_changelist")

    response = operator_client.post(
        url,
        {"action": "delete_accounts", "_selected_action": [leaving.pk, owner.pk]},
        follow=True,
        headers={"accept-language": "en"},
    )

    texts = [str(message) for message in response.context["messages"]]
    assert not User.objects.filter(pk=leaving.pk).exists()
    assert User.objects.filter(pk=owner.pk).exists()  # the shop's last owner stays
    assert texts[0].startswith("anne@example.fr: ")
    assert texts[1] == "1 account deleted, its orders anonymised."

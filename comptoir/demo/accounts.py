"""Demo accounts: one login per role, printed by `demo_city` and the web launcher.

Demo data, not a user action: the accounts are written directly (one password
hash for all four) rather than through sign-up services.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir.demo.data import CitySpec
from comptoir.domain.accounts.models import Address, User
from comptoir.domain.shops.models import Membership, Role, Shop

DEMO_PASSWORD = "comptoir-demo"  # noqa: S105 - published on purpose: it is a demo  # nosec B105


@dataclass(frozen=True)
class DemoLogin:
    role: Promise
    email: str
    password: str
    first_name: str
    last_name: str
    is_operator: bool = False
    shop_role: Role | None = None


DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin(_("Customer"), "client@demo.comptoir.fr", DEMO_PASSWORD, "Camille", "Leroux"),
    DemoLogin(
        _("Shop owner"),
        "patron@demo.comptoir.fr",
        DEMO_PASSWORD,
        "Hélène",
        "Duval",
        shop_role=Role.OWNER,
    ),
    DemoLogin(
        _("Shop staff"),
        "vendeur@demo.comptoir.fr",
        DEMO_PASSWORD,
        "Lucas",
        "Hébert",
        shop_role=Role.STAFF,
    ),
    DemoLogin(
        _("Operator"),
        "operateur@demo.comptoir.fr",
        DEMO_PASSWORD,
        "Claire",
        "Lemonnier",
        is_operator=True,
    ),
]


def format_demo_logins() -> str:
    """The demo logins present in the database, aligned for a terminal ("" if none)."""
    present = set(
        User.objects.filter(
            email__in=[login.email for login in DEMO_LOGINS], is_active=True
        ).values_list("email", flat=True)
    )
    logins = [login for login in DEMO_LOGINS if login.email in present]
    if not logins:
        return ""
    roles = [str(login.role) for login in logins]
    role_width = max(len(role) for role in roles)
    email_width = max(len(login.email) for login in logins)
    lines = [gettext("Demo accounts:")]
    for role, login in zip(roles, logins, strict=True):
        lines.append(f"  {role:<{role_width}}  {login.email:<{email_width}}  {login.password}")
    return "\n".join(lines)


def demo_accounts_ensure(
    *, city: CitySpec, shop: Shop, second_shop: Shop | None = None
) -> list[User]:
    """Create or refresh the demo users; the owner and staff work in `shop`.

    The staff member also works in `second_shop` when given (a neighbour of
    the same trade), so a demo order from two shops is answered by one login.

    Existing demo users get their password and flags back, so the printed
    logins always work, even after someone changed them while trying the demo.
    """
    password = make_password(DEMO_PASSWORD)  # hashed once: the slow part
    users = []
    for login in DEMO_LOGINS:
        user = User.objects.filter(email=login.email).first() or User(email=login.email)
        user.first_name, user.last_name = login.first_name, login.last_name
        user.password = password
        user.is_active = True
        user.is_staff = user.is_superuser = login.is_operator
        user.save()
        if login.shop_role is not None:
            Membership.objects.update_or_create(
                user=user, shop=shop, defaults={"role": login.shop_role}
            )
        if login.shop_role == Role.STAFF and second_shop is not None:
            Membership.objects.update_or_create(
                user=user, shop=second_shop, defaults={"role": Role.STAFF}
            )
        users.append(user)

    customer = users[0]
    if not customer.addresses.filter(is_default=True).exists():
        street = city.streets[0]
        Address.objects.create(
            user=customer,
            label="Maison",
            recipient=customer.get_full_name(),
            line1=f"12 {street.name}",
            postal_code=street.postal_code,
            locality=city.name,
            latitude=Decimal(repr(street.latitude)).quantize(Decimal("0.000001")),
            longitude=Decimal(repr(street.longitude)).quantize(Decimal("0.000001")),
            instructions="Code 4521B, 3e étage",
            is_default=True,
        )
    return users

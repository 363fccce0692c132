"""An invitation used twice at once (two tabs) creates one shop: a conditional UPDATE claims it."""

import threading

import pytest

from comptoir.domain.onboarding.errors import OwnerInvitationUsed
from comptoir.domain.onboarding.models import OwnerInvitation
from comptoir.domain.onboarding.services import owner_invitation_accept
from comptoir.domain.shops.models import Shop
from comptoir.domain.shops.services import shop_create
from tests.concurrency import run_together
from tests.domain.onboarding.support import DETAILS, NOW, invite
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_control_a_read_then_create_check_gives_two_shops(city):
    """Without the conditional UPDATE, both tabs see the invitation open and both create."""
    invitation, _ = invite(city)
    lea = make_user(email="lea@example.fr")
    read_done = threading.Barrier(2)

    def naive_accept():
        open_now = OwnerInvitation.objects.get(pk=invitation.pk).used_at is None
        read_done.wait()  # both tabs read "not used yet"
        if open_now:
            shop_create(
                city=city,
                name=DETAILS.name,
                trade=DETAILS.trade,
                street=DETAILS.street,
                postal_code=DETAILS.postal_code,
                locality=DETAILS.locality,
                latitude=city.latitude,
                longitude=city.longitude,
                owner=lea,
                is_active=False,
            )
            OwnerInvitation.objects.filter(pk=invitation.pk).update(used_at=NOW)

    run_together([naive_accept, naive_accept])

    assert Shop.objects.count() == 2


def test_two_tabs_accepting_at_once_create_one_shop(city):
    _, token = invite(city)
    lea = make_user(email="lea@example.fr")

    def accept():
        return owner_invitation_accept(token=token, user=lea, details=DETAILS, now=NOW)

    results, errors = run_together([accept, accept])

    assert len(results) == 1
    assert [type(error) for error in errors] == [OwnerInvitationUsed]
    assert Shop.objects.count() == 1
    assert OwnerInvitation.objects.get().shop == results[0]
    assert results[0].memberships.get().user == lea

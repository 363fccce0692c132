"""The database refuses outbox rows the services never write (STYLE rule 5)."""

import pytest
from django.utils import timezone

from comptoir.domain.notifications.models import OutboundEmail
from tests.domain.violations import refused_by

pytestmark = pytest.mark.django_db


def outbound(**fields) -> OutboundEmail:
    defaults = {"key": "order:1:accepted:customer", "to": "a@b.fr", "subject": "S", "body": "B"}
    return OutboundEmail.objects.create(**(defaults | fields))


def test_it_refuses_one_key_twice():
    outbound(to="a@b.fr")

    with refused_by(
        "notifications_outboundemail_key_unique", sqlite="notifications_outboundemail.key"
    ):
        outbound(to="c@d.fr")

    assert OutboundEmail.objects.count() == 1


def test_it_accepts_two_keys_for_one_reader():
    outbound(key="order:1:accepted:customer")
    outbound(key="order:1:ready:customer")

    assert OutboundEmail.objects.count() == 2


def test_it_refuses_an_email_without_a_key():
    with refused_by("notifications_outboundemail_key_not_empty"):
        outbound(key="")

    assert not OutboundEmail.objects.exists()


def test_it_accepts_a_one_character_key():
    outbound(key="k")

    assert OutboundEmail.objects.get().key == "k"


def test_it_refuses_an_unknown_status():
    with refused_by("notifications_outboundemail_status_valid"):
        outbound(status="queued")

    assert not OutboundEmail.objects.exists()


def test_it_accepts_each_status():
    outbound(key="a", status="pending")
    outbound(key="b", status="sent", sent_at=timezone.now())
    outbound(key="c", status="failed")

    assert OutboundEmail.objects.count() == 3


def test_it_refuses_a_sent_email_without_its_sending_time():
    with refused_by("notifications_outboundemail_sent_at_iff_sent"):
        outbound(status="sent")

    assert not OutboundEmail.objects.exists()


def test_it_refuses_a_sending_time_on_an_email_not_sent():
    with refused_by("notifications_outboundemail_sent_at_iff_sent"):
        outbound(status="pending", sent_at=timezone.now())
    with refused_by("notifications_outboundemail_sent_at_iff_sent"):
        outbound(status="failed", sent_at=timezone.now())

    assert not OutboundEmail.objects.exists()

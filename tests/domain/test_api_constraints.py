"""The database refuses idempotency records that make no sense (the API's own table)."""

from datetime import UTC, datetime, timedelta

import pytest

from comptoir.interfaces.api.models import IdempotentRequest
from tests.domain.violations import refused_by
from tests.factories import make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def make_record(**fields):
    defaults = {
        "key": "k-1",
        "fingerprint": "f" * 64,
        "state": "running",
        "lease_until": NOW + timedelta(seconds=60),
        "created_at": NOW,
    }
    user = fields.pop("user", None) or make_user()
    return IdempotentRequest.objects.create(user=user, **(defaults | fields))


def test_it_refuses_two_records_of_one_key_for_one_user():
    first = make_record()

    with refused_by(
        "api_idempotentrequest_one_per_key",
        sqlite="UNIQUE constraint failed: api_idempotentrequest.user_id, api_idempotentrequest.key",
    ):
        make_record(user=first.user)

    assert IdempotentRequest.objects.count() == 1


def test_it_accepts_one_key_for_two_users():
    make_record()
    make_record()

    assert IdempotentRequest.objects.count() == 2


def test_it_refuses_an_unknown_state():
    with refused_by("api_idempotentrequest_state_valid"):
        make_record(state="lost", status=200)


def test_it_refuses_a_done_record_without_its_answer():
    with refused_by("api_idempotentrequest_done_has_status"):
        make_record(state="done", status=None)


def test_it_accepts_a_done_record_with_its_answer_and_a_running_one_without():
    make_record(state="done", status=201, body="{}")
    make_record(state="running", status=None)

    assert IdempotentRequest.objects.count() == 2

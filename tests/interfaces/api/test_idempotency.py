"""`Idempotency-Key` on checkout (issue #5 point 4): a retry never orders twice.

Same key and body → the first answer byte for byte and one set of orders;
same key, other body → 422; two requests at once with one key → one runs,
the other gets 409; keys are forgotten after 24 hours. The concurrency tests
come with their control: without the "running" row, both requests run the
operation.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from comptoir.domain.orders.models import Checkout, Order
from comptoir.interfaces.api import idempotency
from comptoir.interfaces.api.models import IdempotentRequest
from comptoir.interfaces.api.routes import customer as customer_routes
from tests.domain.orders.support import COLLECT_AT, DELIVER_AT, NOW, make_scene
from tests.interfaces.api.conftest import ApiClient, token_for

CHECKOUT = "/api/v1/cities/rouen/checkout"


@pytest.fixture
def scene(city, monkeypatch):
    monkeypatch.setattr(customer_routes, "clock", lambda: NOW)
    return make_scene(city)


@pytest.fixture
def api(scene) -> ApiClient:
    return ApiClient(token=token_for(scene.customer))


def body(scene, **changes: Any) -> dict[str, Any]:
    data = {
        "contact": {"name": "Camille Martin", "email": "camille@example.fr", "phone": "0612345678"},
        "choices": [
            {
                "shop_id": scene.bakery.pk,
                "kind": "collect",
                "slot_starts_at": COLLECT_AT.isoformat(),
            },
            {
                "shop_id": scene.cheese.pk,
                "kind": "delivery",
                "slot_starts_at": DELIVER_AT.isoformat(),
                "address": {
                    "line1": "12 rue Beauvoisine",
                    "postal_code": "76000",
                    "locality": "Rouen",
                    "latitude": "49.444000",
                    "longitude": "1.095000",
                },
            },
        ],
    }
    return data | changes


def key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


def assert_problem(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert (problem["status"], problem["code"]) == (status, code)
    return problem


@pytest.mark.django_db
class TestRetries:
    def test_a_retry_with_the_same_key_and_body_gets_the_same_answer_and_orders_once(
        self, scene, api
    ):
        first = api.post(CHECKOUT, body(scene), **key("k-1"))
        again = api.post(CHECKOUT, body(scene), **key("k-1"))

        assert first.status_code == again.status_code == 201
        assert again.content == first.content
        assert again["Idempotent-Replayed"] == "true"
        assert "Idempotent-Replayed" not in first
        assert Checkout.objects.count() == 1
        assert Order.objects.count() == 2
        assert len(first.json()["orders"]) == 2

    def test_the_same_key_with_another_body_is_refused_and_orders_nothing_more(self, scene, api):
        api.post(CHECKOUT, body(scene), **key("k-1"))
        other = body(
            scene,
            contact={"name": "Quelqu'un d'autre", "email": "x@example.fr", "phone": "0611111111"},
        )

        problem = assert_problem(
            api.post(CHECKOUT, other, **key("k-1")), 422, "idempotency_key_reused"
        )

        assert "another request" in problem["detail"]
        assert Order.objects.count() == 2

    def test_keys_belong_to_one_user(self, scene, api):
        from tests.factories import make_user

        api.post(CHECKOUT, body(scene), **key("shared"))
        stranger = ApiClient(token=token_for(make_user()))

        # Another user's key is theirs: no replay of Camille's orders to a stranger.
        answer = stranger.post(CHECKOUT, body(scene), **key("shared"))

        assert_problem(answer, 409, "empty_basket")
        assert IdempotentRequest.objects.filter(key="shared").count() == 2

    def test_a_refusal_is_kept_and_replayed_too(self, scene, api):
        scene.baguette.stock = 1
        scene.baguette.save(update_fields=["stock"])

        first = api.post(CHECKOUT, body(scene), **key("k-1"))
        scene.baguette.stock = 10
        scene.baguette.save(update_fields=["stock"])
        again = api.post(CHECKOUT, body(scene), **key("k-1"))

        assert_problem(first, 409, "out_of_stock")
        assert again.content == first.content
        assert again.status_code == 409
        assert Order.objects.count() == 0
        # A new attempt is a new key, and works now.
        assert api.post(CHECKOUT, body(scene), **key("k-2")).status_code == 201

    def test_a_crash_forgets_the_key_so_that_a_retry_runs_again(self, scene, api, monkeypatch):
        real = customer_routes.checkout_place

        def crash(**kwargs):
            raise RuntimeError("the server fell over")

        monkeypatch.setattr(customer_routes, "checkout_place", crash)
        api.client.raise_request_exception = False
        assert api.post(CHECKOUT, body(scene), **key("k-1")).status_code == 500
        assert not IdempotentRequest.objects.exists()

        monkeypatch.setattr(customer_routes, "checkout_place", real)
        assert api.post(CHECKOUT, body(scene), **key("k-1")).status_code == 201
        assert Order.objects.count() == 2

    def test_a_request_whose_process_died_is_taken_over_after_its_lease_without_ordering_twice(
        self, scene, api, monkeypatch
    ):
        first = api.post(CHECKOUT, body(scene), **key("k-1"))
        # As if the process had died after placing the orders, before storing the answer.
        IdempotentRequest.objects.update(
            state=IdempotentRequest.State.RUNNING,
            status=None,
            body="",
            lease_until=timezone.now() - timedelta(seconds=1),
        )

        again = api.post(CHECKOUT, body(scene), **key("k-1"))

        assert again.status_code == 201
        assert again.json()["orders"] == first.json()["orders"]
        assert Order.objects.count() == 2

    def test_a_running_request_within_its_lease_answers_409_with_retry_after(self, scene, api):
        api.post(CHECKOUT, body(scene), **key("k-1"))
        IdempotentRequest.objects.update(
            state=IdempotentRequest.State.RUNNING,
            status=None,
            body="",
            lease_until=timezone.now() + timedelta(seconds=30),
        )

        answer = api.post(CHECKOUT, body(scene), **key("k-1"))

        assert_problem(answer, 409, "idempotency_request_in_progress")
        assert answer["Retry-After"] == "1"

    def test_keys_are_forgotten_after_24_hours(self, scene, api):
        api.post(CHECKOUT, body(scene), **key("k-1"))
        IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=24, seconds=1))

        # The old key is free again: another body is no longer "reused".
        other = body(
            scene,
            contact={"name": "Camille M.", "email": "camille@example.fr", "phone": "0612345678"},
        )
        answer = api.post(CHECKOUT, other, **key("k-1"))

        assert_problem(answer, 409, "empty_basket")  # it ran: the basket was already ordered
        assert IdempotentRequest.objects.get(key="k-1").created_at > timezone.now() - timedelta(
            minutes=1
        )

    def test_the_purge_forgets_only_keys_older_than_24_hours(self, scene, api):
        api.post(CHECKOUT, body(scene), **key("old"))
        api.post(CHECKOUT, body(scene), **key("new"))
        IdempotentRequest.objects.filter(key="old").update(
            created_at=timezone.now() - timedelta(hours=25)
        )

        assert idempotency.idempotency_purge(now=timezone.now()) == 1
        assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]

    def test_a_checkout_without_a_key_is_refused_before_anything_runs(self, scene, api):
        problem = assert_problem(api.post(CHECKOUT, body(scene)), 428, "idempotency_key_missing")

        assert "Idempotency-Key" in problem["detail"]
        assert Order.objects.count() == 0

    @pytest.mark.parametrize("bad", ["x" * 256, "clé-accentuée", "tab\there"])
    def test_a_malformed_key_is_refused(self, scene, api, bad):
        assert_problem(api.post(CHECKOUT, body(scene), **key(bad)), 422, "idempotency_key_invalid")
        assert Order.objects.count() == 0


# --- Two requests at once -------------------------------------------------------------


def _in_thread(results: list, api: ApiClient, data: dict, idem: str) -> threading.Thread:
    def run() -> None:
        try:
            response = api.post(CHECKOUT, data, **key(idem))
            results.append((response.status_code, response.content))
        finally:
            close_old_connections()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
class TestConcurrentRequests:
    def _hold_the_first_checkout(self, monkeypatch):
        """Forced interleaving: the first checkout waits inside until released."""
        entered, release = threading.Event(), threading.Event()
        runs: list[int] = []
        real = customer_routes.checkout_place

        def slow(**kwargs):
            runs.append(1)
            if len(runs) == 1:
                entered.set()
                assert release.wait(10)
            return real(**kwargs)

        monkeypatch.setattr(customer_routes, "checkout_place", slow)
        return entered, release, runs

    def test_a_second_request_while_the_first_runs_gets_409_and_the_operation_runs_once(
        self, scene, api, monkeypatch
    ):
        entered, release, runs = self._hold_the_first_checkout(monkeypatch)
        results: list = []
        first = _in_thread(results, api, body(scene), "k-1")
        assert entered.wait(10)

        second = api.post(CHECKOUT, body(scene), **key("k-1"))
        release.set()
        first.join(10)

        assert_problem(second, 409, "idempotency_request_in_progress")
        assert second["Retry-After"] == "1"
        assert results[0][0] == 201
        assert len(runs) == 1
        assert Order.objects.count() == 2

    def test_control_without_the_running_row_both_requests_run_the_operation(
        self, scene, api, monkeypatch
    ):
        # The guard removed: every request claims the key as if it were new.
        def no_guard(*, user, key, fingerprint, now):
            return IdempotentRequest(
                user=user,
                key=key,
                fingerprint=fingerprint,
                state="running",
                lease_until=now,
                created_at=now,
            )

        monkeypatch.setattr(idempotency, "_claim", no_guard)
        entered, release, runs = self._hold_the_first_checkout(monkeypatch)
        results: list = []
        first = _in_thread(results, api, body(scene), "k-1")
        assert entered.wait(10)

        second = api.post(CHECKOUT, body(scene), **key("k-1"))
        release.set()
        first.join(10)

        # The race is real: the operation ran twice, and the held request
        # then answers something else than the first answer (an empty basket).
        assert len(runs) == 2
        assert second.status_code == 201
        assert results[0][0] == 409
        assert b"empty_basket" in results[0][1]

    def test_eight_requests_at_once_with_one_key_place_one_set_of_orders(self, scene, api):
        barrier = threading.Barrier(8)
        results: list = []

        def run() -> None:
            try:
                barrier.wait(10)
                response = api.post(CHECKOUT, body(scene), **key("k-1"))
                results.append((response.status_code, response.content))
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)

        statuses = sorted(status for status, _ in results)
        assert len(results) == 8
        assert set(statuses) <= {201, 409}
        assert statuses.count(201) >= 1
        # Every 201 is the same answer: the one set of orders.
        assert len({content for status, content in results if status == 201}) == 1
        assert Checkout.objects.count() == 1
        assert Order.objects.count() == 2

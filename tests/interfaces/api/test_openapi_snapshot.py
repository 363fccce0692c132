"""The committed OpenAPI document (docs/api/openapi.json) is the one the API serves.

App developers and outside tools read the committed file: a change to the API
that forgets `make openapi` fails here, and the diff of the file shows in
review what the change does to the contract.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

from django.conf import settings
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

from comptoir.interfaces.api.openapi import PROBLEM, snapshot_text
from comptoir.interfaces.api.openapi_streams import STREAM_PATHS
from comptoir.interfaces.api.urls import openapi_schema

SNAPSHOT = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"
METHODS = {"get", "put", "post", "delete", "patch"}


def _operations(schema):
    """The operations ninja serves (the live streams, documented by hand, are not rate
    limited and take no input: tests/interfaces/api/test_live_streams.py)."""
    for path, item in schema["paths"].items():
        if path in STREAM_PATHS:
            continue
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def test_the_committed_schema_is_the_served_one(client):
    served = client.get("/api/openapi.json").json()
    live = snapshot_text(served)
    committed = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    if live != committed:
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    live.splitlines(keepends=True),
                    "docs/api/openapi.json (committed)",
                    "/api/openapi.json (served)",
                )
            )[:80]
        )
        raise AssertionError(
            "The API's OpenAPI document changed: run `make openapi` and commit "
            f"docs/api/openapi.json.\n{diff}"
        )


def test_the_snapshot_is_stable():
    assert snapshot_text(openapi_schema()) == snapshot_text(openapi_schema())


def test_the_schema_is_valid_openapi_3_1():
    schema = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.1.")
    errors = [
        f"{list(e.instance_path)}: {e.message}" for e in OPENAPI_31_VALIDATOR.iter_errors(schema)
    ]
    assert errors == []


def test_every_operation_documents_its_errors_as_problems():
    schema = openapi_schema()
    missing = []
    for name, operation in _operations(schema):
        responses = operation["responses"]
        expected = {"429"}
        if operation.get("security"):
            expected.add("401")
        if "{" in name:
            expected.add("404")
        if operation.get("parameters") or operation.get("requestBody"):
            expected.add("422")
        missing += [f"{name}: {status}" for status in sorted(expected - set(responses))]
        for status, response in responses.items():
            if int(status) >= 400:
                content = response.get("content", {})
                if list(content) != [PROBLEM] or content[PROBLEM]["schema"] != {
                    "$ref": "#/components/schemas/Problem"
                }:
                    missing.append(f"{name}: {status} is not a problem+json Problem")
    assert missing == []
    assert "Retry-After" in schema["paths"]["/api/v1/cities"]["get"]["responses"]["429"]["headers"]

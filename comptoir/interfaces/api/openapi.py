"""The OpenAPI document as clients read it: every error an operation can answer, documented.

ninja documents what a route declares in `response={...}`; the errors that
come from the API's own machinery are the same for every route, so they are
added here once rather than repeated on each one:

- 429 `rate_limited` everywhere (every route is throttled), with `Retry-After`;
- 422 `invalid_input` where there is input to refuse (parameters or a body),
  400 `malformed_request` where a JSON body may not parse;
- 401 `not_authenticated` on operations that need a token (with
  `WWW-Authenticate`), 403 `token_scope_mismatch` on those that need one kind;
- 404 `not_found` on operations with a path parameter naming something.

Every 4xx is `application/problem+json` with the `Problem` schema, whether the
route declared it or not (ninja would say `application/json`).

The document is committed as `docs/api/openapi.json` (`make openapi` rewrites
it; tests/interfaces/api/test_openapi_snapshot.py fails when it is stale).
"""

from __future__ import annotations

import copy
import json
from typing import Any

PROBLEM = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
#: Security schemes that accept a single kind of token (the other kind: 403).
SCOPED_SCHEMES = frozenset({"CustomerToken", "ShopToken"})
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

DESCRIPTIONS = {
    400: "The body is not valid JSON (`malformed_request`).",
    401: (
        "No valid token (`not_authenticated`: missing, unknown, expired or revoked), "
        "or wrong log-in details (`invalid_credentials`)."
    ),
    403: "Not allowed (`token_scope_mismatch`, `not_allowed_in_shop`…).",
    404: "Nothing here (`not_found`, `order_not_found`…), or not yours to see.",
    409: "Refused by the current state of things: retrying later may work.",
    422: "Input to fix (`invalid_input` with field `errors`, or a domain code).",
    428: "A required precondition header is missing (`idempotency_key_missing`).",
    429: "Too many requests (`rate_limited`, `login_throttled`…): see `Retry-After`.",
}
#: Errors of one operation's own domain that its route does not declare.
DOMAIN_ERRORS: dict[tuple[str, str], set[int]] = {
    ("post", "/api/v1/auth/tokens"): {401},  # invalid_credentials
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 1},
    }
}
WWW_AUTHENTICATE = {
    "WWW-Authenticate": {
        "description": 'Always `Bearer realm="comptoir"`.',
        "schema": {"type": "string"},
    }
}


def _problem_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": DESCRIPTIONS.get(status, "A problem (RFC 9457)."),
        "content": {PROBLEM: {"schema": PROBLEM_REF}},
    }
    if status == 429:
        response["headers"] = copy.deepcopy(RETRY_AFTER)
    elif status == 401:
        response["headers"] = copy.deepcopy(WWW_AUTHENTICATE)
    return response


def _machinery_errors(operation: dict[str, Any]) -> set[int]:
    """The error statuses the API's machinery can answer for this operation."""
    statuses = {429}
    parameters = operation.get("parameters", [])
    if parameters or "requestBody" in operation:
        statuses.add(422)
    if "requestBody" in operation:
        statuses.add(400)
    schemes = {name for requirement in operation.get("security", []) for name in requirement}
    if schemes:
        statuses.add(401)
    if schemes & SCOPED_SCHEMES:
        statuses.add(403)
    if any(parameter.get("in") == "path" for parameter in parameters):
        statuses.add(404)
    return statuses


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with every operation's error responses as problem+json (changed in place)."""
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            # ninja keys responses by int: JSON (and sorted dumps) want strings.
            responses = {str(code): value for code, value in operation.get("responses", {}).items()}
            declared = {int(code) for code in responses if code.isdigit() and int(code) >= 400}
            declared |= DOMAIN_ERRORS.get((method, path), set())
            for status in sorted(declared | _machinery_errors(operation)):
                responses[str(status)] = _problem_response(status)
            operation["responses"] = responses
    return schema


def snapshot_text(schema: dict[str, Any]) -> str:
    """The document as committed in docs/api/openapi.json: sorted keys, indented, stable."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

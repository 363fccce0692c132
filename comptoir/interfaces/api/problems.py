"""Every API error is one RFC 9457 problem+json body, with the domain's own error code.

```json
{"type": "tag:comptoir.fr,2026:problem/out_of_stock", "code": "out_of_stock",
 "title": "Conflict", "status": 409, "detail": "Baguette: sold out.",
 "errors": [{"field": "email", "message": "…"}]}
```

`code` is the stable `DomainError.code` the HTML pages use too (clients match
on it); `detail` is the message in the request's language (`Accept-Language`,
French by default); `errors` lists field errors when there are any. Domain
errors may add their own members (`changes` of `basket_changed`, `shortfalls`
of `out_of_stock`, `retry_at` of throttles). The HTTP status comes from the
error's kind: not found 404, not allowed 403, conflicts with the current
state 409, everything else the client must fix 422.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core.errors import DomainError, InvalidInput

CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "tag:comptoir.fr,2026:problem/"

STATUS_BY_CODE: dict[str, int] = {
    "invalid_credentials": 401,
    "not_allowed_in_shop": 403,
    "product_not_in_shop": 404,
    "token_scope_mismatch": 403,  # nosec B105 (an error code, not a password)
    "login_throttled": 429,
    "login_throttled_ip": 429,
    "login_link_throttled": 429,
    "idempotency_request_in_progress": 409,
    "idempotency_key_missing": 428,
}
#: Refusals caused by the current state of things (retrying later may work): 409.
CONFLICTS = frozenset(
    {
        "basket_changed",
        "out_of_stock",
        "sold_out",
        "shop_not_taking_orders",
        "shop_paused",
        "slot_unavailable",
        "slot_full",
        "quota_exceeded",
        "illegal_transition",
        "checkout_token_reused",
        "empty_basket",
        "product_not_on_sale",
        "account_has_open_orders",
        "account_is_last_shop_owner",
        "already_member",
        "last_owner",
        "email_already_used",
        "deal_not_available",
        "deal_not_started",
        "deal_expired",
        "deal_outside_hours",
        "deal_sold_out",
        "voucher_limit_reached",
        "voucher_already_redeemed",
        "voucher_not_usable_here",
        "voucher_changed",
    }
)

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    422: "Unprocessable Content",
    428: "Precondition Required",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def status_of(error: DomainError) -> int:
    if error.code in STATUS_BY_CODE:
        return STATUS_BY_CODE[error.code]
    if error.code.endswith("_not_found"):
        return 404
    if error.code in CONFLICTS:
        return 409
    return 422


def problem(
    *,
    status: int,
    code: str,
    detail: str,
    errors: Sequence[dict[str, str]] = (),
    extra: dict[str, Any] | None = None,
    retry_after: float | None = None,
) -> HttpResponse:
    """The problem+json response; `retry_after` (seconds) also sets the header."""
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + code,
        "code": code,
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = list(errors)
    body.update(extra or {})
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=status,
        content_type=CONTENT_TYPE,
    )
    if retry_after is not None:
        response["Retry-After"] = str(max(1, math.ceil(retry_after)))
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="comptoir"'
    return response


def _extra_of(error: DomainError) -> dict[str, Any]:
    """What a client needs beyond the message, per error (machine-readable)."""
    extra: dict[str, Any] = {}
    changes = getattr(error, "changes", None)
    if changes:
        extra["changes"] = [
            {
                "product_id": change.product_id,
                "kind": change.kind,
                "name": change.product,
                **({"old": str(change.old)} if getattr(change, "old", None) is not None else {}),
                **({"new": str(change.new)} if getattr(change, "new", None) is not None else {}),
            }
            for change in changes
        ]
    shortfalls = getattr(error, "shortfalls", None)
    if shortfalls:
        extra["shortfalls"] = [
            {
                "product_id": s.product_id,
                "name": s.product,
                "wanted": s.wanted,
                "available": s.available,
            }
            for s in shortfalls
        ]
    retry_at = getattr(error, "retry_at", None)
    if isinstance(retry_at, datetime):
        extra["retry_at"] = retry_at.isoformat()
    return extra


def problem_for(error: DomainError) -> HttpResponse:
    """The response for a domain error, in the active language."""
    status = status_of(error)
    errors: list[dict[str, str]] = []
    if isinstance(error, InvalidInput):
        errors = [
            {"field": field, "message": message}
            for field, messages in error.errors.items()
            for message in messages
        ]
    elif error.field:
        errors = [{"field": error.field, "message": str(error)}]
    retry_at = getattr(error, "retry_at", None)
    retry_after = (
        (retry_at - timezone.now()).total_seconds() if isinstance(retry_at, datetime) else None
    )
    if status == 409 and error.code == "idempotency_request_in_progress":
        retry_after = 1
    return problem(
        status=status,
        code=error.code,
        detail=str(error),
        errors=errors,
        extra=_extra_of(error),
        retry_after=retry_after,
    )


#: pydantic's error types, in the request's language (its own messages are English only).
#: Placeholders are filled from the error's `ctx`; types not listed keep pydantic's text.
FIELD_MESSAGES: dict[str, Any] = {
    "missing": gettext_lazy("This field is required."),
    "string_type": gettext_lazy("Enter a text."),
    "string_too_short": gettext_lazy("Enter at least %(min_length)s characters."),
    "string_too_long": gettext_lazy("Enter at most %(max_length)s characters."),
    "too_short": gettext_lazy("Give at least %(min_length)s items."),
    "too_long": gettext_lazy("Give at most %(max_length)s items."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "float_type": gettext_lazy("Enter a number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "decimal_type": gettext_lazy("Enter a number."),
    "decimal_parsing": gettext_lazy("Enter a number."),
    "decimal_max_places": gettext_lazy("Use at most %(decimal_places)s decimal places."),
    "decimal_max_digits": gettext_lazy("Use at most %(max_digits)s digits."),
    "bool_type": gettext_lazy("Enter true or false."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "greater_than": gettext_lazy("Enter a value greater than %(gt)s."),
    "greater_than_equal": gettext_lazy("Enter a value greater than or equal to %(ge)s."),
    "less_than": gettext_lazy("Enter a value less than %(lt)s."),
    "less_than_equal": gettext_lazy("Enter a value less than or equal to %(le)s."),
    "literal_error": gettext_lazy("Choose one of: %(expected)s."),
    "enum": gettext_lazy("Choose one of: %(expected)s."),
    "date_type": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "date_parsing": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "datetime_type": gettext_lazy("Enter a date and time in ISO 8601 (2026-11-26T17:30:00+01:00)."),
    "datetime_parsing": gettext_lazy(
        "Enter a date and time in ISO 8601 (2026-11-26T17:30:00+01:00)."
    ),
    "datetime_from_date_parsing": gettext_lazy(
        "Enter a date and time in ISO 8601 (2026-11-26T17:30:00+01:00)."
    ),
    "list_type": gettext_lazy("Give a list."),
    "model_type": gettext_lazy("Give an object."),
    "model_attributes_type": gettext_lazy("Give an object."),
    "dict_type": gettext_lazy("Give an object."),
}


def field_message(item: dict[str, Any]) -> str:
    """One pydantic error as a sentence in the active language (pydantic's English otherwise)."""
    if item.get("type") == "value_error" and "error" in (item.get("ctx") or {}):
        # Our own validators' messages, already translated, without pydantic's "Value error, ".
        return str(item["ctx"]["error"])
    message = FIELD_MESSAGES.get(str(item.get("type")))
    if message is None:
        return str(item.get("msg"))
    context = {key: str(value) for key, value in (item.get("ctx") or {}).items()}
    try:
        return str(message) % context if "%(" in str(message) else str(message)
    except (KeyError, ValueError, TypeError):  # a context pydantic did not give
        return str(item.get("msg"))


def validation_problem(request: HttpRequest, details: list[dict[str, Any]]) -> HttpResponse:
    """422 for input the schemas refuse (pydantic), one entry per field."""
    errors = []
    for item in details:
        location = [str(part) for part in item.get("loc", ()) if part not in ("body", "payload")]
        errors.append({"field": ".".join(location) or "__all__", "message": field_message(item)})
    return problem(
        status=422,
        code="invalid_input",
        detail=_("Some of the information given is not valid."),
        errors=errors,
    )

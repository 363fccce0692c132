"""The API object: version 1 of Comptoir's JSON API, its routers and its error handling.

Mounted at `/api/v1/`; the OpenAPI 3.1 document is served at
`/api/openapi.json` and browsable docs at `/api/docs` (see `urls.py`). Every
error leaves here as problem+json (`problems.py`); every route is rate
limited per client IP and per token (`throttles.py`).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.schema import OpenAPISchema

from comptoir.core.errors import DomainError
from comptoir.interfaces.api.openapi import document_problems
from comptoir.interfaces.api.openapi_streams import STREAM_PATHS
from comptoir.interfaces.api.problems import problem, problem_for, validation_problem
from comptoir.interfaces.api.routes import account, auth, catalogue, customer, deals, shop
from comptoir.interfaces.api.throttles import IpThrottle, TokenThrottle

DESCRIPTION = """
The JSON API of Comptoir, the marketplace of a city's independent shops, for
the smartphone apps. The pages of the site and this API call the same
services: every rule (stock, slots, prices, who may do what) is the same.

**Auth.** `POST /api/v1/auth/tokens` with an e-mail and password gives a
bearer token: send it as `Authorization: Bearer cpt_…`. A token acts as the
customer, or (asked with `shop_id`) in one shop with the user's role there.
Cookies are never read: no CSRF.

**Errors** are RFC 9457 `application/problem+json` with a stable `code`
(`out_of_stock`, `slot_full`, `shop_paused`, `outside_delivery_zone`,
`basket_changed`…), a `detail` in the language of `Accept-Language` (French
by default) and field `errors`.

**Retries.** `POST …/checkout` needs an `Idempotency-Key` header: a retry
with the same key and body gets the first answer and orders nothing twice.

**Conventions.** Money as `{"amount": "3.20", "currency": "EUR"}`; times in
ISO 8601 with the city's offset; lists as `{"results", "next"}` with an
opaque cursor. Limits: 429 with `Retry-After`.
"""


class ComptoirAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """ninja's document, plus the errors every route can answer (see `openapi.py`)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_problems(schema)
        # The live streams are served by the ASGI app, not ninja: documented here.
        schema["paths"].update(STREAM_PATHS)
        return schema


api = ComptoirAPI(
    title="Comptoir API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    openapi_url=None,  # served at /api/openapi.json by urls.py
    docs_url=None,
    throttle=[IpThrottle(), TokenThrottle()],
)
api.add_router("/auth", auth.router)
api.add_router("/", account.router)
api.add_router("/", catalogue.router)
api.add_router("/", customer.router)
api.add_router("/shop", shop.router)
api.add_router("/", deals.customer_router)
api.add_router("/shop", deals.shop_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return problem_for(exc)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return validation_problem(request, list(exc.errors))


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        status=401,
        code="not_authenticated",
        detail=_(
            "A valid token is needed: send `Authorization: Bearer <token>` "
            "(get one from POST /api/v1/auth/tokens)."
        ),
    )


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return problem(
        status=429,
        code="rate_limited",
        detail=_("Too many requests: slow down and try again in a moment."),
        retry_after=exc.wait or 1,
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(status=404, code="not_found", detail=_("There is nothing here."))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # ninja's "Cannot parse request body"
        return problem(
            status=400,
            code="malformed_request",
            detail=_("The request body is not valid JSON."),
        )
    return problem(status=exc.status_code, code="http_error", detail=str(exc.message))

"""`/api/v1/…` routes, `/api/openapi.json` (the contract) and `/api/docs` (browsable)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from comptoir.interfaces.api.main import api
from comptoir.interfaces.api.problems import problem

PREFIX = "/api/v1"


def openapi_schema() -> dict[str, Any]:
    """The OpenAPI 3.1 document, as served and as committed in docs/api/openapi.json."""
    return dict(api.get_openapi_schema(path_prefix=PREFIX))


def openapi(request: HttpRequest) -> HttpResponse:
    return JsonResponse(openapi_schema(), json_dumps_params={"ensure_ascii": False})


def docs(request: HttpRequest) -> HttpResponse:
    return render(request, "api/docs.html", {"openapi_url": "/api/openapi.json"})


@csrf_exempt  # a request that names nothing changes nothing; and the API reads no cookie
def unknown(request: HttpRequest) -> HttpResponse:
    """A URL under /api/v1/ that names no route (or an id of the wrong type): problem+json."""
    return problem(status=404, code="not_found", detail=_("There is nothing here."))


urlpatterns = [
    path("openapi.json", openapi, name="api_openapi"),
    path("docs", docs, name="api_docs"),
    path("v1/", api.urls),
    re_path(r"^v1/", unknown),
]

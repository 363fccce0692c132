"""What the access walks share: the URL conf's named routes, and a snapshot of every table.

tests/interfaces/test_shop_access.py walks the shop side,
tests/interfaces/test_customer_access.py the customer side; both request
every discovered route as people who must be turned away, then compare
`snapshot()` before and after.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver


def named_routes() -> list[tuple[str, str]]:
    """Every named route of the URL conf as (pattern, "namespace:name"), includes flattened."""
    return _walk(get_resolver().url_patterns, "", None)


def _walk(patterns: list[Any], prefix: str, namespace: str | None) -> list[tuple[str, str]]:
    found = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            found += _walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((route, f"{namespace}:{entry.name}" if namespace else entry.name))
    return found


def route_params(route: str) -> tuple[str, ...]:
    """The parameter names of a route pattern: "orders/<str:number>/" gives ("number",)."""
    return tuple(part.split(">")[0].split(":")[-1] for part in route.split("<")[1:])


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every Comptoir table (sessions and tasks are not Comptoir's)."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model.__module__.startswith("comptoir.")
    }

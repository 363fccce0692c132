"""`{% live_streams_served as live %}`: may this page open a /live/ stream?

The /live/ streams are served by the ASGI entry point (comptoir.config.asgi),
which hands pages to Django through its WSGI bridge
(comptoir/core/wsgi_bridge.py): such requests carry `asgi.scope` in their
environ. A page served by plain WSGI (the test live
server, `runserver`) has no streams next to it; live pages then fall back to
re-reading their state on a timer rather than failing to connect.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

register = template.Library()


def live_streams_served(request: HttpRequest | None) -> bool:
    return request is not None and "asgi.scope" in request.META


@register.simple_tag(takes_context=True, name="live_streams_served")
def live_streams_served_tag(context: dict[str, Any]) -> bool:
    return live_streams_served(context.get("request"))

"""Rate limits: per token and per client IP, answered with 429 and `Retry-After`.

Fixed one-minute windows counted in Django's cache with `add` + `incr`, both
atomic in Redis (set `REDIS_URL`: every process shares the counts) and in the
per-process memory cache (each process then counts on its own: limits are
per process, fine on one machine). The client IP is `REMOTE_ADDR` only: a
client can forge `X-Forwarded-For`, so a proxy in front must rewrite
REMOTE_ADDR itself (see `interfaces/accounts/login.py client_ip`).

Limits come from `settings.API_RATE_LIMITS` (requests per minute; 0 turns one
off): {"ip": 600, "token": 300} by default.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from comptoir.interfaces.accounts.login import client_ip

WINDOW_SECONDS = 60


class _WindowThrottle(BaseThrottle):
    scope = ""

    def ident(self, request: HttpRequest) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: HttpRequest) -> bool:
        limit = int(settings.API_RATE_LIMITS.get(self.scope, 0))
        ident = self.ident(request)
        if not limit or ident is None:
            return True
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"api-rate:{self.scope}:{hashlib.sha256(ident.encode()).hexdigest()[:32]}:{window}"
        cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.add(key, 1, timeout=WINDOW_SECONDS * 2)
            count = 1
        return count <= limit

    def wait(self) -> float | None:
        # Stateless (one instance serves every request): the window's end.
        return WINDOW_SECONDS - time.time() % WINDOW_SECONDS


class IpThrottle(_WindowThrottle):
    scope = "ip"

    def ident(self, request: HttpRequest) -> str | None:
        return client_ip(request)


class TokenThrottle(_WindowThrottle):
    scope = "token"

    def ident(self, request: HttpRequest) -> str | None:
        token = getattr(request, "auth", None)
        return f"token:{token.pk}" if token is not None and hasattr(token, "pk") else None

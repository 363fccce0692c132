"""Pages compressed at gzip level 1: Django's `GZipMiddleware`, three times faster.

Django compresses whole responses at level 6. On a shop page of 59 products
(73 KB of HTML) that takes ~0.67 ms, a fifth of a page served from the cache;
level 1 takes ~0.19 ms and sends 6.9 KB instead of 5.8 KB (measured on the
benchmark city, docs/benchmarks.md). Both fit in the first round trip of a
new connection (TCP's initial window is ten segments, ~14 KB), so a phone
waits no longer for the page.

Everything else is Django's: responses under 200 bytes or already encoded
are left alone, `Vary: Accept-Encoding` is set, a strong ETag turns weak,
the compressed body is kept only when shorter, and a random-length file
name in the gzip header (`max_random_bytes`) blunts BREACH as Django's does.
Streaming responses go through Django's own code.
"""

from __future__ import annotations

import gzip
import secrets

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers

LEVEL = 1


def compress(content: bytes, *, max_random_bytes: int) -> bytes:
    """`content` gzipped at `LEVEL`, with a random-length file name as Django writes it."""
    compressed = gzip.compress(content, compresslevel=LEVEL, mtime=0)
    if not max_random_bytes:
        return compressed
    header = bytearray(compressed[:10])
    header[3] = gzip.FNAME
    filename = b"a" * secrets.randbelow(max_random_bytes) + b"\x00"
    return bytes(header) + filename + compressed[10:]


class GZipMiddleware(DjangoGZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.streaming or response.has_header("Content-Encoding"):
            return super().process_response(request, response)
        content: bytes = response.content  # type: ignore[attr-defined]
        if len(content) < 200:
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        compressed = compress(content, max_random_bytes=self.max_random_bytes)
        if len(compressed) >= len(content):
            return response
        response.content = compressed  # type: ignore[attr-defined]
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response

"""Uploaded media (/media/), served so that no uploaded file can ever run.

granian's static mount answers `evil.html` as `text/html` and `evil.svg` as
`image/svg+xml` (scripts included), with no way to add headers. So the ASGI
router sends /media/ here instead: only photo types are served (what
comptoir/core/images.py writes), each with its fixed image
content type, `X-Content-Type-Options: nosniff` (no browser guesses HTML) and
`Content-Security-Policy: default-src 'none'; sandbox` (even a file opened
directly runs nothing). Anything else, and anything outside MEDIA_ROOT, is a 404.
"""

from __future__ import annotations

import asyncio
from email.utils import formatdate
from pathlib import Path
from urllib.parse import unquote

from comptoir.core.live import Receive, Scope, Send, send_plain

#: The only types served, by file extension.
CONTENT_TYPES = {
    ".jpg": b"image/jpeg",
    ".jpeg": b"image/jpeg",
    ".png": b"image/png",
    ".webp": b"image/webp",
}
CHUNK_BYTES = 64 * 1024
MAX_AGE_SECONDS = 86400
SAFE_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", b"default-src 'none'; sandbox"),
    (b"cache-control", f"public, max-age={MAX_AGE_SECONDS}".encode()),
]


def media_file(root: Path, relative: str) -> Path | None:
    """The regular file under `root` named by `relative`, if it is a photo type."""
    if "\x00" in relative or Path(relative).suffix.lower() not in CONTENT_TYPES:
        return None
    if any(part.startswith(".") for part in relative.split("/")):
        return None
    base = root.resolve()
    path = (base / relative.lstrip("/")).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    return path


class MediaApp:
    """An ASGI app for the URLs under `prefix`, serving files of `root`."""

    def __init__(self, *, root: Path, prefix: str) -> None:
        self.root = root
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        if method not in {"GET", "HEAD"}:
            await send_plain(send, 405, "Method Not Allowed", [(b"allow", b"GET, HEAD")])
            return
        relative = unquote(scope["path"][len(self.prefix) :])
        path = await asyncio.to_thread(media_file, self.root, relative)
        if path is None:
            await send_plain(send, 404, "Not Found", [(b"x-content-type-options", b"nosniff")])
            return
        stat = path.stat()
        headers = [
            (b"content-type", CONTENT_TYPES[path.suffix.lower()]),
            (b"content-length", str(stat.st_size).encode()),
            (b"last-modified", formatdate(stat.st_mtime, usegmt=True).encode()),
            *SAFE_HEADERS,
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        if method == "HEAD":
            await send({"type": "http.response.body", "body": b""})
            return
        with path.open("rb") as file:
            while chunk := await asyncio.to_thread(file.read, CHUNK_BYTES):
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

"""Uploaded files on the local disk, with their URLs made without `urljoin`.

A shop page shows 50–60 product photos and asks the storage for each URL:
Django's `FileSystemStorage.url` quotes the name, then joins it to
MEDIA_URL with `urllib.parse.urljoin`, which parses both URLs each time
(~4 % of a shop page rendered afresh, docs/benchmarks.md). For a quoted
name without `.`, `..` or empty segments (urljoin resolves the first two and
drops the last), joining to a MEDIA_URL ending in `/` is plain
concatenation, so that is what `url` does; any other name still goes
through Django's code. Names with `?`, `#` or `:` cannot reach the join
unquoted (`filepath_to_uri` quotes them). tests/core/test_storage.py holds
the two to the same URLs.
"""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage
from django.utils.encoding import filepath_to_uri


class MediaStorage(FileSystemStorage):
    def url(self, name: str | None) -> str:
        base = self.base_url
        if name is None or not base or not base.endswith("/"):
            return super().url(name)
        path = filepath_to_uri(name).lstrip("/")
        # urljoin resolves `.` and `..` segments and drops empty ones.
        if "//" in path or ("." in path and _has_dot_segment(path)):
            return super().url(name)
        return base + path


def _has_dot_segment(path: str) -> bool:
    return any(segment in {".", ".."} for segment in path.split("/"))

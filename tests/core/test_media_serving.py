"""Uploaded media are served by a real server so that no uploaded file can run.

Photos come back with their image type, `nosniff` and a sandboxing CSP;
anything that a browser could execute (HTML, SVG, JavaScript…) or that lies
outside MEDIA_ROOT is a 404, whatever its name or content.
"""

from __future__ import annotations

import http.client
import shutil
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from comptoir.core.media import media_file
from tests.servers import running_server

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 300  # bigger than one 64 KiB chunk


def fetch(base_url: str, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    url = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        conn.close()


@pytest.fixture
def media_root() -> Iterator[Path]:
    root = Path(settings.MEDIA_ROOT) / "security-test"
    root.mkdir(parents=True, exist_ok=True)
    (root / "photo.jpg").write_bytes(PHOTO)
    (root / "evil.html").write_text("<script>alert(document.cookie)</script>")
    (root / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
    )
    (root / "evil.js").write_text("alert(1)")
    (root / "evil.jpg.html").write_text("<script>alert(1)</script>")
    (root / ".hidden.jpg").write_bytes(PHOTO)
    yield root
    shutil.rmtree(root)


def test_it_serves_photos_with_nosniff_and_a_sandbox(transactional_db, media_root):
    with running_server() as base_url:
        status, headers, body = fetch(base_url, "/media/security-test/photo.jpg")
        head_status, head_headers, head_body = fetch(
            base_url, "/media/security-test/photo.jpg", "HEAD"
        )

    assert (status, body) == (200, PHOTO)
    assert headers["content-type"] == "image/jpeg"
    assert headers["content-length"] == str(len(PHOTO))
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert (head_status, head_body) == (200, b"")
    assert head_headers["content-type"] == "image/jpeg"


def test_it_never_serves_an_uploaded_file_a_browser_could_run(transactional_db, media_root):
    paths = [
        "/media/security-test/evil.html",
        "/media/security-test/evil.svg",
        "/media/security-test/evil.js",
        "/media/security-test/evil.jpg.html",
        "/media/security-test/.hidden.jpg",
        "/media/security-test/missing.jpg",
        "/media/security-test/%2e%2e/%2e%2e/secret_key",
        "/media/../secret_key",
    ]
    with running_server() as base_url:
        answers = {path: fetch(base_url, path) for path in paths}
        post_status = fetch(base_url, "/media/security-test/photo.jpg", "POST")[0]

    for path, (status, headers, body) in answers.items():
        assert status == 404, path
        assert headers["content-type"] == "text/plain; charset=utf-8", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert b"alert" not in body, path
    assert post_status == 405


def test_it_refuses_paths_that_leave_the_media_root(tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    (root / "photo.png").write_bytes(b"png")
    (tmp_path / "outside.png").write_bytes(b"png")
    (root / "link.png").symlink_to(tmp_path / "outside.png")

    assert media_file(root, "photo.png") == (root / "photo.png").resolve()
    assert media_file(root, "PHOTO.png") is None
    assert media_file(root, "../outside.png") is None
    assert media_file(root, "/../outside.png") is None
    assert media_file(root, "link.png") is None
    assert media_file(root, "photo.png\x00.html") is None

"""comptoir/core/storage.py: photo URLs without urljoin, exactly as Django makes them."""

import pytest
from django.core.files.storage import FileSystemStorage, storages

from comptoir.core.storage import MediaStorage

NAMES = [
    "products/2026/11/baguette-tradition.jpg",
    "/products/leading-slash.jpg",
    "//two/leading/slashes.png",
    "photos/épicerie fine/pain d'épices.webp",
    "a;b/c;d.jpg",
    "what?/is#this.jpg",
    "http://evil.example/x.jpg",
    "javascript:alert(1).jpg",
    "products/../../etc/passwd",
    "./here.jpg",
    "dir/./here.jpg",
    "dir/..",
    "..",
    "...jpg",
    "dir/.hidden/x.jpg",
    "trailing/",
    "back\\slash.jpg",
    "percent%20already.jpg",
    "%2e%2e/encoded-dots.jpg",
    "a/b/",
    "a//",
    "/",
    "x/.",
    "x/..",
    ".jpg",
    "a/./",
    "日本/写真.png",
    "",
]
BASES = ["/media/", "https://cdn.example.com/media/", "/", "/media", ""]


@pytest.mark.parametrize("base_url", BASES)
def test_it_gives_the_url_django_gives_for_every_name(base_url):
    django_storage = FileSystemStorage(base_url=base_url)
    ours = MediaStorage(base_url=base_url)
    for name in NAMES:
        assert ours.url(name) == django_storage.url(name), name


def test_it_is_the_default_storage():
    assert isinstance(storages["default"], MediaStorage)

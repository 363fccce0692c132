"""Slugs of French names: ligatures spelled out so "Bœuf" gives "boeuf", not "buf"."""

from __future__ import annotations

import functools

from django.utils.text import slugify

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})


@functools.lru_cache(maxsize=4096)
def french_slug(text: str) -> str:
    return slugify(text.translate(_LIGATURES))

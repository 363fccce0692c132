"""The site's public address, for links in e-mails sent without a request."""

from __future__ import annotations

from django.conf import settings


def site_url() -> str:
    """The public https origin (settings.SITE_URL, else https:// and the first allowed host)."""
    configured = settings.SITE_URL
    if configured:
        return configured.rstrip("/")
    hosts = [h for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")]
    return f"https://{hosts[0] if hosts else 'localhost'}"

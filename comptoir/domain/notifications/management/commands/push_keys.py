"""`manage.py push_keys`: print a fresh VAPID key pair as environment lines.

Production sets the three lines it prints (docs/configuration.md). Changing
the pair later invalidates every phone's subscription: browsers bind a
subscription to the public key they subscribed with.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from comptoir.domain.notifications.vapid import generate_vapid_keys


class Command(BaseCommand):
    help = "Generate a VAPID key pair for Web Push and print it as environment variables."

    def handle(self, *args: Any, **options: Any) -> None:
        keys = generate_vapid_keys()
        self.stdout.write(f"VAPID_PUBLIC_KEY={keys.public_key}")
        self.stdout.write(f"VAPID_PRIVATE_KEY={keys.private_key}")
        self.stdout.write(f"VAPID_SUBJECT={settings.VAPID_SUBJECT}")

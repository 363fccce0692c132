"""Production mail settings: an SMTP conversation cannot outlive the outbox's lease."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core import mail
backend = mail.mailers["default"]
print(json.dumps({"backend": type(backend).__module__, "timeout": backend.timeout,
                  "host": backend.host, "lease": settings.EMAIL_OUTBOX_LEASE_SECONDS}))
"""


def probe(**env: str) -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "comptoir.config.settings"} | env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_the_smtp_backend_gives_up_well_before_the_outbox_lease():
    found = probe(
        MAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", MAIL_HOST="smtp.example.org"
    )

    assert found["backend"] == "django.core.mail.backends.smtp"
    assert found["host"] == "smtp.example.org"
    assert found["timeout"] == 60
    assert found["timeout"] < found["lease"] / 2

"""WSGI entry point: every page goes through Django's (fast) WSGI handler."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.config.settings")

application = get_wsgi_application()

"""The reference apps of bench/serving.py: what a page costs with nothing else in the way.

- `raw`: a raw ASGI app answering a fixed JSON body (the server's own ceiling);
- `settings`/`urls`/`views`: a minimal Django project (no database, no
  middleware) with one tiny JSON view, `/hello`, and an async Server-Sent
  Events view, `/sse`, for the per-connection cost of Django's ASGI handler;
- `wsgi`/`asgi`: that project as a WSGI and as an ASGI app;
- `router`: the same project behind Comptoir's own ASGI router, so the router's
  page path is compared on the exact same view.

Run with DJANGO_SETTINGS_MODULE=bench.apps.hello.settings.
"""

"""The reference page of bench/shop_page.py: a plain Django project, written as one usually is.

One app, `Category` (a shop's shelf, 50 products each) and `Product`
(name, slug, price, unit, description), 100,000 rows filled by `fill()`;
one page, `/shelf/<slug>/`, listing the 50 products of a category through a
normal Django template (`{% url %}` per product, a few filters, a base
template), served by gunicorn's sync worker. Django's default middleware and
template settings; persistent database connections, as any production
set-up has.

Environment: REFERENCE_DATABASE_URL (`sqlite:////path` or
`postgres://user@host:port/name`). Run with
DJANGO_SETTINGS_MODULE=bench.apps.reference_page.settings.
"""

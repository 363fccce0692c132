"""Live streams (Server-Sent Events) served by the native ASGI app, not by Django.

Not a Django app: no models, views or templates. `streams.py` answers the
/live/ routes of the pages, `access.py` decides, once per connection, who may
listen (from the session). `api_streams.py` answers the JSON API's event
streams (/api/v1/orders/<number>/events, /api/v1/shop/events), and
`api_access.py` decides from the bearer token, never from a cookie.
"""

"""Live streams (Server-Sent Events) served by the native ASGI app under /live/.

Not a Django app: no models, views or templates. `streams.py` answers the
routes; `access.py` decides, once per connection, who may listen.
"""

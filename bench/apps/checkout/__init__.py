"""Support code of bench/checkout.py: the raw ORM reference and the checkout city."""

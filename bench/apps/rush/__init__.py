"""Support code of bench/rush.py: seed.py (data, checks), client.py (virtual users), cpu.py."""

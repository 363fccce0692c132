"""Development tools: scripts run by the Makefile, and helpers that tests/ and bench/ share."""

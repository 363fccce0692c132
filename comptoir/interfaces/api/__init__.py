"""The JSON API (`/api/v1/`) for the smartphone apps, over the same services as the pages."""

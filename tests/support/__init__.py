"""Helpers shared by the tests: packs on disk, servers (gunicorn, nginx, Redis, PostgreSQL), the browser."""

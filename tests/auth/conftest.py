"""Shared fixtures live in tests/conftest.py (fresh `g` per request, `sign_in`)."""

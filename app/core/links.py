"""Absolute links people receive outside the page they are on: invite links and their QR codes, TV screen
links, (later) e-mails. One public address for all of them: PUBLIC_URL when it is set, so a link printed by
the CLI, or built behind a proxy whose internal host the request carries, still opens from a phone; else
the address of the current request; else the embedded server's default address (and the CLI says so)."""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for

FALLBACK_PUBLIC_URL = "http://127.0.0.1:5000"


def public_url_setting() -> str | None:
    """PUBLIC_URL without its trailing slash, or None when unset. A value that is no http(s) address is a
    set-up mistake that would print dead links on every invite: refuse it loudly."""
    value = (current_app.config.get("PUBLIC_URL") or "").strip().rstrip("/")
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RuntimeError(f"PUBLIC_URL must be an http:// or https:// address, not {value!r}.")
    return value


def base_url() -> str:
    """The address links start with, as external_url would use it now."""
    configured = public_url_setting()
    if configured:
        return configured
    if has_request_context():
        return url_for("home.landing", _external=True).rstrip("/")
    return FALLBACK_PUBLIC_URL


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` at the public address (see the module docstring)."""
    configured = public_url_setting()
    if configured is None and has_request_context():
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(configured or FALLBACK_PUBLIC_URL)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)

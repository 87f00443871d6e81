"""Settings: safe defaults, then the environment, then test overrides (see create_app)."""

import os
import secrets
from pathlib import Path

SUPPORTED_LOCALES = ("en", "it")


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Accept the URLs hosting platforms hand out and pick the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def instance_secret_key(instance_path: str) -> str:
    """A random key kept in the instance folder, so the embedded default needs no set-up
    and no key is ever committed or shared between installations."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def settings_from_environment(instance_path: str) -> dict:
    https = _bool("ASCENT_HTTPS")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'ascent.db'}"
    redis_url = os.environ.get("REDIS_URL") or None
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or instance_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        # The CSRF token lives as long as the session: a phone left on a page all shift must still post.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_NAME": "__Host-ascent" if https else "ascent_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_NAME": "__Host-ascent_remember" if https else "ascent_remember",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "ASCENT_HTTPS": https,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "DEFAULT_STORE_TIMEZONE": os.environ.get("DEFAULT_STORE_TIMEZONE", "Europe/Rome"),
        "INVITE_VALID_DAYS": int(os.environ.get("INVITE_VALID_DAYS", "14")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", str(8 * 1024 * 1024))),
        "IMPORT_MAX_ROWS": 5000,
        "PASSWORD_HASH_CONCURRENCY": int(os.environ.get("PASSWORD_HASH_CONCURRENCY", "2")),
        "PAGE_SIZE": 25,
        "POINTS_MAX_PER_AWARD": int(os.environ.get("POINTS_MAX_PER_AWARD", "200")),
        "POINTS_DAILY_CAP": int(os.environ.get("POINTS_DAILY_CAP", "300")),
    }

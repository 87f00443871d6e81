"""Settings: safe defaults, then the environment, then test overrides (see create_app)."""

import os
import secrets
from pathlib import Path

SUPPORTED_LOCALES = ("en", "it")
# The company's zone unless DEFAULT_STORE_TIMEZONE says otherwise; read it through app.core.timezones.
FALLBACK_STORE_TIMEZONE = "Europe/Rome"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _non_negative_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ValueError(f"{name} must be a whole number of 0 or more, not {value!r}")
    return int(value)


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
        # The Redis pub/sub channel the Socket.IO processes share; separate deployments on one Redis
        # (or parallel test runs) need separate channels: pub/sub ignores the database number.
        "SOCKETIO_CHANNEL": os.environ.get("SOCKETIO_CHANNEL", "ascent-socketio"),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Redis down: count in this process's memory (Flask-Limiter checks Redis again with back-off)
        # instead of answering 500 to every rate-limited request, sign-in and the API included.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        # Failed sign-ins per account and per device (app/auth/limits.py); the same per account and
        # device for setting a password through an invite or a reset.
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        # Sign-in attempts per client address: a whole store's phones share one public IP.
        "LOGIN_IP_RATE_LIMIT": os.environ.get("LOGIN_IP_RATE_LIMIT", "120 per minute;1000 per hour"),
        # "Forgot your password?" requests per account and per device: each one lands in HR's list.
        "RESET_REQUEST_RATE_LIMIT": os.environ.get("RESET_REQUEST_RATE_LIMIT", "3 per hour"),
        # Tries at one reset request's 6-digit code: a million codes, a handful of tries before it expires.
        "RESET_APPROVE_RATE_LIMIT": os.environ.get("RESET_APPROVE_RATE_LIMIT", "5 per 10 minutes"),
        # A pending reset, and an approved one, stay usable this long.
        "RESET_VALID_MINUTES": int(os.environ.get("RESET_VALID_MINUTES", "30")),
        # Password changes per signed-in person: a held session must not guess the current password,
        # and each try costs an argon2 verify that sign-ins queue behind.
        "PASSWORD_CHANGE_RATE_LIMIT": os.environ.get("PASSWORD_CHANGE_RATE_LIMIT", "5 per minute;20 per hour"),
        # How many reverse proxies in front of Ascent set X-Forwarded-For/-Proto (0: trust none, the
        # client's address is the connection's). See README "Running behind a proxy".
        "TRUSTED_PROXIES": _non_negative_int("TRUSTED_PROXIES", 0),
        # Per API token; a till integration closing the day in one burst may need more.
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "120 per minute"),
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
        "DEFAULT_STORE_TIMEZONE": os.environ.get("DEFAULT_STORE_TIMEZONE", FALLBACK_STORE_TIMEZONE),
        # The address people open Ascent at (https://ascent.example.com): every invite link, QR code and
        # TV link is built on it, from the CLI and behind a proxy alike (app/core/links.py).
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "").strip() or None,
        # The company's language: new administrators and people created from the shell speak it.
        "COMPANY_LANGUAGE": os.environ.get("COMPANY_LANGUAGE", "it").strip().lower(),
        "COMPANY_NAME": os.environ.get("COMPANY_NAME", "").strip(),
        "INVITE_VALID_DAYS": int(os.environ.get("INVITE_VALID_DAYS", "14")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", str(8 * 1024 * 1024))),
        "IMPORT_MAX_ROWS": 5000,
        "PASSWORD_HASH_CONCURRENCY": int(os.environ.get("PASSWORD_HASH_CONCURRENCY", "2")),
        "PAGE_SIZE": 25,
        # How long a process keeps what every page shows and rarely changes, a bell count, a board rank, a
        # store's team (app/core/shortcache.py): a person's own changes show at once, others' (another
        # worker, a job) within this many seconds. 0: nothing is kept.
        "SHORT_CACHE_SECONDS": float(os.environ.get("SHORT_CACHE_SECONDS", "5")),
        "POINTS_MAX_PER_AWARD": int(os.environ.get("POINTS_MAX_PER_AWARD", "200")),
        "POINTS_DAILY_CAP": int(os.environ.get("POINTS_DAILY_CAP", "300")),
        # Kudos may carry points from the giver's monthly budget, at most KUDOS_MAX_POINTS each.
        "KUDOS_MONTHLY_BUDGET": int(os.environ.get("KUDOS_MONTHLY_BUDGET", "50")),
        "KUDOS_MAX_POINTS": int(os.environ.get("KUDOS_MAX_POINTS", "20")),
        # Points to each of a store's people when the store reaches a KPI's daily or monthly target.
        "KPI_DAILY_TARGET_POINTS": int(os.environ.get("KPI_DAILY_TARGET_POINTS", "5")),
        "KPI_MONTHLY_TARGET_POINTS": int(os.environ.get("KPI_MONTHLY_TARGET_POINTS", "50")),
        # How far back (days, store time) store and district managers may enter KPI values, and how old a
        # period may be and still pay its target points: history loaded later never pays.
        "KPI_ENTRY_WINDOW_DAYS": int(os.environ.get("KPI_ENTRY_WINDOW_DAYS", "31")),
        # Background jobs (Huey). Storage: Redis when JOBS_REDIS_URL (or REDIS_URL) is set, else a SQLite
        # file beside the SQLite database (or instance/jobs.db). Immediate (run inline) in tests unless set.
        "JOBS_NAME": os.environ.get("JOBS_NAME", "ascent"),
        "JOBS_REDIS_URL": os.environ.get("JOBS_REDIS_URL") or redis_url,
        "JOBS_SQLITE_PATH": os.environ.get("JOBS_SQLITE_PATH") or None,
        "JOBS_IMMEDIATE": _bool("JOBS_IMMEDIATE") if "JOBS_IMMEDIATE" in os.environ else None,
        "JOBS_WORKERS": int(os.environ.get("JOBS_WORKERS", "2")),
        # Web push (VAPID). The key pair lives in the instance folder unless VAPID_PRIVATE_KEY (PEM, or the
        # raw base64url key) is given, which every web and worker process must then share.
        "VAPID_PRIVATE_KEY": os.environ.get("VAPID_PRIVATE_KEY") or None,
        "VAPID_PRIVATE_KEY_FILE": os.environ.get("VAPID_PRIVATE_KEY_FILE")
        or str(Path(instance_path) / "vapid_private.pem"),
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT", "mailto:push@example.com"),
        "PUSH_CONNECT_TIMEOUT": float(os.environ.get("PUSH_CONNECT_TIMEOUT", "3.05")),
        "PUSH_READ_TIMEOUT": float(os.environ.get("PUSH_READ_TIMEOUT", "10")),
        "PUSH_TTL_SECONDS": int(os.environ.get("PUSH_TTL_SECONDS", str(12 * 60 * 60))),
        # Push service hosts accepted besides the browsers' own (comma-separated; loopback only for tests).
        "PUSH_SERVICE_HOSTS": os.environ.get("PUSH_SERVICE_HOSTS", ""),
        # Nudges: defaults a person can change on their notification settings page.
        "NUDGE_DAILY_PUSH_CAP": int(os.environ.get("NUDGE_DAILY_PUSH_CAP", "5")),
        "NUDGE_QUIET_START": os.environ.get("NUDGE_QUIET_START", "21:00"),
        "NUDGE_QUIET_END": os.environ.get("NUDGE_QUIET_END", "08:00"),
        "NUDGE_STREAK_RISK_HOUR": int(os.environ.get("NUDGE_STREAK_RISK_HOUR", "19")),
        "NUDGE_DUE_REMINDER_HOUR": int(os.environ.get("NUDGE_DUE_REMINDER_HOUR", "9")),
    }

"""The VAPID key pair that signs every push. Made once (`flask --app wsgi push keys`) or on first use,
kept in the instance folder (never committed), or given as VAPID_PRIVATE_KEY to share between hosts."""

import os
import tempfile
import threading
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from flask import Flask, current_app
from py_vapid import Vapid
from py_vapid.utils import b64urlencode

_lock = threading.Lock()
_loaded: dict[str, Vapid] = {}


def ensure_key_file(path: str | Path) -> bool:
    """Create the private key file unless it exists. True when this call created it.

    Two processes starting together must end up with one key: the new key is written to a temporary
    file and linked into place, which fails if another process got there first."""
    path = Path(path)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Vapid()
    key.generate_keys()
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".vapid-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key.private_pem())
        os.chmod(temporary, 0o600)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(temporary)


def _from_text(text: str) -> Vapid:
    text = text.strip()
    if "-----BEGIN" in text:
        return Vapid.from_pem(text.encode())
    return Vapid.from_string(text)


def signing_key(app: Flask | None = None) -> Vapid:
    app = app or current_app
    configured = app.config.get("VAPID_PRIVATE_KEY")
    path = app.config["VAPID_PRIVATE_KEY_FILE"]
    cache_key = f"env:{configured}" if configured else f"file:{path}"
    with _lock:
        key = _loaded.get(cache_key)
        if key is None:
            if not configured:
                ensure_key_file(path)
            key = _from_text(configured or Path(path).read_text())
            _loaded[cache_key] = key
        return key


def public_key(app: Flask | None = None) -> str:
    """The applicationServerKey the browser subscribes with: the uncompressed P-256 point, base64url."""
    point = signing_key(app).public_key.public_bytes(serialization.Encoding.X962,
                                                     serialization.PublicFormat.UncompressedPoint)
    return b64urlencode(point)

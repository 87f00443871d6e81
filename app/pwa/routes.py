"""The installable shell: manifest, service worker (served from / so its scope is the whole app)
and the offline page it falls back to."""

import hashlib
from functools import cache
from pathlib import Path

from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from app.pwa import bp

# What the service worker caches at install: enough to draw the offline page and the shell.
SHELL_ASSETS = (
    "css/app.css",
    "js/app.js",
    "vendor/htmx.min.js",
    "icons/icon.svg",
    "icons/icon-192.png",
)


@cache
def _shell_version(static_folder: str) -> str:
    """Changes whenever a shell asset changes, so browsers pick up the new service worker."""
    digest = hashlib.sha256()
    for name in SHELL_ASSETS:
        path = Path(static_folder) / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@bp.get("/manifest.webmanifest")
def manifest():
    data = {
        "name": "Ascent",
        "short_name": "Ascent",
        "description": _("Missions, points and progress for your store team."),
        "id": "/",
        "start_url": url_for("home.index") + "?source=pwa",
        "scope": "/",
        "display": "standalone",
        # No "orientation": managers use tablets in landscape; phones follow how they are held.
        "background_color": "#f6f5fb",
        "theme_color": "#5b3df5",
        "icons": [
            {"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": url_for("static", filename="icons/maskable-512.png"), "sizes": "512x512",
             "type": "image/png", "purpose": "maskable"},
            {"src": url_for("static", filename="icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return data, 200, {"Content-Type": "application/manifest+json", "Cache-Control": "no-cache"}


@bp.get("/sw.js")
def service_worker():
    body = render_template(
        "pwa/sw.js",
        version=_shell_version(current_app.static_folder),
        shell=[url_for("static", filename=name) for name in SHELL_ASSETS] + [url_for("pwa.offline")],
        offline_url=url_for("pwa.offline"),
    )
    return body, 200, {"Content-Type": "application/javascript; charset=utf-8",
                       "Cache-Control": "no-cache", "Service-Worker-Allowed": "/"}


@bp.get("/offline")
def offline():
    response = current_app.make_response(render_template("pwa/offline.html"))
    response.headers["Cache-Control"] = "no-cache"
    return response

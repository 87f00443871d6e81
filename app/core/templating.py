"""What every template can use: the role's tabs, the htmx CSRF header, locale helpers (times in the reader's
store zone), URLs for long lists."""

import json
from collections.abc import Callable

from flask import Flask, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.core import i18n, realtime, timezones
from app.core.converters import MAX_ID
from app.core.navigation import tabs_for


def register_template_helpers(app: Flask) -> None:
    # Flask-Babel's `numberformat`, remembered: boards format the same points on every refresh.
    app.jinja_env.filters["numberformat"] = i18n.format_number
    # Babel's date and time filters (`datetimeformat`, `timeformat`, `dateformat` of a datetime) turn a
    # stored naive-UTC time into the reader's store zone: the one place that decides which zone a page
    # speaks. Set here rather than in babel.init_app so the filters and their zone live side by side.
    app.extensions["babel"].timezone_selector = timezones.babel_timezone

    @app.context_processor
    def _shell_context():
        tabs = tabs_for(current_user.role) if current_user.is_authenticated else []
        return {
            "nav_tabs": tabs,
            "current_locale": str(get_locale()),
        }

    @app.template_global()
    def watch_room(event: str, room: str = realtime.COMPANY_ROOM) -> str:
        """For data-live-watch: the page shows something whose frequent `event` hints it wants."""
        return realtime.watch_room(event, room)

    @app.template_global()
    def htmx_csrf_headers() -> str:
        """JSON for hx-headers on <body>: every htmx request carries the CSRF token."""
        return json.dumps({"X-CSRFToken": generate_csrf()})

    @app.template_global()
    def id_urls(endpoint: str, key: str) -> Callable[[int], str]:
        """`url_for(endpoint, **{key: id})` for the many ids of a list: the rule is built once and each id
        put in its place (werkzeug builds a URL in a few microseconds, which a list of fifty people paid
        fifty times on every page)."""
        marker = str(MAX_ID)  # an id the <int> converter accepts, and digits found nowhere else in a URL
        prefix, found, suffix = url_for(endpoint, **{key: MAX_ID}).rpartition(marker)
        if not found:
            raise ValueError(f"{endpoint}: the {key} does not appear in the URL")
        return lambda value: f"{prefix}{int(value)}{suffix}"

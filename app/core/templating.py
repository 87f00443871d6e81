"""What every template can use: the role's tabs, the htmx CSRF header, locale helpers (times in the reader's
store zone), URLs for long lists."""

import json
from collections import ChainMap
from collections.abc import Callable

from flask import Flask, url_for
from flask.templating import Environment
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.core import i18n, realtime, timezones
from app.core.converters import MAX_ID
from app.core.navigation import lit_tabs, tabs_for
from app.core.renderonce import RenderOnce


class _Globals(ChainMap):
    """A template's globals (Jinja's ChainMap of its own over the environment's), with plain lookups. Every
    `{% from "_macros.html" import icon %}` compares the importing template's fifty-odd global names with
    the imported one's, and every render copies them all: ChainMap's generic membership test, and the
    KeyError its lookup raises for each environment global, made an import cost more than rendering a
    small card (the associate's home imports nine times)."""

    def __contains__(self, key) -> bool:
        for mapping in self.maps:
            if key in mapping:
                return True
        return False

    def __getitem__(self, key):  # every render copies the globals: no KeyError raised per environment global
        for mapping in self.maps:
            if key in mapping:
                return mapping[key]
        return self.__missing__(key)

    def keys(self) -> set:  # the import check subtracts these from a set: set minus set runs in C
        found = set()
        for mapping in self.maps:
            found.update(mapping)
        return found


class TemplateEnvironment(Environment):
    """Flask's Jinja environment with `_Globals` (set as the app's `jinja_environment` in create_app)."""

    def make_globals(self, d):
        return _Globals({} if d is None else d, self.globals)


def register_template_helpers(app: Flask) -> None:
    # Flask-Babel's `numberformat`, remembered: boards format the same points on every refresh.
    app.jinja_env.filters["numberformat"] = i18n.format_number
    i18n.install_template_gettext(app)
    app.jinja_env.add_extension(RenderOnce)
    app.add_template_global(lit_tabs)
    # Babel's date and time filters (`datetimeformat`, `timeformat`, `dateformat` of a datetime) turn a
    # stored naive-UTC time into the reader's store zone: the one place that decides which zone a page
    # speaks. Set here rather than in babel.init_app so the filters and their zone live side by side.
    app.extensions["babel"].timezone_selector = timezones.babel_timezone

    @app.context_processor
    def _shell_context():
        tabs = tabs_for(current_user.role) if current_user.is_authenticated else ()
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

    app.add_template_global(id_url_builder, "id_urls")


def id_url_builder(endpoint: str, key: str) -> Callable[[int], str]:
    """`url_for(endpoint, **{key: id})` for the many ids of a list: the rule is built once and each id
    put in its place (werkzeug builds a URL in a few microseconds, which a list of fifty people paid
    fifty times on every page). A template global, `id_urls`."""
    marker = str(MAX_ID)  # an id the <int> converter accepts, and digits found nowhere else in a URL
    prefix, found, suffix = url_for(endpoint, **{key: MAX_ID}).rpartition(marker)
    if not found:
        raise ValueError(f"{endpoint}: the {key} does not appear in the URL")
    return lambda value: f"{prefix}{int(value)}{suffix}"

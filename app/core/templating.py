"""What every template can use: the role's tabs, the htmx CSRF header, locale helpers."""

import json

from flask import Flask
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.core.navigation import tabs_for


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def _shell_context():
        tabs = tabs_for(current_user.role) if current_user.is_authenticated else []
        return {
            "nav_tabs": tabs,
            "current_locale": str(get_locale()),
        }

    @app.template_global()
    def htmx_csrf_headers() -> str:
        """JSON for hx-headers on <body>: every htmx request carries the CSRF token."""
        return json.dumps({"X-CSRFToken": generate_csrf()})

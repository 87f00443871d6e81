"""Ascent: performance management and gamification for retail store teams."""

import os
from pathlib import Path

from flask import Flask
from htmx_flask import Htmx

from app.config import settings_from_environment

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("ASCENT_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    from app.core.converters import DatabaseIdConverter
    from app.core.templating import TemplateEnvironment

    app.jinja_environment = TemplateEnvironment  # before anything creates app.jinja_env

    app.url_map.converters["int"] = DatabaseIdConverter  # before any blueprint adds its rules
    app.config.update(settings_from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)

    _init_extensions(app)
    _install_features(app)
    _trust_proxies(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, the client's address and scheme are the ones they forward.
    Never more than configured: a forwarded header a client wrote itself would pick its own rate-limit
    bucket. Applied last, around Socket.IO's middleware too, so sockets see the same address."""
    hops = app.config.get("TRUSTED_PROXIES") or 0
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _init_extensions(app: Flask) -> None:
    from app.auth import passwords, sessions
    from app.core import i18n, realtime, security
    from app.core.database import configure_engine
    from app.core.errors import register_error_pages
    from app.core.htmx import add_vary_header
    from app.extensions import babel, csrf, db, limiter, login_manager, migrate, socketio

    Htmx(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    with app.app_context():
        configure_engine(db.engine)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale,
                   default_translation_directories=str(PROJECT_ROOT / "app" / "translations"))
    limiter.init_app(app)
    sessions.init_login(app, login_manager)
    socketio.init_app(app, client_manager=realtime.client_manager(app.config["REDIS_URL"],
                                                                  app.config["SOCKETIO_CHANNEL"]),
                      async_mode=app.config.get("SOCKETIO_ASYNC_MODE", "threading"), manage_session=False)
    passwords.set_concurrency(app.config["PASSWORD_HASH_CONCURRENCY"])
    security.register_security_headers(app)
    app.after_request(add_vary_header)
    register_error_pages(app)

    from app.core.templating import register_template_helpers

    register_template_helpers(app)

    from app import jobs

    jobs.init_app(app)


def _install_features(app: Flask) -> None:
    """Every feature plugs itself in from its `Feature` record (app/core/features.py), in the order of
    app/features.py: models, blueprints, tabs, links, listeners, CLI."""
    from app import features as feature_list
    from app.core import features, realtime
    from app.core.cli import serve_command
    from app.demo.cli import demo_command

    features.install(app, feature_list.load())
    realtime.register_socket_handlers()
    for command in (serve_command, demo_command):
        app.cli.add_command(command)

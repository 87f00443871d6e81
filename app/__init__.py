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

    app.url_map.converters["int"] = DatabaseIdConverter  # before any blueprint adds its rules
    app.config.update(settings_from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)

    _import_models()
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
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


def _import_models() -> None:
    """Every feature's models, so Alembic and the metadata see the whole schema."""
    import app.api.models  # noqa: F401
    import app.auth.models  # noqa: F401
    import app.badges.models  # noqa: F401
    import app.challenges.models  # noqa: F401
    import app.core.audit  # noqa: F401
    import app.feed.models  # noqa: F401
    import app.feedback.models  # noqa: F401
    import app.jobs.models  # noqa: F401
    import app.journey.models  # noqa: F401
    import app.kpis.models  # noqa: F401
    import app.leaderboards.models  # noqa: F401
    import app.leagues.models  # noqa: F401
    import app.missions.models  # noqa: F401
    import app.nudges.models  # noqa: F401
    import app.okrs.models  # noqa: F401
    import app.oneonones.models  # noqa: F401
    import app.org.models  # noqa: F401
    import app.points.models  # noqa: F401
    import app.push.models  # noqa: F401
    import app.reviews.models  # noqa: F401
    import app.rewards.models  # noqa: F401
    import app.screens.models  # noqa: F401
    import app.streaks.models  # noqa: F401


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


def _register_blueprints(app: Flask) -> None:
    from app.api.admin_routes import bp as api_admin_bp
    from app.api.routes import bp as api_bp
    from app.auth.routes import bp as auth_bp
    from app.badges.routes import bp as badges_bp
    from app.challenges.routes import bp as challenges_bp
    from app.core import realtime
    from app.feed.routes import bp as feed_bp
    from app.feedback.routes import bp as feedback_bp
    from app.home.routes import bp as home_bp
    from app.jobs.routes import bp as jobs_bp
    from app.journey.routes import bp as journey_bp
    from app.kpis.routes import bp as kpis_bp
    from app.leaderboards.routes import bp as leaderboards_bp
    from app.leagues.routes import bp as leagues_bp
    from app.missions.routes import bp as missions_bp
    from app.nudges.routes import bp as nudges_bp
    from app.okrs.routes import bp as okrs_bp
    from app.oneonones.routes import bp as oneonones_bp
    from app.org import import_routes, structure_routes  # noqa: F401  (these views join the org blueprint)
    from app.org.routes import bp as org_bp
    from app.points.routes import bp as points_bp
    from app.push.routes import bp as push_bp
    from app.pwa.routes import bp as pwa_bp
    from app.reviews.routes import bp as reviews_bp
    from app.rewards.routes import bp as rewards_bp
    from app.screens.routes import bp as screens_bp
    from app.streaks.routes import bp as streaks_bp

    for blueprint in (auth_bp, home_bp, org_bp, pwa_bp, points_bp, badges_bp, journey_bp, streaks_bp,
                      rewards_bp, api_bp, api_admin_bp, missions_bp, jobs_bp, nudges_bp, push_bp,
                      leaderboards_bp, challenges_bp, leagues_bp, screens_bp, kpis_bp, okrs_bp,
                      feedback_bp, feed_bp, oneonones_bp, reviews_bp):
        app.register_blueprint(blueprint)
    realtime.register_socket_handlers()


def _register_cli(app: Flask) -> None:
    from app.api.cli import api_token_cli
    from app.core.cli import serve_command
    from app.demo.cli import demo_command
    from app.jobs.cli import worker_command
    from app.org.cli import org_cli
    from app.points.cli import points_cli
    from app.push.cli import push_cli

    for command in (serve_command, demo_command, org_cli, points_cli, api_token_cli, worker_command, push_cli):
        app.cli.add_command(command)

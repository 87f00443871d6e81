"""`flask --app wsgi serve`: the embedded single-process server with Socket.IO and whatever background work a
feature runs beside it (the job consumer; make run). Production runs gunicorn for the web and
`flask --app wsgi worker` for jobs (see README)."""

from collections.abc import Callable
from dataclasses import dataclass

import click
from flask import Flask
from flask.cli import with_appcontext

from app.extensions import socketio


@dataclass(frozen=True)
class ServeCompanion:
    """Background work `serve` runs in its own process while it serves, registered by the feature that owns
    it (core names none). `start` returns a handle for `stop`, or None when there is nothing to run here
    (e.g. jobs run inline); `stop` lets running work finish."""

    label: str  # "background jobs": shown when it starts and stops
    start: Callable[[], object | None]
    stop: Callable[[object], None]


def add_serve_companion(app: Flask, companion: ServeCompanion) -> None:
    companions = app.extensions.setdefault("ascent_serve_companions", [])
    if companion not in companions:
        companions.append(companion)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--jobs/--no-jobs", default=True, show_default=True,
              help="Run the background-job consumer in this process (the embedded default).")
@with_appcontext
def serve_command(host: str, port: int, jobs: bool):
    """Serve HTTP and WebSocket from one process. For production use gunicorn (see README)."""
    import os
    import signal
    import sys

    from flask import current_app

    app = current_app._get_current_object()
    # Flask refuses app.run() under its CLI unless told this is deliberate; here it is.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    running = []
    for companion in app.extensions.get("ascent_serve_companions", []) if jobs else []:
        handle = companion.start()
        if handle is not None:
            running.append((companion, handle))
    if running and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        # A service manager stops with SIGTERM: leave through `finally`, so running work finishes.
        signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
    click.echo(f"Ascent on http://{host}:{port}  (Ctrl+C to stop)"
               + "".join(f"  · {companion.label} running in this process" for companion, _ in running))
    try:
        socketio.run(app, host=host, port=port, debug=False,
                     use_reloader=False, log_output=False, allow_unsafe_werkzeug=True)
    finally:
        for companion, handle in reversed(running):
            click.echo(f"Stopping {companion.label} (letting running ones finish)…")
            companion.stop(handle)

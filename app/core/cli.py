"""`flask --app wsgi serve`: the embedded single-process server with Socket.IO (make run)."""

import click
from flask.cli import with_appcontext

from app.extensions import socketio


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int):
    """Serve HTTP and WebSocket from one process. For production use gunicorn (see README)."""
    import os

    from flask import current_app

    # Flask refuses app.run() under its CLI unless told this is deliberate; here it is.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    click.echo(f"Ascent on http://{host}:{port}  (Ctrl+C to stop)")
    socketio.run(current_app._get_current_object(), host=host, port=port, debug=False,
                 use_reloader=False, log_output=False, allow_unsafe_werkzeug=True)

"""`flask --app wsgi serve`: the embedded single-process server with Socket.IO and the job consumer
(make run). Production runs gunicorn for the web and `flask --app wsgi worker` for jobs (see README)."""

import click
from flask.cli import with_appcontext

from app.extensions import socketio


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

    from app.jobs.consumer import start_embedded, stop_embedded
    from app.jobs.queue import huey

    # Flask refuses app.run() under its CLI unless told this is deliberate; here it is.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    consumer = None
    if jobs and not huey.immediate:
        consumer = start_embedded(workers=current_app.config["JOBS_WORKERS"])
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            # A service manager stops with SIGTERM: leave through `finally`, so running jobs finish.
            signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
    click.echo(f"Ascent on http://{host}:{port}  (Ctrl+C to stop)"
               + ("  · background jobs running in this process" if consumer else ""))
    try:
        socketio.run(current_app._get_current_object(), host=host, port=port, debug=False,
                     use_reloader=False, log_output=False, allow_unsafe_werkzeug=True)
    finally:
        if consumer is not None:
            click.echo("Stopping background jobs (letting running ones finish)…")
            stop_embedded(consumer)

"""Running the consumer: inside the web process for the embedded default (`serve`), or as its own
process in production (`flask --app wsgi worker`)."""

import logging
import signal

from flask import current_app
from huey.consumer import Consumer

from app.core.cli import ServeCompanion
from app.jobs.queue import huey

log = logging.getLogger("app.jobs")
_SIGNALS = tuple(s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s)


def start_embedded(workers: int = 2) -> Consumer:
    """Start worker threads and the scheduler without blocking; stop them with `stop_embedded`.

    Consumer.start() installs its own signal handlers, which only set a flag that its blocking `run()`
    loop reads. The web server runs here instead of that loop, so the server's handlers are put back:
    Ctrl+C must still stop the server, which then stops the consumer gracefully."""
    from app.jobs.claims import requeue_abandoned

    requeue_abandoned()  # jobs this process's predecessor was running when it died
    handlers = {signum: signal.getsignal(signum) for signum in _SIGNALS}
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
    consumer.start()
    for signum, handler in handlers.items():
        signal.signal(signum, handler)
    log.info("job consumer started in this process (%d threads)", workers)
    return consumer


def stop_embedded(consumer: Consumer, timeout: float = 15) -> None:
    """Let running jobs finish (up to `timeout` seconds), then stop."""
    consumer.shutdown_timeout = timeout
    consumer.stop(graceful=True)


def _start_beside_server() -> Consumer | None:
    if huey.immediate:  # jobs already run inline: nothing to consume
        return None
    return start_embedded(workers=current_app.config["JOBS_WORKERS"])


def _stop_beside_server(consumer: Consumer) -> None:
    stop_embedded(consumer)


# What `flask serve` runs beside the web server (registered by init_app; `serve --no-jobs` leaves it out).
SERVE_COMPANION = ServeCompanion("background jobs", start=_start_beside_server, stop=_stop_beside_server)

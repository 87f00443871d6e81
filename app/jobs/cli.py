"""`flask --app wsgi worker`: the job consumer as a process of its own (production)."""

import logging

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--workers", type=int, default=None, help="Threads running jobs (default JOBS_WORKERS, 2).")
@click.option("--no-periodic", is_flag=True, help="Don't run periodic jobs here (another worker does).")
@with_appcontext
def worker_command(workers: int | None, no_periodic: bool):
    """Run background jobs until stopped (SIGINT/SIGTERM finish the running jobs first)."""
    from app.jobs.queue import huey

    if huey.immediate:
        raise click.ClickException("JOBS_IMMEDIATE is on: jobs run inline, there is nothing to consume.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    workers = workers or current_app.config["JOBS_WORKERS"]
    where = current_app.config["JOBS_REDIS_URL"] and "Redis" or huey.storage_kwargs.get("filename")
    click.echo(f"Ascent jobs: {workers} worker threads on {where} (queue {huey.name!r})")
    from app.jobs.claims import requeue_abandoned

    requeue_abandoned()  # jobs a killed worker was running: they were off the queue, not done
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=not no_periodic,
                                    shutdown_timeout=30)
    consumer.run()

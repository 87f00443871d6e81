"""Background jobs on Huey: one queue for the whole app, bound to the app in create_app.

Storage follows the deployment: a SQLite file for the embedded default (the `serve` command runs the
consumer in its own process), Redis when JOBS_REDIS_URL/REDIS_URL is set (a separate
`flask --app wsgi worker` process consumes it), and "immediate" (run inline, in memory) for tests.

Features declare jobs with `@job(...)` and periodic jobs with `@periodic_job(crontab(...))`. Jobs must be
idempotent: Huey retries a failing job with back-off, and a job may run again after a crash. A job that
still fails after its last retry is logged and parked in `job_failures` (see app.jobs.failures)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, Link, Place
from app.jobs.queue import attempts_left, huey, init_app, job, periodic_job
from app.org.models import Role

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")

feature = Feature(
    name="jobs",
    blueprints=(bp,),
    links=(Link(Place.SETTINGS, "jobs.failed", _l("Background jobs"), "alert", frozenset({Role.ADMIN}),
                _l("Jobs that failed after every retry."), order=110),),
    cli=("app.jobs.cli:worker_command",),
)

__all__ = ["attempts_left", "bp", "feature", "huey", "init_app", "job", "periodic_job"]

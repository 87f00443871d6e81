"""A job that fails after its last retry is logged and parked in `job_failures`; an admin can queue
it again or dismiss it (app.jobs.routes)."""

import json
import logging
import traceback

import sqlalchemy as sa
from flask_babel import gettext as _
from huey.signals import SIGNAL_ERROR

from app.core import audit
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.extensions import db
from app.jobs.models import FailureStatus, JobFailure
from app.jobs.queue import bound_app, huey
from app.org.models import Person

log = logging.getLogger("app.jobs")


def _json_safe(value):
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value


def task_name(task) -> str:
    return huey._registry.task_to_string(type(task))


@huey.signal(SIGNAL_ERROR)
def _on_error(_signal, task, exception=None, *_args) -> None:
    if task.retries:
        log.warning("job %s (%s) failed, %d retries left: %r", task_name(task), task.id, task.retries,
                    exception)
        return
    args, kwargs = task.data if task.data else ((), {})
    kwargs = {key: value for key, value in (kwargs or {}).items() if key != "task"}
    log.error("job %s (%s) failed after its last retry and is parked: %r", task_name(task), task.id,
              exception)
    details = "".join(traceback.format_exception(exception)) if exception is not None else ""
    try:
        park(task_name(task), task.id, [_json_safe(a) for a in args],
             {key: _json_safe(value) for key, value in kwargs.items()}, repr(exception), details)
    except Exception:  # the database is down too: the log line above is the record
        log.exception("could not park failed job %s (%s)", task_name(task), task.id)


def park(name: str, task_id: str, args: list, kwargs: dict, error: str, details: str) -> None:
    """Record a poisoned job in a session of its own: the job's transaction was rolled back."""
    with bound_app().app_context():
        db.session.add(JobFailure(task_name=name[:200], task_id=str(task_id)[:64],
                                  arguments={"args": args, "kwargs": kwargs}, error=error[:500],
                                  details=details[-20000:]))
        db.session.commit()


def parked() -> sa.Select:
    return sa.select(JobFailure).where(JobFailure.status == FailureStatus.PARKED).order_by(
        JobFailure.failed_at.desc(), JobFailure.id.desc())


def recently_handled(limit: int = 20) -> sa.Select:
    return sa.select(JobFailure).where(JobFailure.status != FailureStatus.PARKED).order_by(
        JobFailure.handled_at.desc(), JobFailure.id.desc()).limit(limit)


def _parked_or_error(failure_id: int | None) -> JobFailure:
    failure = db.session.get(JobFailure, failure_id) if failure_id else None
    if failure is None or failure.status != FailureStatus.PARKED:
        raise ServiceError(_("That job is no longer waiting: someone may have dealt with it already."))
    return failure


def retry(actor: Person, failure_id: int | None) -> JobFailure:
    """Queue the job again with its original arguments. Jobs are idempotent, so this is always safe."""
    failure = _parked_or_error(failure_id)
    try:
        task_class = huey._registry.string_to_task(failure.task_name)
    except Exception as error:
        raise ServiceError(_("This kind of job no longer exists, so it can't run again.")) from error
    moved = db.session.execute(
        sa.update(JobFailure).where(JobFailure.id == failure.id, JobFailure.status == FailureStatus.PARKED)
        .values(status=FailureStatus.RETRIED, handled_at=utcnow(), handled_by_id=actor.id),
        execution_options={"synchronize_session": False}).rowcount
    if moved != 1:
        raise ServiceError(_("That job is no longer waiting: someone may have dealt with it already."))
    audit.record("jobs.retried", actor_id=actor.id, target_type="job_failure", target_id=failure.id,
                 task=failure.task_name)
    arguments = failure.arguments or {}
    task = task_class(args=tuple(arguments.get("args", ())), kwargs=dict(arguments.get("kwargs", {})))
    from app.core.aftercommit import after_commit

    after_commit(lambda: huey.enqueue(task))
    return failure


def dismiss(actor: Person, failure_id: int | None) -> JobFailure:
    failure = _parked_or_error(failure_id)
    failure.status = FailureStatus.DISMISSED
    failure.handled_at = utcnow()
    failure.handled_by_id = actor.id
    audit.record("jobs.dismissed", actor_id=actor.id, target_type="job_failure", target_id=failure.id,
                 task=failure.task_name)
    db.session.flush()
    return failure

"""The Huey instance, its binding to the app, and the decorators jobs are declared with.

Huey tasks are registered when their module is imported, so the instance exists before any app does,
like the extensions in app.extensions; `init_app` then points it at the storage the app's settings
choose (what SqliteHuey and RedisHuey do, on one instance whose task registry stays put)."""

import contextlib
import contextvars
import functools
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context, request
from huey import Huey
from huey.api import chord, group
from huey.signals import SIGNAL_ENQUEUED
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from app.extensions import db

log = logging.getLogger(__name__)

# A failing job runs again after 30 s, 1, 2, 4 and 8 minutes (about 15 minutes in all), then is parked.
DEFAULT_RETRIES = 5
DEFAULT_RETRY_DELAY = 30
DEFAULT_RETRY_BACKOFF = 2

_pending: contextvars.ContextVar[list | None] = contextvars.ContextVar("ascent_jobs_pending", default=None)


class AscentHuey(Huey):
    """Huey, except that tasks queued inside `batched()` (every request, every job) are held until its end
    and then leave together: one write to the queue's storage (one SQLite transaction, one Redis command)
    where an award that nudges, pushes and checks a challenge made one each. Immediate mode (tests) runs
    them inline at once, as before."""

    def enqueue(self, task):
        pending = _pending.get()
        if pending is None or self._immediate or isinstance(task, (group, chord)):
            return super().enqueue(task)
        if task.expires:
            task.resolve_expires(self.utc)
        self._emit(SIGNAL_ENQUEUED, task)
        pending.append(task)
        return None  # results are off: Huey returns no handle either


huey = AscentHuey("ascent", results=False, storage_class=MemoryStorage)
_bound: dict[str, Flask | None] = {"app": None}
_attempts_left: contextvars.ContextVar[int] = contextvars.ContextVar("ascent_job_attempts_left", default=0)


def open_batch() -> contextvars.Token | None:
    """Hold the tasks queued from now on until `close_batch`; None when a batch is open already (the
    outer one sends them)."""
    if _pending.get() is not None:
        return None
    return _pending.set([])


def close_batch(token: contextvars.Token | None) -> None:
    """Send what the batch holds, in one write, and close it. A queue that can't be reached loses them,
    as an enqueue after commit always could: the sweepers queue lost pushes again."""
    if token is None:
        return
    tasks = _pending.get() or []
    try:
        _pending.reset(token)
    except ValueError:  # closed from another context than it was opened in: close it here
        _pending.set(None)
    if not tasks:
        return
    try:
        enqueue_together(tasks)
    except Exception:
        log.exception("queueing %d job(s) failed", len(tasks))


@contextlib.contextmanager
def batched() -> Iterator[None]:
    token = open_batch()
    try:
        yield
    finally:
        close_batch(token)


def enqueue_together(tasks: list) -> None:
    """Write `tasks` to the queue's storage in one go, in order."""
    messages = [(huey.serialize_task(task), task.priority) for task in tasks]
    storage = huey.storage
    if len(messages) == 1:
        storage.enqueue(*messages[0])
    elif isinstance(storage, SqliteStorage):
        with storage.db(commit=True) as cursor:
            cursor.executemany("insert into task (queue, data, priority) values (?, ?, ?)",
                               [(storage.name, storage.to_blob(data), priority or 0) for data, priority in messages])
    elif type(storage) is RedisStorage and not any(priority for _data, priority in messages):
        # LPUSH a b c leaves c leftmost; the consumer pops from the right: a first, as one by one.
        storage.conn.lpush(storage.queue_key, *(data for data, _priority in messages))
    else:
        for data, priority in messages:
            storage.enqueue(data, priority)


def sqlite_path(app: Flask) -> str:
    """Beside the SQLite database when there is one, so a queue never outlives or crosses its database
    (a job names rows by id); else in the instance folder."""
    configured = app.config.get("JOBS_SQLITE_PATH")
    if configured:
        return configured
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        return str(database.with_name(f"{database.stem}-jobs.db"))
    return str(Path(app.instance_path) / "jobs.db")


def storage_settings(app: Flask) -> tuple[type, dict]:
    redis_url = app.config.get("JOBS_REDIS_URL")
    if redis_url:
        return RedisStorage, {"url": redis_url}
    return SqliteStorage, {"filename": sqlite_path(app)}


def init_app(app: Flask) -> None:
    from app.core.cli import add_serve_companion
    from app.jobs import claims, failures  # noqa: F401  (re-run jobs a dead worker held; park failed ones)
    from app.jobs.consumer import SERVE_COMPANION

    add_serve_companion(app, SERVE_COMPANION)  # `flask serve` consumes jobs in its own process

    immediate = app.config.get("JOBS_IMMEDIATE")
    if immediate is None:
        immediate = app.testing
    storage_class, storage_kwargs = storage_settings(app)
    previous = huey.storage
    huey.name = app.config["JOBS_NAME"]
    huey.storage_class = storage_class
    huey.storage_kwargs = storage_kwargs
    # Set the flag itself: the `immediate` setter would build a storage for the old settings first.
    huey._immediate = bool(immediate)
    huey.storage = huey.create_storage()
    try:
        previous.close()
    except Exception:  # an old connection that can't be closed is not worth failing create_app for
        log.debug("closing the previous job storage failed", exc_info=True)
    _bound["app"] = app
    app.extensions["huey"] = huey
    app.before_request(_open_request_batch)
    app.teardown_request(_close_request_batch)


_BATCH_KEY = "ascent.jobs_batch"


def _open_request_batch() -> None:
    # Kept in the WSGI environ, which lives exactly as long as the request.
    request.environ[_BATCH_KEY] = open_batch()


def _close_request_batch(_error) -> None:
    close_batch(request.environ.pop(_BATCH_KEY, None))


def bound_app() -> Flask:
    """The app a job runs in: the current one (immediate mode, tests), else the one init_app bound
    (consumer threads have no app context of their own)."""
    if has_app_context():
        return current_app._get_current_object()
    app = _bound["app"]
    if app is None:
        raise RuntimeError("jobs are not bound to an app: call create_app() first")
    return app


def attempts_left() -> int:
    """Retries left after the running attempt: 0 means this is the last one."""
    return _attempts_left.get()


def _run(func: Callable, task, args: tuple, kwargs: dict):
    app = bound_app()
    token = _attempts_left.set(task.retries if task is not None else 0)
    try:
        # A context of its own, hence a database session of its own: a job never shares the caller's
        # transaction, even when run inline by immediate mode.
        with app.app_context(), batched():
            g.ascent_write_tx = True  # jobs write: SQLite takes the write lock at BEGIN
            try:
                return func(*args, **kwargs)
            except Exception:
                db.session.rollback()
                raise
    finally:
        _attempts_left.reset(token)


def job(*, retries: int = DEFAULT_RETRIES, retry_delay: int = DEFAULT_RETRY_DELAY,
        retry_backoff: float = DEFAULT_RETRY_BACKOFF, name: str | None = None):
    """Declare a background job: `deliver.enqueue`-style calls are `deliver(...)` (Huey's task API).
    The function runs inside an app context and commits its own work."""
    def decorator(func: Callable):
        @functools.wraps(func)
        def run(*args, task=None, **kwargs):
            return _run(func, task, args, kwargs)

        return huey.task(retries=retries, retry_delay=retry_delay, retry_backoff=retry_backoff,
                         context=True, name=name)(run)
    return decorator


def periodic_job(schedule: Callable, *, retries: int = 2, retry_delay: int = 60, name: str | None = None):
    """Declare a job the consumer's scheduler runs on `schedule` (huey.crontab). Periodic jobs must be
    idempotent: with several consumers on one queue, or after a retry, they can run twice."""
    def decorator(func: Callable):
        @functools.wraps(func)
        def run(task=None):
            return _run(func, task, (), {})

        return huey.periodic_task(schedule, retries=retries, retry_delay=retry_delay, context=True,
                                  name=name)(run)
    return decorator

"""Engine tuning per backend.

SQLite: WAL, foreign keys, and BEGIN IMMEDIATE for transactions that will write. A deferred transaction
that reads and later writes gets "database is locked" (SQLITE_BUSY_SNAPSHOT) that no busy timeout can
cure; taking the write lock up front makes writers queue instead, a process's own writers on a Python lock.
Safe requests (GET/HEAD) stay deferred so readers never wait for writers, except a view marked
`@write_transaction`.
"""

import threading
import weakref

from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def wants_write_lock() -> bool:
    if not has_request_context():
        return True  # CLI commands, jobs and tests write: take the lock at BEGIN
    if request.method not in SAFE_METHODS or g.get("ascent_write_tx", False):
        return True
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "takes_write_lock", False)


def write_transaction(view):
    """Mark a GET view that writes (opening a notification marks it read). Its transaction begins with
    the write lock from the request's first statement: a flag set inside the view comes too late, because
    signing the person in has already begun a deferred transaction by then, and a writer that commits in
    between makes the view's write fail with "database is locked". Put it under the route decorator."""
    view.takes_write_lock = True
    return view


def configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below issue BEGIN, not pysqlite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if not wants_write_lock():
            connection.exec_driver_sql("BEGIN")
            return
        # One writer at a time per engine (per process in production), queued on a Python lock: a thread
        # waiting here is woken the moment the writer before it ends, where SQLite's busy handler sleeps in
        # growing steps and often wakes to find the lock taken again (`bench.award_throughput --quick`:
        # p95 halved, awards/s up to +50%). Other processes (the job consumer) still queue in SQLite.
        if writer.acquire(timeout=WRITER_WAIT):
            connection.info[_HOLDS_WRITER] = writer
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release_writer(connection)
            raise

    @event.listens_for(engine, "commit")
    def _on_commit(connection):
        _release_writer(connection)

    @event.listens_for(engine, "rollback")
    def _on_rollback(connection):
        _release_writer(connection)

    writer = _writers[engine] = threading.Lock()


_writers: "weakref.WeakKeyDictionary[Engine, threading.Lock]" = weakref.WeakKeyDictionary()
_HOLDS_WRITER = "ascent_holds_writer"
WRITER_WAIT = 15  # seconds, as SQLite's busy timeout: past it, the transaction waits in SQLite instead


def writer_lock(engine: Engine) -> "threading.Lock | None":
    """The lock a SQLite engine's write transactions hold (None for other databases)."""
    return _writers.get(engine)


def _release_writer(connection) -> None:
    writer = connection.info.pop(_HOLDS_WRITER, None)
    if writer is not None:
        writer.release()


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine)


# Statements on hot write paths (an award) are built once per dialect and run with parameters: building
# one costs more CPU than the database takes to run it (`python -m bench.award_throughput --profile`).
_prepared: dict[tuple[str, str], object] = {}


def dialect_insert(table):
    """INSERT with the dialect's ON CONFLICT clauses (PostgreSQL's or SQLite's) for the app's engine."""
    from sqlalchemy.dialects import postgresql, sqlite

    from app.extensions import db

    return (postgresql if db.engine.dialect.name == "postgresql" else sqlite).insert(table)


def prepared(name: str, build):
    """The statement `build()` makes, built once per dialect and kept under `name`."""
    from app.extensions import db

    key = (db.engine.dialect.name, name)
    if key not in _prepared:
        _prepared[key] = build()
    return _prepared[key]


def plain_rows(statement, parameters: dict | None = None):
    """Run a select of columns (no mapped objects) in the session's transaction, on its connection: the
    session's own `execute` treats any select naming mapped attributes as an ORM query and spends half
    again the statement's cost on it. Pending changes are flushed first, as the session would."""
    from app.extensions import db

    if db.session.autoflush:
        db.session.flush()
    return db.session.connection().execute(statement, parameters)

"""Per-process caches of definitions read on every award (badge rules, journey stages, the stores with a
running challenge, API tokens), kept correct across processes by a version row per name.

A feature declares its cache once, at import, naming the tables its definitions come from:

    RULES = Definitions("badges", load_rules, tables=("badge_definitions",))

and reads it with `RULES.get()`. The loader returns plain values (tuples, frozen dataclasses), never ORM
objects: those belong to one session, and the cache is shared by every request of the process.

Correctness across processes: `definition_versions` holds a version per name. The first `get()` of a
transaction reads every version in one statement; a cache whose version still matches is used as is, any
other is loaded again (reading the version first, so the data is never older than the version it is kept
under). Every write to a watched table through the session, by the ORM's unit of work or by an
insert/update/delete statement, bumps the version in the same transaction: an HR edit commits with its
bump, or neither happens. `bump(name)` does it by hand for writes that bypass the session; a statement
that changes nothing a cache holds (a token's last use) says so with `execution_options(**UNCHANGED)`.

Within a transaction that bumped a name, `get()` reads that definition afresh each time and keeps
nothing: its changes are not committed yet, and a rollback would leave the cache ahead of the database.

The cache lives in the app (`app.extensions`): one app per process in production, and two apps on one
database in tests behave like two processes."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain
from typing import Generic, TypeVar

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core.database import dialect_insert, prepared
from app.core.models import Base
from app.extensions import db

T = TypeVar("T")

UNCHANGED = {"definitions_unchanged": True}  # execution options of a write no cache depends on
_EXTENSION = "ascent.definitions"
_TRANSACTION = "ascent.definitions"
_watched: dict[str, set[str]] = {}  # table name -> the cache names loaded from it


class DefinitionVersion(Base):
    __tablename__ = "definition_versions"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)


_VERSIONS = sa.select(DefinitionVersion.name, DefinitionVersion.version)


def _build_bump() -> sa.Executable:
    # A new random version, not version + 1: a counter starts again at 1 once its rows are gone (a
    # database restored from a backup, tables emptied between tests), and a process that kept version 1
    # from before would take the new definitions for the ones it holds.
    table = DefinitionVersion.__table__
    statement = dialect_insert(table).values(name=sa.bindparam("name"), version=sa.bindparam("version"))
    return statement.on_conflict_do_update(index_elements=["name"], set_={"version": statement.excluded.version})


@dataclass
class _Transaction:
    """What one transaction knows: the versions it read (None until a `get` needs them), what it bumped."""
    versions: dict[str, int] | None = None
    bumped: set[str] = field(default_factory=set)


def _transaction(session: Session) -> _Transaction:
    state = session.info.get(_TRANSACTION)
    if state is None:
        state = session.info[_TRANSACTION] = _Transaction()
    return state


class Definitions(Generic[T]):
    def __init__(self, name: str, load: Callable[[], T], *, tables: Iterable[str]) -> None:
        self.name, self.load = name, load
        for table in tables:
            _watched.setdefault(table, set()).add(name)

    def get(self) -> T:
        session = db.session()
        state = _transaction(session)
        if self.name in state.bumped:
            return self.load()
        if state.versions is None:
            state.versions = dict(session.execute(_VERSIONS).all())
        version = state.versions.get(self.name, 0)
        kept = current_app.extensions.setdefault(_EXTENSION, {})
        hit = kept.get(self.name)
        if hit is not None and hit[0] == version:
            return hit[1]
        value = self.load()
        kept[self.name] = (version, value)
        return value


def bump(*names: str) -> None:
    """Tell every process that these definitions changed: in the current transaction, so it commits
    with the change (for writes the session can't see: raw SQL, another connection)."""
    _bump(db.session(), names)


def _bump(session: Session, names: Iterable[str]) -> None:
    state = _transaction(session)
    statement = prepared("definition_bump", _build_bump)
    connection = session.connection()  # the connection, not the session: this runs inside a flush too
    # Bumped every time, never once per transaction: a savepoint that rolls back takes its bump with it.
    for name in sorted(set(names)):
        connection.execute(statement, {"name": name, "version": secrets.randbits(62)})
        state.bumped.add(name)


def _names_for(table: sa.Table | None) -> set[str]:
    return _watched.get(getattr(table, "name", None), set())


@event.listens_for(Session, "after_flush")
def _bump_flushed(session: Session, _context) -> None:
    names: set[str] = set()
    for instance in chain(session.new, session.dirty, session.deleted):
        names |= _names_for(getattr(type(instance), "__table__", None))
    if names:
        _bump(session, names)


@event.listens_for(Session, "do_orm_execute")
def _bump_written(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    names = _names_for(getattr(state.statement, "table", None))
    if names and not state.execution_options.get("definitions_unchanged"):
        _bump(state.session, names)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    # Only the outermost transaction's end: after a savepoint, what it bumped is still to be committed.
    if transaction.parent is None:
        session.info.pop(_TRANSACTION, None)

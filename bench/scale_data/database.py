"""An empty, migrated database and a bulk writer for it.

The writer buffers rows per table and sends them in chunks: SQLAlchemy Core `insert()` executemany on
SQLite (one transaction, `synchronous=OFF` for the load only), PostgreSQL `COPY … FROM STDIN` through
psycopg's `cursor.copy`. Rows carry explicit ids (the generator links entries to assignments and grants
before anything is written), so PostgreSQL's sequences are moved past them at the end."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa

from app.config import normalise_database_url

CHUNK = 5000
SECRET = "scale-data-secret-not-for-production"


def app_config(database_url: str, instance: str | None = None) -> dict:
    """What create_app needs to run against the generated database with no Redis and no side effects."""
    instance = instance or tempfile.mkdtemp(prefix="ascent-scale-")
    return {"SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url), "SECRET_KEY": SECRET,
            "REDIS_URL": None, "RATELIMIT_STORAGE_URI": "memory://", "JOBS_IMMEDIATE": True,
            "VAPID_PRIVATE_KEY_FILE": str(Path(instance) / "vapid_private.pem"),
            "MISSION_UPLOAD_DIR": str(Path(instance) / "uploads"),
            "REWARD_PICTURE_FOLDER": str(Path(instance) / "rewards")}


def recreate(database_url: str) -> str:
    """Start from nothing: delete the SQLite file, or drop and create the PostgreSQL database through an
    admin connection to `postgres`. Returns the normalised URL."""
    url = sa.make_url(normalise_database_url(database_url))
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ValueError("SQLite needs a file URL, like sqlite:////tmp/scale.db")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(url.database + suffix).unlink(missing_ok=True)
        return url.render_as_string(hide_password=False)
    if url.get_backend_name() != "postgresql":
        raise ValueError(f"unsupported database {url.get_backend_name()!r}")
    name = url.database
    if not name or name == "postgres":
        raise ValueError("name the PostgreSQL database to (re)create; `postgres` itself is never dropped")
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return url.render_as_string(hide_password=False)


def drop_postgres(database_url: str) -> None:
    url = sa.make_url(normalise_database_url(database_url))
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
    finally:
        admin.dispose()


def migrate(database_url: str) -> None:
    """Alembic to head, as tests/conftest.py `_upgrade` does (the schema comes only from migrations)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app(app_config(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


def at_head(database_url: str) -> bool:
    """Whether a kept database was migrated to the migrations' head: a copy made before a newer migration
    lacks its columns, and is made again rather than failing half-way through a benchmark."""
    from alembic.script import ScriptDirectory

    from app import create_app
    from app.extensions import migrate as migrations

    app = create_app(app_config(database_url))
    with app.app_context():
        heads = set(ScriptDirectory.from_config(migrations.get_config()).get_heads())
    engine = sa.create_engine(normalise_database_url(database_url))
    try:
        with engine.connect() as connection:
            stored = set(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))
    except sa.exc.DBAPIError:
        return False
    finally:
        engine.dispose()
    return stored == heads


def load_engine(database_url: str) -> sa.Engine:
    """An engine for the load alone: on SQLite durability and foreign key lookups are switched off for
    it (WAL stays, the app's journal mode); the app's own engine keeps its settings."""
    engine = sa.create_engine(normalise_database_url(database_url))
    if engine.dialect.name == "sqlite":
        @sa.event.listens_for(engine, "connect")
        def _fast_load(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-200000")  # 200 MB of page cache while the indexes grow
            cursor.execute("PRAGMA temp_store=MEMORY")
            # Every row's parents are written before it (BulkWriter.flush), so per-row foreign key lookups
            # only cost time; tests/bench checks the result with PRAGMA foreign_key_check.
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.close()
    return engine


def skip_foreign_key_triggers(connection: sa.Connection) -> bool:
    """PostgreSQL checks foreign keys with a trigger per inserted row, which costs more than the COPY
    itself. For this transaction only, a superuser can switch them off as pg_restore does
    (session_replication_role); the generator writes parents before children either way. False when
    the role isn't a superuser (the load then runs with the checks)."""
    if connection.dialect.name != "postgresql":
        return False
    if not connection.exec_driver_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar():
        return False
    connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
    return True


def _sqlite_datetime(moment) -> str:
    text = str(moment)
    return text if moment.microsecond else text + ".000000"


class BulkWriter:
    """`add(table_name, row_dict)` buffers; every CHUNK rows of a table go out in one bulk statement.
    Call `flush_all()` before reading anything back and at the end."""

    def __init__(self, connection: sa.Connection, metadata: sa.MetaData):
        self.connection = connection
        self.tables = metadata.tables
        self.postgres = connection.dialect.name == "postgresql"
        self.buffers: dict[str, list[dict]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)

    def add(self, table: str, row: dict) -> None:
        buffer = self.buffers[table]
        buffer.append(row)
        if len(buffer) >= CHUNK:
            self.flush(table)

    def extend(self, table: str, rows) -> None:
        for row in rows:
            self.add(table, row)

    def flush(self, table: str) -> None:
        rows = self.buffers.pop(table, None)
        if not rows:
            return
        # A chunk may name rows still waiting in a parent table's buffer: those go first.
        for key in self.tables[table].foreign_keys:
            parent = key.column.table.name
            if parent != table and self.buffers.get(parent):
                self.flush(parent)
        self.counts[table] += len(rows)
        if self.postgres:
            self._copy(table, rows)
        else:
            self._executemany(table, rows)

    def _executemany(self, table: str, rows: list[dict]) -> None:
        """Core's insert, run as one executemany of plain tuples: Core's per-row parameter processing
        cost more than SQLite's own work here. Dates and datetimes are written in the very text format
        SQLAlchemy's SQLite types write (and compare as text)."""
        statement = self.tables[table].insert().compile(dialect=self.connection.dialect, column_keys=list(rows[0]))
        # The statement lists the columns in the table's order, not the row's: the values follow it.
        columns = list(statement.positiontup)
        types = self.tables[table].c
        converters = [(index, _sqlite_datetime if isinstance(types[name].type, sa.DateTime) else str)
                      for index, name in enumerate(columns)
                      if isinstance(types[name].type, sa.DateTime | sa.Date)]
        values = []
        for row in rows:
            value = [row[name] for name in columns]
            for index, convert in converters:
                if value[index] is not None:
                    value[index] = convert(value[index])
            values.append(tuple(value))
        self.connection.exec_driver_sql(str(statement), values)

    def _copy(self, table: str, rows: list[dict]) -> None:
        columns = list(rows[0])
        quoted = ", ".join(f'"{column}"' for column in columns)
        cursor = self.connection.connection.driver_connection.cursor()
        with cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[column] for column in columns])
        cursor.close()

    def flush_all(self) -> None:
        # Parents before children: sort_tables follows the foreign keys.
        for table in sa.schema.sort_tables(self.tables.values()):
            self.flush(table.name)

    def reset_sequences(self) -> None:
        """PostgreSQL: move each filled table's id sequence past the explicit ids written."""
        if not self.postgres:
            return
        for name in self.counts:
            table = self.tables[name]
            if "id" not in table.c or not isinstance(table.c.id.type, sa.Integer) or not table.c.id.primary_key:
                continue
            self.connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM \"{name}\"), false)")


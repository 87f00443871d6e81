"""The schema comes only from migrations: on a fresh database they must build exactly what the models
declare, on SQLite and on PostgreSQL, and go down and up again cleanly."""

import os
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from alembic import command as alembic_command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.config import normalise_database_url
from app.extensions import db
from tests.conftest import _test_config

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


# Expression indexes (lower(employee_number)) that SQLite's reflection cannot read, so compare_metadata skips
# them there with a warning; expression_indexes_on_sqlite checks them instead. PostgreSQL compares them.
EXPRESSION_INDEXES = {"uq_people_employee_number_ci": ("people", "lower(employee_number)")}


def schema_differences(engine: sa.Engine) -> list:
    with engine.connect() as connection, warnings.catch_warnings():
        if engine.dialect.name == "sqlite":
            for name in EXPRESSION_INDEXES:
                warnings.filterwarnings("ignore", f"Skipped unsupported reflection of expression-based index {name}")
                warnings.filterwarnings("ignore", f"autogenerate skipping metadata-specified expression-based "
                                                  f"index '{name}'")
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
        if engine.dialect.name == "sqlite":
            differences += expression_index_differences(connection)
        return differences


def expression_index_differences(connection) -> list:
    """What SQLite's reflection can't compare: each expression index exists, unique, on its expression."""
    missing = []
    for name, (table, expression) in EXPRESSION_INDEXES.items():
        sql = connection.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"),
                                 {"name": name}).scalar()
        model = next(index for index in db.metadata.tables[table].indexes if index.name == name)
        if not (sql and model.unique and sql.startswith("CREATE UNIQUE INDEX") and expression in sql):
            missing.append(("expression_index", name, sql))
    return missing


def table_names(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def model_tables() -> set[str]:
    return {table.name for table in db.metadata.sorted_tables}


def migrate_up_and_compare(url: str, instance) -> None:
    app = create_app(_test_config(url, instance))
    with app.app_context():
        try:
            upgrade(revision="heads")
            assert model_tables() <= table_names(db.engine)
            assert schema_differences(db.engine) == []
        finally:
            db.session.remove()
            db.engine.dispose()


def test_migrations_match_the_models_on_sqlite(tmp_path):
    migrate_up_and_compare(f"sqlite:///{tmp_path / 'fresh.db'}", tmp_path)


def test_migrations_go_down_to_base_and_up_again_on_sqlite(tmp_path):
    app = create_app(_test_config(f"sqlite:///{tmp_path / 'roundtrip.db'}", tmp_path))
    with app.app_context():
        try:
            upgrade(revision="heads")
            downgrade(revision="base")
            assert table_names(db.engine) - {"alembic_version"} == set()
            upgrade(revision="heads")
            assert schema_differences(db.engine) == []
        finally:
            db.session.remove()
            db.engine.dispose()


def _postgres_admin_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql")):
        url = DEFAULT_POSTGRES_URL
    return normalise_database_url(url)


def _reachable_postgres() -> sa.Engine:
    admin = sa.create_engine(_postgres_admin_url(), isolation_level="AUTOCOMMIT",
                             connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as error:
        admin.dispose()
        message = f"PostgreSQL is unreachable at {admin.url.render_as_string()}: {error.orig}"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set: the PostgreSQL check must run)")
        pytest.skip(message)
    return admin


@contextmanager
def scratch_postgres(prefix: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped when the block ends (skipped, or failed under
    CI, when PostgreSQL is unreachable)."""
    admin = _reachable_postgres()
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_match_the_models_on_postgresql(tmp_path):
    with scratch_postgres("ascent_migrations") as url:
        migrate_up_and_compare(url, tmp_path)


def test_the_comparison_notices_a_drift(tmp_path):
    """The checks above are only as good as compare_metadata: a missing column must show up."""
    url = f"sqlite:///{tmp_path / 'drift.db'}"
    migrate_up_and_compare(url, tmp_path)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("ALTER TABLE people DROP COLUMN last_login_at"))
        app = create_app(_test_config(url, tmp_path))
        with app.app_context():
            differences = schema_differences(engine)
            db.engine.dispose()
        assert any(difference[0] == "add_column" and difference[3].name == "last_login_at"
                   for difference in differences), differences
    finally:
        engine.dispose()


def _people_with_numbers(url: str, tmp_path, numbers: list[str]):
    """A database migrated to just before 0023, holding people with these employee numbers."""
    app = create_app(_test_config(url, tmp_path))
    with app.app_context():
        upgrade(revision="0022_password_resets")
        with db.engine.begin() as connection:
            for number in numbers:
                connection.execute(sa.text(
                    "INSERT INTO people (employee_number, full_name, role, locale, active, session_version, "
                    "created_at, updated_at) VALUES (:n, :name, 'staff', 'it', true, 1, CURRENT_TIMESTAMP, "
                    "CURRENT_TIMESTAMP)"), {"n": number, "name": f"Person {number}"})
    return app


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with scratch_postgres("ascent_migrations") as url:
        yield url


def test_employee_numbers_unique_case_insensitively_migration_reports_clashes(empty_database_url, tmp_path):
    """0023 stops on numbers that differ only in case and lists them, rather than merging anyone; once
    they are told apart it adds the index, and the database refuses the next clash itself."""
    app = _people_with_numbers(empty_database_url, tmp_path, ["e-100", "E-100", "N7", "n7", "OK1"])
    with app.app_context():
        try:
            # Alembic's own command: `flask db upgrade` prints the same message and exits with status 1.
            config = app.extensions["migrate"].migrate.get_config()
            with pytest.raises(RuntimeError) as refused:
                alembic_command.upgrade(config, "0023_employee_number_ci")
            message = str(refused.value)
            assert "upper/lower case" in message
            for listed in ("'e-100'", "'E-100'", "'N7'", "'n7'"):
                assert listed in message
            assert "OK1" not in message
            with db.engine.begin() as connection:
                connection.execute(sa.text("UPDATE people SET employee_number = 'E-101' "
                                           "WHERE employee_number = 'E-100'"))
                connection.execute(sa.text("DELETE FROM people WHERE employee_number = 'n7'"))
            upgrade(revision="0023_employee_number_ci")
            with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
                connection.execute(sa.text(
                    "INSERT INTO people (employee_number, full_name, role, locale, active, session_version, "
                    "created_at, updated_at) VALUES ('ok1', 'Another', 'staff', 'it', true, 1, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        finally:
            db.session.remove()
            db.engine.dispose()

"""The schema comes only from migrations: on a fresh database they must build exactly what the models
declare, on SQLite and on PostgreSQL, and go down and up again cleanly."""

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.config import normalise_database_url
from app.extensions import db
from tests.conftest import _test_config

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def schema_differences(engine: sa.Engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


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


def test_migrations_match_the_models_on_postgresql(tmp_path):
    admin = _reachable_postgres()
    name = f"ascent_migrations_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin.url.set(database=name).render_as_string(hide_password=False)
        migrate_up_and_compare(url, tmp_path)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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

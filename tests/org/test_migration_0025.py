"""Migration 0025 on an existing database: every person's name is folded into people.search_name, so
"niccolo" finds a Niccolò added long before the upgrade (SQLite and PostgreSQL, no unaccent extension)."""

import warnings

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from app.org.models import Person
from app.org.search import name_matches
from tests.conftest import _test_config
from tests.core.test_migrations import scratch_postgres

BEFORE = "0024_first_day"
NAMES = {"E-1": "Niccolò Bianchi", "E-2": "Sean O'Connor", "E-3": "Jürgen Weiß", "E-4": "Ada Plain"}


def _check(url: str, instance) -> None:
    app = create_app(_test_config(url, instance))
    with app.app_context():
        try:
            upgrade(revision=BEFORE)
            with db.engine.begin() as connection:
                for number, name in NAMES.items():
                    connection.execute(sa.text(
                        "INSERT INTO people (employee_number, full_name, role, locale, active, session_version, "
                        "created_at, updated_at) VALUES (:n, :name, 'staff', 'it', true, 1, CURRENT_TIMESTAMP, "
                        "CURRENT_TIMESTAMP)"), {"n": number, "name": name})
            upgrade(revision="heads")
            folded = dict(db.session.execute(sa.select(Person.employee_number, Person.search_name)).all())
            assert folded == {"E-1": "niccolo bianchi", "E-2": "sean oconnor", "E-3": "jurgen weiss",
                              "E-4": "ada plain"}
            assert db.session.scalars(sa.select(Person.full_name).where(name_matches("NICCOLO"))).all() == [
                "Niccolò Bianchi"]
            db.session.close()  # SQLite: let go of the write lock before inspecting on another connection
            with warnings.catch_warnings():  # SQLite can't reflect 0023's expression index: not this test's
                warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
                index_columns = {index["name"]: index["column_names"]
                                 for index in sa.inspect(db.engine).get_indexes("people")}
            assert index_columns.get("ix_people_search_name") == ["search_name"]
            downgrade(revision=BEFORE)
            columns = {column["name"] for column in sa.inspect(db.engine).get_columns("people")}
            assert "search_name" not in columns and "full_name" in columns
        finally:
            db.session.remove()
            db.engine.dispose()


def test_existing_names_are_folded_for_search_on_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path / 'existing.db'}", tmp_path)


def test_existing_names_are_folded_for_search_on_postgresql(tmp_path):
    with scratch_postgres("ascent_0025") as url:
        _check(url, tmp_path)

"""The scale-data generator at a tiny size, checked with the app's own code: the ledger verifies, the
board scores are what `flask leaderboards rebuild` computes, no badge or stage-up is left pending, and
the generated sign-in works for the home page and the board fragment. On SQLite always, and on a private
PostgreSQL database when DATABASE_URL names PostgreSQL."""

import os
import uuid

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from bench.scale_data import PASSWORD, database, generate
from tests.conftest import AscentClient

TINY = {"stores": 4, "districts": 2, "people": 60, "entries": 3000}


def _backends() -> list:
    backends = ["sqlite"]
    if os.environ.get("DATABASE_URL", "").startswith(("postgresql", "postgres://")):
        backends.append(pytest.param("postgresql", marks=pytest.mark.postgres))
    return backends


@pytest.fixture(scope="module", params=_backends())
def generated(request, tmp_path_factory):
    """(database URL, generate's result) for a tiny chain; the PostgreSQL database is dropped after."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('scale') / 'scale.db'}"
        yield url, generate(url, quiet=True, **TINY)
        return
    admin = sa.make_url(os.environ["DATABASE_URL"])
    url = admin.set(database=f"ascent_scale_{uuid.uuid4().hex[:8]}").render_as_string(hide_password=False)
    try:
        yield url, generate(url, quiet=True, **TINY)
    finally:
        database.drop_postgres(url)


@pytest.fixture
def scale_app(generated, tmp_path):
    url, _result = generated
    app = create_app({**database.app_config(url, str(tmp_path)), "TESTING": True, "SERVER_NAME": "ascent.test"})
    app.test_client_class = AscentClient
    with app.app_context():
        yield app
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def test_counts_match_the_requested_size(generated):
    _url, result = generated
    counts = result["counts"]
    assert counts["stores"] == 4 and counts["districts"] == 2 and counts["people"] == 60
    # 3,000 awards plus the badge points and corrections they led to.
    assert 3000 <= result["entries"] < 3300
    assert counts["kpi_measurements"] == 4 * result["history_days"] * 8 - 4 * 4  # today: the morning's 4 only
    assert {phase["phase"] for phase in result["phases"]} >= {"ledger, boards, journey", "KPI measurements, targets"}


def test_every_foreign_key_points_at_a_row(scale_app):
    """The load skips per-row foreign key checks for speed: every reference must hold all the same."""
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            parent = key.column.table.alias("parent")
            target = parent.c[key.column.name]
            orphans = db.session.scalar(
                sa.select(sa.func.count()).select_from(table).outerjoin(parent, key.parent == target)
                .where(key.parent.is_not(None), target.is_(None)))
            assert orphans == 0, f"{table.name}.{key.parent.name} -> {key.column.table.name}"


def test_every_balance_equals_its_ledger_sum(scale_app):
    from app.points import ledger
    from app.points.models import PointBalance

    assert ledger.verify() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PointBalance)) == 52  # every associate


def test_board_scores_are_what_the_rebuild_computes(scale_app):
    from app.leaderboards.models import BoardScore
    from app.leaderboards.scores import rebuild_scores

    def snapshot():
        table = BoardScore.__table__
        return sorted(tuple(row) for row in db.session.execute(sa.select(table).order_by(*table.primary_key)))

    generated = snapshot()
    assert len(generated) > 52 * 3
    rebuild_scores()
    assert snapshot() == generated
    db.session.rollback()


def test_no_badge_or_stage_up_is_left_pending(scale_app):
    """The app's own rules, run over every associate, find nothing the generator forgot to grant."""
    from app.badges.services import check_lifetime_badges
    from app.journey.models import PersonStage
    from app.journey.services import evaluate_stage
    from app.org.models import Person, Role
    from app.points.ledger import balances

    staff = db.session.scalars(sa.select(Person).where(Person.role == Role.STAFF)).all()
    for person in staff:
        assert check_lifetime_badges(person, balances(person.id)[0]) == [], person.email
        assert evaluate_stage(person) == [], person.email
    # Most associates passed the first stage's threshold during the year.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonStage)) > len(staff) // 2
    db.session.rollback()


def test_staff_one_signs_in_and_sees_home_and_board(scale_app):
    from app.org.models import Person

    client = scale_app.test_client()
    response = client.post("/login", data={"identifier": "staff1@scale.ascent", "password": PASSWORD})
    assert response.status_code in (302, 303)
    home = client.get("/home")
    assert home.status_code == 200
    board = client.get("/board/", headers={"HX-Request": "true"})
    assert board.status_code == 200
    all_time = client.get("/board/?period=all", headers={"HX-Request": "true"})
    assert all_time.status_code == 200 and "<html" not in all_time.text
    store_one = db.session.scalars(sa.select(Person.full_name).where(Person.store_id == 1, Person.role == "staff"))
    listed = [name for name in store_one if f"{name.split()[0]} {name.split()[-1][0]}." in all_time.text]
    assert len(listed) >= 10  # the top ten of store 1's all-time board

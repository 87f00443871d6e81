"""`flask demo`: a realistic chain to explore, safe to run twice, with five ready-made sign-ins."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.org.demo import DEMO_PASSWORD
from app.org.models import District, Person, Role, Store

DEMO_ACCOUNTS = ["admin@demo.ascent", "hr@demo.ascent", "dm@demo.ascent", "sm@demo.ascent",
                 "staff@demo.ascent"]


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(sa.select(sa.func.count(model.id))) for model in (District, Store, Person))


def person(email: str) -> Person:
    return db.session.scalar(sa.select(Person).where(Person.email == email))


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result


def test_demo_loads_a_whole_chain(demo, points_history):
    districts, stores, people = counts()
    assert (districts, stores) == (3, 12)
    assert 130 <= people <= 170
    assert f"Demo data loaded: {people} people." in demo.output
    assert "ascent-demo" in demo.output
    assert points_history == ["loaded"]


def test_running_it_again_changes_nothing(runner, demo, points_history):
    before = counts()
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0
    assert "Demo data already present; nothing changed." in again.output
    assert counts() == before
    assert points_history == ["loaded"]  # the history is not written twice either


def test_every_store_has_a_manager_and_a_team(demo):
    rows = db.session.execute(
        sa.select(Store.code, Person.role, sa.func.count(Person.id))
        .join(Person, Person.store_id == Store.id).group_by(Store.code, Person.role)
    ).all()
    per_store: dict[str, dict[str, int]] = {}
    for code, role, count in rows:
        per_store.setdefault(code, {})[role] = count
    assert len(per_store) == 12
    for code, roles in per_store.items():
        assert roles == {Role.STORE_MANAGER: 1, Role.STAFF: roles[Role.STAFF]}, code
        assert 9 <= roles[Role.STAFF] <= 13, code
    # Some associates still wait for their invite, so the "waiting to sign in" screens have content.
    waiting = db.session.scalar(sa.select(sa.func.count(Person.id)).where(Person.password_hash.is_(None)))
    assert 0 < waiting < counts()[2] // 2


def test_if_empty_skips_a_database_that_has_people(runner, org, points_history):
    before = counts()
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert "nothing changed" in result.output
    assert counts() == before
    assert person("admin@demo.ascent") is None
    assert points_history == []


def test_if_empty_loads_an_empty_database(runner, app, points_history):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert counts()[:2] == (3, 12)
    assert points_history == ["loaded"]


def test_the_demo_people_fit_together(demo):
    admin, hr = person("admin@demo.ascent"), person("hr@demo.ascent")
    dm, sm, staff = person("dm@demo.ascent"), person("sm@demo.ascent"), person("staff@demo.ascent")
    assert admin.role == Role.ADMIN and hr.role == Role.HR
    assert dm.role == Role.DISTRICT_MANAGER and dm.district_id is not None
    assert sm.role == Role.STORE_MANAGER and sm.store.district_id == dm.district_id
    assert sm.manager_id == dm.id
    assert staff.role == Role.STAFF and staff.store_id == sm.store_id and staff.manager_id == sm.id
    assert all(p.active and p.has_password for p in (admin, hr, dm, sm, staff))


def test_each_demo_account_signs_in_with_the_demo_password(app, demo):
    for email in DEMO_ACCOUNTS:
        client = app.test_client()
        response = client.post("/login", data={"identifier": email, "password": DEMO_PASSWORD})
        assert response.status_code == 303, email
        with client.session_transaction() as session:
            assert session["_user_id"] == person(email).get_id(), email
        assert client.get("/home").status_code == 200, email

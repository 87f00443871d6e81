"""`flask demo remove`: the demo chain goes whole after a confirmation, or, beside anything real, nothing goes."""

import sqlalchemy as sa

from app.extensions import db
from app.kpis.models import KpiDefinition
from app.org.models import District, Person, Role, Store
from tests import factories


def counts() -> tuple[int, int, int]:
    db.session.expire_all()
    return tuple(db.session.scalar(sa.select(sa.func.count(model.id))) for model in (District, Store, Person))


def test_demo_remove_asks_then_deletes_the_whole_demo_and_keeps_the_defaults(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    loaded, library = counts(), db.session.scalar(sa.select(sa.func.count(KpiDefinition.id)))
    assert loaded[2] > 100

    declined = runner.invoke(args=["demo", "remove"], input="n\n")
    assert declined.exit_code == 1 and "Delete all of it?" in declined.output
    assert counts() == loaded

    result = runner.invoke(args=["demo", "remove"], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Demo removed:" in result.output and "people: " in result.output
    assert counts() == (0, 0, 0)
    # Whatever the demo's people did went with them; the product's defaults stay.
    for table in db.metadata.sorted_tables:
        if table.name not in ("journey_stages", "badge_definitions", "kpi_definitions", "company_values"):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(table)) == 0, table.name
    assert db.session.scalar(sa.select(sa.func.count(KpiDefinition.id))) == library

    again = runner.invoke(args=["demo", "remove", "--yes"])
    assert again.exit_code == 0 and "No demo chain" in again.output


def test_demo_remove_refuses_beside_real_people_or_stores_and_changes_nothing(app, runner):
    """A real administrator with no store (NULL store and district: the case SQL's NOT would miss) or a real
    store in a demo district: refused, with what is not the demo's, and nothing deleted."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    real = factories.make_person(Role.ADMIN, name="Ada Reale", email="ada@chain.example", employee_number="R1")
    db.session.commit()
    before = counts()
    result = runner.invoke(args=["demo", "remove", "--yes"])
    assert result.exit_code == 1
    assert "nothing was deleted" in result.output and "R1 Ada Reale" in result.output
    assert counts() == before
    assert db.session.get(Person, real.id) is not None

    db.session.delete(real)
    district = db.session.scalar(sa.select(District).where(District.code == "LOMN"))
    factories.make_store(district, "Bergamo", "BG01")
    db.session.commit()
    before = counts()
    result = runner.invoke(args=["demo", "remove", "--yes"])
    assert result.exit_code == 1 and "store BG01 Bergamo" in result.output
    assert counts() == before

"""Goal templates applied to many stores or people at once: all or nothing, and never twice."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.core.errors import ServiceError
from app.extensions import db
from app.kpis.aggregation import period_bounds
from app.okrs import goal_templates
from app.okrs.models import KeyResult, Objective
from app.okrs.services import KeyResultDraft
from tests.factories import make_store


def _template(actor, level="store", **values):
    template = goal_templates.create_template(
        actor, name=values.get("name", "Store basics"), level=level, title="Every customer greeted",
        description="Why it matters.", key_results=values.get("key_results", [
            KeyResultDraft(title="Conversion", kind="kpi", start=10, target=13, kpi_id=values.get("kpi_id")),
            KeyResultDraft(title="Greeting training done", kind="boolean", start=None, target=None, weight=2)]))
    db.session.commit()
    return template


def _objectives() -> list[Objective]:
    return list(db.session.scalars(sa.select(Objective).order_by(Objective.id)))


def test_template_applied_to_three_stores_then_again(app, org, goals, kpi_library):
    third = make_store(org.district, "Como", "CO01")
    parent = goals.objective("district", title="North grows", district=org.district)
    db.session.commit()
    template = _template(org.dm, kpi_id=kpi_library["conversion_rate"].id)
    start, end = period_bounds("quarter", date.today())
    stores = [org.store.id, org.sibling_store.id, third.id]

    result = goal_templates.apply_template(org.dm, template, stores, period_start=start, period_end=end,
                                           parent_id=parent.id)
    db.session.commit()

    assert len(result.created) == 3 and result.skipped == []
    made = [o for o in _objectives() if o.template_id == template.id]
    assert sorted(o.store_id for o in made) == sorted(stores)
    assert {o.parent_id for o in made} == {parent.id}
    assert all([kr.title for kr in o.key_results] == ["Conversion", "Greeting training done"] for o in made)
    assert made[0].key_results[0].kpi_id == kpi_library["conversion_rate"].id

    again = goal_templates.apply_template(org.dm, template, stores, period_start=start, period_end=end)
    db.session.commit()

    assert again.created == [] and sorted(again.skipped) == ["Como", "Milano Duomo", "Monza"]
    assert len(_objectives()) == 4  # the parent and three, not six


def test_applying_outside_the_scope_changes_nothing(app, org):
    template = _template(org.sm, key_results=[KeyResultDraft(title="Sales", start=0, target=10)])
    start, end = period_bounds("quarter", date.today())
    with pytest.raises(ServiceError, match="nothing was created"):
        goal_templates.apply_template(org.sm, template, [org.store.id, org.sibling_store.id], period_start=start,
                                      period_end=end)
    db.session.rollback()
    assert _objectives() == []


def test_template_for_people(app, org):
    template = _template(org.sm, "person", key_results=[KeyResultDraft(title="Upsell", start=0, target=20)])
    start, end = period_bounds("quarter", date.today())
    result = goal_templates.apply_template(org.sm, template, [org.staff.id, org.colleague.id], period_start=start,
                                           period_end=end)
    db.session.commit()
    assert sorted((o.person_id, o.owner_id) for o in result.created) == sorted(
        [(org.staff.id, org.staff.id), (org.colleague.id, org.colleague.id)])


def test_template_validation(app, org):
    with pytest.raises(ServiceError, match="weight must be more than 0"):
        _template(org.sm, key_results=[KeyResultDraft(title="Bad", start=0, target=1, weight=0)])
    db.session.rollback()
    with pytest.raises(ServiceError, match="at least one key result"):
        _template(org.sm, key_results=[])
    db.session.rollback()
    with pytest.raises(ServiceError, match="Only managers and HR"):
        _template(org.staff, key_results=[KeyResultDraft(title="Fine", start=0, target=1)])


def test_deleting_a_template_keeps_its_objectives(app, org):
    template = _template(org.sm, key_results=[KeyResultDraft(title="Sales", start=0, target=10)])
    start, end = period_bounds("quarter", date.today())
    goal_templates.apply_template(org.sm, template, [org.store.id], period_start=start, period_end=end)
    db.session.commit()
    with pytest.raises(ServiceError):
        goal_templates.delete_template(org.sibling_sm, template)
    goal_templates.delete_template(org.sm, template)
    db.session.commit()
    assert len(_objectives()) == 1 and _objectives()[0].template_id is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KeyResult)) == 1

"""Writing objectives and check-ins: who may, and bad input refused with a clear message, nothing changed."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.core.errors import ServiceError
from app.extensions import db
from app.kpis.aggregation import period_bounds
from app.okrs import rules, services
from app.okrs.models import CheckIn, KeyResult, Objective
from app.okrs.services import KeyResultDraft, ObjectiveDraft


def _draft(level="store", **values) -> ObjectiveDraft:
    start, end = period_bounds("quarter", date.today())
    values.setdefault("key_results", [KeyResultDraft(title="Conversion", start=10, target=13, weight=2)])
    return ObjectiveDraft(title=values.pop("title", "Convert more visitors"), level=level, period_start=start,
                          period_end=end, **values)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_store_manager_creates_a_store_objective_aligned_to_the_district(app, org, goals):
    district_goal = goals.objective("district", title="North grows", district=org.district)
    db.session.commit()

    objective = services.create_objective(org.sm, _draft(store_id=org.store.id, parent_id=district_goal.id))
    db.session.commit()

    assert objective.level == "store" and objective.store_id == org.store.id
    assert objective.owner_id == org.sm.id and objective.created_by_id == org.sm.id
    assert objective.parent_id == district_goal.id
    assert [(kr.title, kr.start_value, kr.target_value, kr.weight, kr.current_value)
            for kr in objective.key_results] == [("Conversion", 10, 13, 2, 10)]


@pytest.mark.parametrize(("who", "level", "target", "allowed"), [
    ("sm", "store", "store", True),
    ("sm", "store", "sibling_store", False),  # another store
    ("sm", "person", "staff", True),
    ("sm", "person", "sibling_staff", False),
    ("sm", "district", "district", False),
    ("sm", "company", None, False),
    ("staff", "store", "store", False),  # staff can't create store objectives
    ("staff", "person", "staff", True),  # their own
    ("staff", "person", "colleague", False),
    ("dm", "district", "district", True),
    ("dm", "district", "other_district", False),
    ("dm", "store", "sibling_store", True),
    ("dm", "store", "other_store", False),
    ("dm", "company", None, False),
    ("hr", "company", None, True),
    ("hr", "store", "other_store", True),
])
def test_who_may_create_what(app, org, who, level, target, allowed):
    actor = getattr(org, who)
    values = {}
    if target:
        thing = getattr(org, target)
        values[{"store": "store_id", "district": "district_id", "person": "person_id"}[level]] = thing.id
    draft = _draft(level, **values)
    if allowed:
        services.create_objective(actor, draft)
        assert _count(Objective) == 1
    else:
        with pytest.raises(ServiceError) as refused:
            services.create_objective(actor, draft)
        assert refused.value.message == "You can't add an objective there."
        db.session.rollback()
        assert _count(Objective) == 0


@pytest.mark.parametrize(("change", "message"), [
    ({"key_results": [KeyResultDraft(title="Flat", start=5, target=5)]},
     "Key result “Flat”: the target must differ from the start, or there is nothing to measure."),
    ({"key_results": [KeyResultDraft(title="Heavy", start=0, target=5, weight=0)]},
     "Key result “Heavy”: the weight must be more than 0."),
    ({"key_results": [KeyResultDraft(title="Negative", start=0, target=5, weight=-1)]},
     "Key result “Negative”: the weight must be more than 0."),
    ({"key_results": [KeyResultDraft(title="", start=0, target=5)]}, "Key result 1 needs a title."),
    ({"key_results": [KeyResultDraft(title="KPI", kind="kpi", start=0, target=5)]},
     "Key result “KPI”: choose the KPI it follows."),
    ({"title": "  "}, "Give the objective a title."),
])
def test_bad_input_is_refused_with_a_clear_message(app, org, change, message):
    with pytest.raises(ServiceError) as refused:
        services.create_objective(org.sm, _draft(store_id=org.store.id, **change))
    assert refused.value.message == message
    db.session.rollback()
    assert _count(Objective) == 0 and _count(KeyResult) == 0


def test_period_must_end_after_it_starts(app, org):
    draft = _draft(store_id=org.store.id)
    draft.period_start, draft.period_end = date(2026, 12, 31), date(2026, 10, 1)
    with pytest.raises(ServiceError, match="The period must end after it starts."):
        services.create_objective(org.sm, draft)
    db.session.rollback()
    assert _count(Objective) == 0


def test_parent_must_be_one_level_up_and_visible(app, org, goals):
    other_district_goal = goals.objective("district", district=org.other_district)
    company = goals.objective()
    db.session.commit()
    for parent in (other_district_goal, company):  # not visible / wrong level
        with pytest.raises(ServiceError, match="Align it with an objective one level up"):
            services.create_objective(org.sm, _draft(store_id=org.store.id, parent_id=parent.id))
        db.session.rollback()
    assert _count(Objective) == 2


def test_boolean_key_results_ignore_start_and_target(app, org):
    objective = services.create_objective(org.staff, _draft(
        "person", person_id=org.staff.id,
        key_results=[KeyResultDraft(title="Finish the VM course", kind="boolean", start=None, target=None)]))
    assert (objective.key_results[0].start_value, objective.key_results[0].target_value) == (0, 1)
    assert objective.owner_id == org.staff.id


def test_editing_updates_adds_and_removes_key_results(app, org):
    objective = services.create_objective(org.sm, _draft(store_id=org.store.id, key_results=[
        KeyResultDraft(title="Keep", start=0, target=10), KeyResultDraft(title="Drop", start=0, target=10)]))
    keep, drop = objective.key_results
    services.check_in(org.sm, drop, confidence="at_risk")
    db.session.commit()
    draft = _draft(store_id=org.store.id, title="Renamed", key_results=[
        KeyResultDraft(title="Kept, renamed", start=0, target=20, id=keep.id),
        KeyResultDraft(title="New one", start=1, target=2)])

    services.update_objective(org.sm, objective, draft)
    db.session.commit()

    assert objective.title == "Renamed"
    assert [(kr.title, kr.target_value) for kr in objective.key_results] == [("Kept, renamed", 20), ("New one", 2)]
    assert objective.key_results[0].id == keep.id
    assert _count(CheckIn) == 0  # the removed key result's check-ins went with it


def test_check_in_moves_the_current_value(app, org, goals):
    objective = goals.objective("person", person=org.staff, owner=org.staff)
    kr = goals.kr(objective, start=0, target=10, current=0)
    db.session.commit()

    entry = services.check_in(org.staff, kr, confidence="at_risk", value=4, comment="  Slow   week ")
    db.session.commit()

    assert (entry.confidence, entry.value, entry.comment, entry.person_id) == ("at_risk", 4, "Slow week", org.staff.id)
    assert kr.current_value == 4


def test_staff_check_in_only_on_their_own(app, org, goals):
    theirs = goals.kr(goals.objective("person", person=org.colleague, owner=org.colleague))
    store_kr = goals.kr(goals.objective("store", store=org.store, owner=org.sm))
    db.session.commit()
    for kr in (theirs, store_kr):
        with pytest.raises(ServiceError, match="Only the owner or a manager"):
            services.check_in(org.staff, kr, confidence="on_track")
        db.session.rollback()
    services.check_in(org.sm, theirs, confidence="on_track")  # their manager may
    assert _count(CheckIn) == 1


def test_check_in_refuses_an_unknown_confidence(app, org, goals):
    kr = goals.kr(goals.objective("person", person=org.staff, owner=org.staff))
    db.session.commit()
    with pytest.raises(ServiceError, match="on track, at risk or off track"):
        services.check_in(org.staff, kr, confidence="great")


def test_kpi_check_in_keeps_the_kpi_in_charge(app, org, goals, kpi_library):
    kr = goals.kr(goals.objective("store", store=org.store, owner=org.sm), kind="kpi",
                  kpi=kpi_library["sales"], current=None)
    db.session.commit()
    entry = services.check_in(org.sm, kr, confidence="on_track", value=999)
    assert entry.value is None and kr.current_value is None


def test_visibility(app, org, goals):
    company = goals.objective()
    own_district = goals.objective("district", district=org.district)
    other_district = goals.objective("district", district=org.other_district)
    store = goals.objective("store", store=org.store)
    sibling = goals.objective("store", store=org.sibling_store)
    mine = goals.objective("person", person=org.staff)
    colleague = goals.objective("person", person=org.colleague)
    db.session.commit()

    def seen(person):
        return {o.id for o in db.session.scalars(rules.visible_objectives(person))}

    assert seen(org.staff) == {company.id, own_district.id, store.id, mine.id}
    assert seen(org.sm) == {company.id, own_district.id, store.id, mine.id, colleague.id}
    assert seen(org.dm) == {company.id, own_district.id, store.id, sibling.id, mine.id, colleague.id}
    assert seen(org.other_sm) == {company.id, other_district.id}
    assert len(seen(org.hr)) == 7

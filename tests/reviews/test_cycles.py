"""HR's cycles: templates, participants, launch, and phases that only move forward, only by HR."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.core.errors import ServiceError
from app.extensions import db
from app.nudges.models import Notification
from app.reviews import cycles
from app.reviews.models import Review, ReviewCycle
from tests.factories import make_person
from tests.reviews.factories import make_cycle, make_template


def _draft(template, **values) -> cycles.CycleDraft:
    defaults = {"name": "First half 2026", "period_start": date(2026, 1, 1), "period_end": date(2026, 6, 30),
                "template_id": template.id}
    return cycles.CycleDraft(**(defaults | values))


def test_template_parses_competencies_and_questions(org):
    template = cycles.create_template(org.hr, " Store associate ", "Customer focus: greets, listens\n\nTeamwork\n"
                                      "Teamwork", "What went well?\n  \nWhat next?")
    assert template.name == "Store associate"
    assert template.competencies == [
        {"key": "customer_focus", "label": "Customer focus", "description": "greets, listens"},
        {"key": "teamwork", "label": "Teamwork", "description": ""},
        {"key": "teamwork_2", "label": "Teamwork", "description": ""}]
    assert template.questions == ["What went well?", "What next?"]


def test_template_needs_a_competency_and_hr(org):
    with pytest.raises(ServiceError, match="competency"):
        cycles.create_template(org.hr, "Empty", "  \n", "")
    with pytest.raises(ServiceError):
        cycles.create_template(org.dm, "Mine", "Teamwork", "")


def test_create_cycle_checks_dates_and_keeps_the_filters(org):
    template = make_template()
    with pytest.raises(ServiceError, match="end after"):
        cycles.create_cycle(org.hr, _draft(template, period_end=date(2025, 12, 1)))
    with pytest.raises(ServiceError, match="due after"):
        cycles.create_cycle(org.hr, _draft(template, self_due=date(2026, 7, 10), manager_due=date(2026, 7, 5)))
    cycle = cycles.create_cycle(org.hr, _draft(template, store_ids=[org.store.id], roles=["staff", "bogus"],
                                               hired_before=date.today()))
    assert (cycle.phase, cycle.store_ids, cycle.roles) == ("draft", [org.store.id], ["staff"])


def test_participants_by_store_role_and_hire_date(org):
    make_person(store=org.store, manager=org.sm, hired_days_ago=5, name="New Hire")
    make_person(store=org.store, manager=org.sm, active=False)
    assert cycles.participant_count([org.store.id], ["staff"], None) == 3  # staff, colleague, new hire
    assert cycles.participant_count([org.store.id], ["staff"], date.today() - timedelta(days=30)) == 2
    assert cycles.participant_count([org.store.id], ["store_manager"], None) == 1
    # No stores picked: every store; no role picked: associates and store managers.
    assert cycles.participant_count([], [], None) == 8


def test_launch_creates_one_review_each_with_todays_manager(org):
    cycle = cycles.create_cycle(org.hr, _draft(make_template(), store_ids=[org.store.id], roles=["staff"]))
    assert cycles.launch(org.hr, cycle) == 2
    db.session.commit()
    reviews = db.session.scalars(sa.select(Review).order_by(Review.person_id)).all()
    assert [(r.person_id, r.manager_id, r.store_id) for r in reviews] == [
        (org.staff.id, org.sm.id, org.store.id), (org.colleague.id, org.sm.id, org.store.id)]
    assert cycle.phase == "self_review" and cycle.launched_at is not None
    # Everyone taking part hears the self-review is open.
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))
                             .where(Notification.nudge_type == "review_phase_due")) == 2
    with pytest.raises(ServiceError, match="already been launched"):
        cycles.launch(org.hr, cycle)


def test_launch_with_nobody_changes_nothing(org):
    cycle = cycles.create_cycle(org.hr, _draft(make_template(), roles=["staff"], hired_before=date(1990, 1, 1)))
    db.session.commit()
    with pytest.raises(ServiceError, match="Nobody"):
        cycles.launch(org.hr, cycle)
    db.session.rollback()
    assert db.session.get(ReviewCycle, cycle.id).phase == "draft"


def test_phases_move_forward_one_at_a_time_to_closed(org):
    cycle = make_cycle("self_review", [org.staff])
    seen = []
    while cycle.phase != "closed":
        seen.append(cycles.advance(org.hr, cycle, cycle.phase))
    assert seen == ["manager_review", "calibration", "sign_off", "closed"]
    with pytest.raises(ServiceError, match="closed"):
        cycles.advance(org.hr, cycle, "closed")


def test_advance_refuses_a_stale_confirmation(org):
    """Two HR people confirm from the same page: the second doesn't skip a phase."""
    cycle = make_cycle("self_review", [org.staff])
    cycles.advance(org.hr, cycle, "self_review")
    with pytest.raises(ServiceError, match="already moved on"):
        cycles.advance(org.hr, cycle, "self_review")
    assert cycle.phase == "manager_review"


@pytest.mark.parametrize("role", ["staff", "store_manager", "district_manager"])
def test_only_hr_moves_phases(org, role):
    cycle = make_cycle("self_review", [org.staff])
    with pytest.raises(ServiceError, match="Only HR"):
        cycles.advance(org.by_role(role), cycle, "self_review")
    assert cycle.phase == "self_review"


def test_a_draft_is_launched_not_advanced(org):
    cycle = make_cycle("draft")
    with pytest.raises(ServiceError, match="Launch"):
        cycles.advance(org.admin, cycle, "draft")

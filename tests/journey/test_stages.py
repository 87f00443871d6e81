import pytest
import sqlalchemy as sa

from app.badges import services as badges
from app.core.errors import ServiceError
from app.core.signals import MissionCompleted, mission_completed, stage_reached
from app.extensions import db
from app.journey import services
from app.journey.models import PersonStage, StageChange
from app.points import ledger
from tests.journey.helpers import badge, pay, stage


def test_everyone_starts_in_the_first_stage(org):
    assert services.current_stage(org.staff).key == "onboarding"


def test_current_stage_works_without_any_configured_stage(org):
    db.session.execute(sa.delete(PersonStage))
    from app.journey.models import Stage

    db.session.execute(sa.update(Stage).values(required_badge_keys=[]))
    db.session.execute(sa.delete(Stage))
    assert services.current_stage(org.staff).key == "onboarding"
    assert services.evaluate_stage(org.staff) == []


def test_points_move_a_person_up_inside_the_award_transaction(org):
    reached = []

    def listen(_sender, *, event):
        reached.append(event)

    stage_reached.connect(listen)
    try:
        pay(org.staff, 149)
        assert services.current_stage(org.staff).key == "onboarding"
        pay(org.staff, 1)
    finally:
        stage_reached.disconnect(listen)
    assert services.current_stage(org.staff).key == "engagement"
    change = db.session.scalar(sa.select(StageChange))
    assert change.from_stage.key == "onboarding" and change.to_stage.key == "engagement"
    assert change.seen_at is None
    assert change.manager_id == org.sm.id and change.store_id == org.store.id
    assert [event.stage.key for event in reached][-1] == "engagement"
    db.session.rollback()  # the stage-up rolls back with the award that caused it
    assert services.current_stage(org.staff).key == "onboarding"
    assert db.session.scalar(sa.select(sa.func.count(StageChange.id))) == 0


def test_leader_needs_points_badge_and_endorsement(org):
    pay(org.staff, 2000)
    assert services.current_stage(org.staff).key == "engagement"
    badges.manual_grant(org.sm, org.staff, badge("mentor"), "Took Cosimo under her wing")
    assert services.current_stage(org.staff).key == "engagement"  # still no endorsement
    services.endorse(org.sm, org.staff, stage("leader"), "Ready to lead the morning shift")
    assert services.current_stage(org.staff).key == "leader"
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(StageChange.id))) == 2


def test_endorsement_first_then_points(org):
    pay(org.staff, 200)
    badges.manual_grant(org.sm, org.staff, badge("mentor"), "Mentored a new hire")
    services.endorse(org.sm, org.staff, stage("leader"), "Ready")
    assert services.current_stage(org.staff).key == "engagement"
    pay(org.staff, 1300)
    assert services.current_stage(org.staff).key == "leader"


def test_several_stages_in_one_go_are_each_recorded(org):
    leader = stage("leader")
    leader.required_badge_keys, leader.requires_endorsement = [], False
    db.session.flush()
    pay(org.staff, 1600)
    assert services.current_stage(org.staff).key == "leader"
    keys = [c.to_stage.key for c in db.session.scalars(sa.select(StageChange).order_by(StageChange.id))]
    assert keys == ["engagement", "leader"]


def test_never_down(org):
    leader = stage("leader")
    leader.required_badge_keys, leader.requires_endorsement = [], False
    db.session.flush()
    result = pay(org.staff, 1600)
    assert services.current_stage(org.staff).key == "leader"
    ledger.reverse(result.entry, reason="Wrong person", reversed_by=org.hr)  # lifetime drops to 0
    leader.min_lifetime_points = 1_000
    db.session.flush()
    services.evaluate_stage(org.staff)
    assert ledger.balances(org.staff.id)[0] < 1_000  # only the badges' own points are left
    assert services.current_stage(org.staff).key == "leader"


def test_expired_badge_does_not_take_a_stage_away(org):
    pay(org.staff, 1500)
    mentor = badge("mentor")
    grant = badges.manual_grant(org.sm, org.staff, mentor, "Mentor")
    services.endorse(org.sm, org.staff, stage("leader"), "Ready")
    assert services.current_stage(org.staff).key == "leader"
    from datetime import timedelta

    grant.expires_at = grant.created_at - timedelta(days=1)
    db.session.flush()
    services.evaluate_stage(org.staff)
    assert services.current_stage(org.staff).key == "leader"


def test_required_missions_come_from_mission_completed(org):
    engagement = stage("engagement")
    engagement.required_mission_ids = [7, 8]
    db.session.flush()
    pay(org.staff, 200)
    assert services.current_stage(org.staff).key == "onboarding"

    class Obj:  # what the signal's receivers read of a mission and an assignment
        def __init__(self, id):
            self.id = id
            self.title = f"Mission {id}"
            self.points = 10
            self.badge_id = None

    def complete(mission_id, assignment_id):
        mission_completed.send(None, event=MissionCompleted(person=org.staff, mission=Obj(mission_id),
                                                            assignment=Obj(assignment_id)))

    complete(7, 70)
    assert services.current_stage(org.staff).key == "onboarding"
    complete(8, 80)
    complete(8, 80)  # replay: no effect
    assert services.current_stage(org.staff).key == "engagement"


def test_concurrent_evaluations_record_one_stage_up(org):
    pay(org.staff, 200)
    assert services.evaluate_stage(org.staff) == []  # already moved by the award itself
    assert db.session.scalar(sa.select(sa.func.count(StageChange.id))) == 1


# Endorsements ---------------------------------------------------------------------------------------

def test_endorsement_rules(org):
    leader = stage("leader")
    with pytest.raises(ServiceError):
        services.endorse(org.sm, org.staff, leader, "   ")
    with pytest.raises(ServiceError):
        services.endorse(org.sm, org.staff, stage("engagement"), "Needs none")
    with pytest.raises(ServiceError):
        services.endorse(org.other_sm, org.staff, leader, "Not my store")
    with pytest.raises(ServiceError):
        services.endorse(org.colleague, org.staff, leader, "A colleague isn't a manager")
    services.endorse(org.dm, org.staff, leader, "District sees it too")
    with pytest.raises(ServiceError):
        services.endorse(org.sm, org.staff, leader, "Twice")


def test_endorsement_is_audited(org):
    from app.core.audit import AuditEntry

    services.endorse(org.sm, org.staff, stage("leader"), "Ready")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "journey.endorsed"))
    assert entry.actor_id == org.sm.id and entry.target_id == org.staff.id


def test_recent_stage_ups_for_the_manager_are_scoped(org):
    from app.journey.queries import recent_stage_ups

    pay(org.staff, 200)
    pay(org.other_staff, 200)
    db.session.commit()
    assert [c.person_id for c in recent_stage_ups(org.sm)] == [org.staff.id]
    assert [c.person_id for c in recent_stage_ups(org.other_sm)] == [org.other_staff.id]
    assert {c.person_id for c in recent_stage_ups(org.hr)} == {org.staff.id, org.other_staff.id}
    assert recent_stage_ups(org.colleague) == []


def test_levels_inside_a_stage(org):
    from app.journey.queries import journey_for, level_in

    assert level_in(stage("engagement"), 150) == (1, 150, 400)
    assert level_in(stage("engagement"), 649) == (2, 400, 650)
    pay(org.staff, 420)
    journey = journey_for(org.staff)
    assert journey.current.key == "engagement" and journey.level == 2
    assert journey.points_to_next_level == 230
    assert journey.next.key == "leader"
    assert journey.percent == (100 * (420 - 150)) // (1500 - 150)
    assert [(n.kind, n.done) for n in journey.needs] == [("points", False), ("badge", False),
                                                         ("endorsement", False)]
    assert journey.missing[0].text == "1080 more points"


# HR's stage settings (app/journey/settings.py) ---------------------------------------------------------

def _update(stage_obj, actor, **changes):
    from app.journey import settings

    values = dict(name=stage_obj.name, description=stage_obj.description,
                  min_lifetime_points=stage_obj.min_lifetime_points,
                  required_badge_keys=list(stage_obj.required_badge_keys),
                  required_mission_ids=list(stage_obj.required_mission_ids),
                  requires_endorsement=stage_obj.requires_endorsement, level_points=stage_obj.level_points)
    values.update(changes)
    return settings.update_stage(actor, stage_obj, **values)


def test_a_stage_requires_active_missions_only(org):
    from tests.missions.factories import make_mission

    live = make_mission(title="Our values", audience="journey")
    gone = make_mission(title="Old promotion", audience="journey", active=False)
    leader = stage("leader")
    for bad in ([gone.id], [live.id, None], [10**6]):
        with pytest.raises(ServiceError) as error:
            _update(leader, org.hr, required_mission_ids=bad)
        assert error.value.field == "required_mission_ids"
        assert leader.required_mission_ids == []
    _update(leader, org.hr, required_mission_ids=[live.id, live.id])
    assert leader.required_mission_ids == [live.id]


def test_a_withdrawn_badge_already_required_may_stay_but_not_be_added(org):
    leader = stage("leader")
    badge("mentor").active = False
    _update(leader, org.hr, name="Leaders")  # still requires the withdrawn Mentor badge: kept
    assert leader.required_badge_keys == ["mentor"]
    badge("customer_hero").active = False
    with pytest.raises(ServiceError) as error:
        _update(leader, org.hr, required_badge_keys=["mentor", "customer_hero"])
    assert error.value.field == "required_badge_keys"
    assert leader.required_badge_keys == ["mentor"]

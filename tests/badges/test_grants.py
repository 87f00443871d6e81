from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.badges import services
from app.badges.models import BadgeDefinition, BadgeGrant
from app.core.audit import AuditEntry
from app.core.errors import ServiceError
from app.core.signals import ActivityRecorded, MissionCompleted, activity_recorded, badge_granted, mission_completed
from app.extensions import db
from app.points import ledger
from app.points.models import PointEntry
from tests.journey.helpers import badge, pay


def held(person, key):
    grants = db.session.scalars(sa.select(BadgeGrant).where(BadgeGrant.person_id == person.id))
    return key in {grant.badge.key for grant in grants}


def test_grant_is_idempotent_and_pays_once(org):
    mentor = badge("mentor")
    first = services.grant(org.staff, mentor)
    again = services.grant(org.staff, mentor)
    assert first.created and not again.created and again.grant.id == first.grant.id
    entries = list(db.session.scalars(sa.select(PointEntry).where(PointEntry.source_type == "badge")))
    assert [(e.amount, e.idempotency_key) for e in entries] == [(30, f"badge:{first.grant.id}")]
    assert ledger.balances(org.staff.id) == (30, 30)


def test_grant_sends_badge_granted(org):
    seen = []

    def listen(_sender, *, event):
        seen.append((event.person.id, event.badge.key, event.grant.id))

    badge_granted.connect(listen)
    try:
        result = services.grant(org.staff, badge("customer_hero"))
    finally:
        badge_granted.disconnect(listen)
    assert seen == [(org.staff.id, "customer_hero", result.grant.id)]


def test_expired_badge_can_be_earned_again(org):
    hand = badge("helping_hand")  # expires after 90 days
    first = services.grant(org.staff, hand, now=datetime(2026, 1, 1))
    assert first.grant.expires_at == datetime(2026, 4, 1)
    assert not services.grant(org.staff, hand, now=datetime(2026, 3, 31)).created
    second = services.grant(org.staff, hand, now=datetime(2026, 4, 2))
    assert second.created and second.grant.generation == 2


def test_lifetime_points_badges(org):
    pay(org.staff, 49)
    assert not held(org.staff, "first_steps")
    pay(org.staff, 1)
    assert held(org.staff, "first_steps") and not held(org.staff, "rising_star")
    pay(org.staff, 480)  # 530 + rising star's own 20 points
    assert held(org.staff, "rising_star")
    assert ledger.balances(org.staff.id)[0] == 550


def test_streak_badge_from_activity(org):
    from datetime import date

    for day in range(1, 4):
        on = date(2026, 3, day)
        activity_recorded.send(None, event=ActivityRecorded(person=org.staff, activity="mission", on=on))
    assert held(org.staff, "on_a_roll") and not held(org.staff, "week_warrior")


def test_mission_badge_and_mission_count(org):
    window = BadgeDefinition(key="window_pro", name="Window pro", image="customer_hero.svg", tier="silver",
                             criterion="mission", mission_id=42, granters=[], points=0)
    db.session.add(window)
    db.session.flush()

    class Obj:  # what the signal's receivers read of a mission and an assignment
        def __init__(self, id):
            self.id = id
            self.title = f"Mission {id}"
            self.points = 10
            self.badge_id = None

    mission_completed.send(None, event=MissionCompleted(person=org.staff, mission=Obj(41), assignment=Obj(1)))
    assert held(org.staff, "first_mission") and not held(org.staff, "window_pro")
    mission_completed.send(None, event=MissionCompleted(person=org.staff, mission=Obj(42), assignment=Obj(2)))
    assert held(org.staff, "window_pro")
    assert services.event_count(org.staff.id, "mission_completed") == 2


def test_event_count_badges_count_each_source_once(org):
    for n in range(4):
        services.record_event(org.staff, "kudos_received", f"kudos:{n}")
    services.record_event(org.staff, "kudos_received", "kudos:3")  # a replay
    assert services.event_count(org.staff.id, "kudos_received") == 4
    assert not held(org.staff, "team_player")
    grants = services.record_event(org.staff, "kudos_received", "kudos:4")
    assert [g.badge.key for g in grants] == ["team_player"]


def test_inactive_badges_are_not_granted_automatically(org):
    badge("first_steps").active = False
    db.session.flush()
    pay(org.staff, 60)
    assert not held(org.staff, "first_steps")


# Manual grants ------------------------------------------------------------------------------------------

def test_manager_grants_inside_scope_and_it_is_audited(org):
    grant = services.manual_grant(org.sm, org.staff, badge("mentor"), "Guided Cosimo's first week")
    assert grant.granted_by_id == org.sm.id and grant.note == "Guided Cosimo's first week"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "badge.granted"))
    assert entry.actor_id == org.sm.id and entry.target_id == org.staff.id
    assert entry.details["badge"] == "mentor"


@pytest.mark.parametrize("granter", ["other_sm", "sibling_sm", "other_dm"])
def test_managers_of_other_stores_cannot_grant(org, granter):
    with pytest.raises(ServiceError):
        services.manual_grant(getattr(org, granter), org.staff, badge("mentor"), "Nice")
    assert not held(org.staff, "mentor")


def test_hr_only_badge(org):
    ambassador = badge("brand_ambassador")
    with pytest.raises(ServiceError):
        services.manual_grant(org.sm, org.staff, ambassador, "Great at the fair")
    services.manual_grant(org.hr, org.staff, ambassador, "Great at the fair")
    assert held(org.staff, "brand_ambassador")


def test_peers_may_pass_on_a_badge_they_hold(org):
    hero = badge("customer_hero")
    with pytest.raises(ServiceError):  # doesn't hold it
        services.manual_grant(org.colleague, org.staff, hero, "Saved the day")
    services.grant(org.colleague, hero)
    services.manual_grant(org.colleague, org.staff, hero, "Saved the day")
    assert held(org.staff, "customer_hero")
    with pytest.raises(ServiceError):  # a peer can't reach another store
        services.manual_grant(org.colleague, org.sibling_staff, hero, "Saved the day")
    services.grant(org.colleague, badge("mentor"))
    with pytest.raises(ServiceError):  # holding it isn't enough: mentor isn't passed on by peers
        services.manual_grant(org.colleague, org.staff, badge("mentor"), "Guided me")


def test_nobody_grants_themselves_or_earned_badges(org):
    with pytest.raises(ServiceError):
        services.manual_grant(org.hr, org.hr, badge("mentor"), "Me")
    with pytest.raises(ServiceError):
        services.manual_grant(org.hr, org.staff, badge("first_steps"), "Earned, not given")


def test_manual_grant_needs_a_note_and_refuses_duplicates(org):
    with pytest.raises(ServiceError):
        services.manual_grant(org.sm, org.staff, badge("mentor"), "   ")
    services.manual_grant(org.sm, org.staff, badge("mentor"), "Great")
    with pytest.raises(ServiceError):
        services.manual_grant(org.dm, org.staff, badge("mentor"), "Again")


def test_monthly_limit_per_granter(org):
    champion = badge("store_champion")  # one a month per granter
    now = datetime(2026, 5, 10, 12)
    services.manual_grant(org.sm, org.staff, champion, "May champion", now=now)
    with pytest.raises(ServiceError, match="this month"):
        services.manual_grant(org.sm, org.colleague, champion, "Also great", now=now + timedelta(days=5))
    services.manual_grant(org.dm, org.colleague, champion, "The district agrees", now=now)  # another granter
    services.manual_grant(org.sm, org.colleague, champion, "Another month", now=datetime(2026, 7, 1, 8))
    assert held(org.colleague, "store_champion")


def test_giveable_badges_depend_on_the_granter(org):
    manual = {b.key for b in services.giveable_badges(org.sm, org.staff)}
    assert manual == {"mentor", "helping_hand", "customer_hero", "store_champion"}
    assert services.giveable_badges(org.colleague, org.staff) == []
    assert services.giveable_badges(org.other_sm, org.staff) == []
    assert "brand_ambassador" in {b.key for b in services.giveable_badges(org.hr, org.staff)}

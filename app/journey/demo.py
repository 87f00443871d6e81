"""Journey demo data: streaks, badges (earned, given by managers and colleagues), endorsements and a
few stage-ups, written through the same services the app uses. Run after the org (and, ideally,
the points history). Safe to run again."""

import random
from datetime import timedelta

import sqlalchemy as sa

from app.badges import services as badges
from app.badges.catalogue import seed_builtin_badges
from app.badges.models import BadgeDefinition, BadgeGrant
from app.core.models import utcnow
from app.extensions import db
from app.journey import services as journey
from app.journey.defaults import seed_default_stages
from app.journey.models import StageChange
from app.org.models import Person, Role
from app.points import ledger
from app.streaks import services as streaks
from app.streaks.models import ActiveDay, DayOff

DEMO_STAFF = "staff@demo.ascent"
HERO_NOTES = ["Calmed a customer whose order went missing", "Found the last size 38 in the Monza stock",
              "Turned a return into a happy exchange"]
HAND_NOTES = ["Covered my shift when my son was ill", "Showed me the new till in five minutes",
              "Helped me rebuild the window display"]


def load_journey() -> int:
    """Returns how many people got journey data (0 when it is already there)."""
    seed_default_stages()
    seed_builtin_badges()
    if db.session.scalar(sa.select(sa.func.count(ActiveDay.id))):
        return 0
    rng = random.Random(4)
    staff = list(db.session.scalars(sa.select(Person).where(
        Person.role == Role.STAFF, Person.active.is_(True), Person.password_hash.is_not(None))
        .order_by(Person.id)))
    if not staff:
        return 0
    managers = {p.store_id: p for p in db.session.scalars(
        sa.select(Person).where(Person.role == Role.STORE_MANAGER))}
    by_key = {b.key: b for b in db.session.scalars(sa.select(BadgeDefinition))}
    demo = next((p for p in staff if p.email == DEMO_STAFF), None)

    for person in staff:
        _streak_history(person, rng, demo=person is demo)
        for n in range(rng.choice((0, 0, 1, 2, 3, 4, 6))):
            badges.record_event(person, "kudos_received", f"demo:kudos:{person.id}:{n}")
        if rng.random() < 0.12:  # an adopted idea: "Idea spark" is HR's to give (nothing records ideas)
            badges.grant(person, by_key["idea_spark"], note="Suggested the fitting-room queue board")
        journey.evaluate_stage(person)

    if demo is not None:
        _demo_person(demo, staff, managers, by_key)
    # Managers thank a few people; colleagues pass a badge on.
    for person in rng.sample(staff, k=min(len(staff), 25)):
        manager = managers.get(person.store_id)
        if manager is None or person is demo:
            continue
        key = rng.choice(("customer_hero", "helping_hand"))
        notes = HERO_NOTES if key == "customer_hero" else HAND_NOTES
        _give(manager, person, by_key[key], rng.choice(notes))

    # A few seasoned associates reach Leader: points, the Mentor badge and an endorsement.
    leaders = [p for p in staff if p is not demo][:: max(1, len(staff) // 3)][:3]
    for person in leaders:
        manager = managers.get(person.store_id)
        if manager is None:
            continue
        _top_up(person, 1650, "demo:journey:leader")
        _give(manager, person, by_key["mentor"], "Guided two new hires through their first month")
        leader = journey.stage_by_key("leader")
        if leader is not None and journey.current_stage(person).position < leader.position:
            journey.endorse(manager, person, leader, "Runs the Saturday shift with calm and care")

    _settle_history(demo)
    db.session.flush()
    return len(staff)


def _streak_history(person: Person, rng: random.Random, demo: bool) -> None:
    today = streaks.local_today(person)
    if demo:
        days = [today - timedelta(days=n) for n in (11, 10, 9, 7, 6, 5, 4, 3, 2, 1)]
        db.session.add(DayOff(person_id=person.id, day=today + timedelta(days=3)))
    else:
        energy = rng.uniform(0.3, 0.95)
        days = [today - timedelta(days=n) for n in range(21, 0, -1) if rng.random() < energy]
    for day in sorted(days):
        streaks.record_activity(person, "mission", on=day)


def _give(granter: Person, person: Person, badge: BadgeDefinition, note: str) -> None:
    if badges.active_grant(person.id, badge.id) is not None:
        return
    if badge.monthly_limit is not None and badges.grants_this_month(granter, badge) >= badge.monthly_limit:
        return
    badges.manual_grant(granter, person, badge, note)


def _top_up(person: Person, lifetime: int, key: str) -> None:
    have = ledger.balances(person.id)[0]
    if have < lifetime:
        ledger.award(person, lifetime - have, source_type="api", source_id="POS",
                     reason="Sales contest: best month of the year", idempotency_key=f"{key}:{person.id}")


def _demo_person(demo: Person, staff: list[Person], managers: dict, by_key: dict) -> None:
    """Sara: in Engagement, about two thirds of the way to Leader, a 10-day streak, a few badges."""
    _top_up(demo, 1120, "demo:journey:sara")
    manager = managers.get(demo.store_id)
    if manager is not None:
        _give(manager, demo, by_key["customer_hero"], "Turned a furious customer into a loyal one")
    colleague = next((p for p in staff if p.store_id == demo.store_id and p is not demo), None)
    if colleague is not None:
        badges.grant(colleague, by_key["helping_hand"])
        _give(colleague, demo, by_key["helping_hand"], "Showed me how the new stock app works")
    for n in range(3):
        badges.record_event(demo, "kudos_received", f"demo:kudos:sara:{n}")


def _settle_history(demo: Person | None) -> None:
    """Past stage-ups and badges have been celebrated already, except Sara's latest badge: she sees
    one celebration on her first visit. Timestamps are spread over the past weeks."""
    rng = random.Random(7)
    now = utcnow()
    for change in db.session.scalars(sa.select(StageChange)):
        change.created_at = now - timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 9))
        change.seen_at = change.created_at
    latest_demo = None
    if demo is not None:
        latest_demo = db.session.scalar(sa.select(BadgeGrant.id).where(BadgeGrant.person_id == demo.id)
                                        .order_by(BadgeGrant.id.desc()).limit(1))
    for grant in db.session.scalars(sa.select(BadgeGrant)):
        if grant.id == latest_demo:
            continue
        grant.created_at = now - timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 9))
        grant.seen_at = grant.created_at

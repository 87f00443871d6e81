"""What each role sees first. Later features add their cards; these are the org facts that exist now."""

import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.core.authz import managed_people
from app.extensions import db
from app.org import queries as org_queries
from app.org.models import District, Person, Role, Store


def org_summary() -> dict:
    people = db.session.execute(sa.select(
        sa.func.count(Person.id),
        sa.func.count(Person.password_hash),
    ).where(Person.active.is_(True))).one()
    return {
        "people": people[0],
        "activated": people[1],
        "stores": db.session.scalar(sa.select(sa.func.count(Store.id))),
        "districts": db.session.scalar(sa.select(sa.func.count(District.id))),
    }


def recent_audit(limit: int = 6) -> list:
    return list(db.session.execute(
        sa.select(AuditEntry, Person.full_name).outerjoin(Person, Person.id == AuditEntry.actor_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)
    ))


def team_size(actor: Person) -> int:
    return db.session.scalar(managed_people(actor).where(Person.active.is_(True))
                             .with_only_columns(sa.func.count(Person.id)))


def home_context(person: Person) -> dict:
    if person.role in (Role.HR, Role.ADMIN):
        from app.home.setup import setup_checklist

        return {"summary": org_summary(), "recent": recent_audit(),
                "pending": org_queries.pending_invites(person), "checklist": setup_checklist()}
    if person.role == Role.DISTRICT_MANAGER:
        return {"store_rows": org_queries.store_rows(person), "pending": org_queries.pending_invites(person)}
    if person.role == Role.STORE_MANAGER:
        return manager_context(person)
    return staff_context(person)


def manager_context(person: Person) -> dict:
    """The store manager's "Today": what waits for them first, then the team."""
    from app.journey.queries import recent_stage_ups
    from app.missions.manage_queries import signoff_count
    from app.points.queries import open_dispute_count
    from app.rewards.queries import pending_count

    return {"team_size": team_size(person), "pending": org_queries.pending_invites(person),
            "colleagues": org_queries.colleagues(person), "open_disputes": open_dispute_count(person),
            "pending_signoffs": signoff_count(person), "pending_rewards": pending_count(person),
            "stage_ups": recent_stage_ups(person)}


def staff_context(person: Person) -> dict:
    """The associate's home: journey, streak, latest badges. A fixed number of queries."""
    from app.badges import queries as badge_queries
    from app.journey import queries as journey_queries
    from app.missions.queries import todays_missions
    from app.streaks.queries import streak_status

    journey = journey_queries.journey_for(person)
    return {
        "today_missions": todays_missions(person, limit=3),
        "colleagues": org_queries.colleagues(person),
        "journey": journey,
        "streak": streak_status(person),
        "latest_badges": badge_queries.latest_badges(person.id, limit=4),
        "badge_count": badge_queries.badge_count(person.id),
        "has_celebration": journey_queries.has_unseen_celebration(person.id),
    }

"""What each role sees first: the org facts here, and the cards features declare (app/core/features.py)."""

import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.extensions import db
from app.org import queries as org_queries
from app.org.authz import managed_people
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
    """The role's own facts, then whatever its home cards need (each card's context, once)."""
    from app.core import features

    if person.role in (Role.HR, Role.ADMIN):
        from app.home.setup import setup_checklist

        own = {"summary": org_summary(), "recent": recent_audit(),
               "pending": org_queries.pending_invites(person), "checklist": setup_checklist()}
    elif person.role == Role.DISTRICT_MANAGER:
        own = {"store_rows": org_queries.store_rows(person), "pending": org_queries.pending_invites(person)}
    elif person.role == Role.STORE_MANAGER:
        own = {"team_size": team_size(person), "pending": org_queries.pending_invites(person),
               "colleagues": org_queries.colleagues(person), "waiting": features.waiting_counts(person)}
    else:
        own = {"colleagues": org_queries.colleagues(person)}
    return own | features.home_context(person)

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
        return {"summary": org_summary(), "recent": recent_audit(),
                "pending": org_queries.pending_invites(person)}
    if person.role == Role.DISTRICT_MANAGER:
        return {"store_rows": org_queries.store_rows(person), "pending": org_queries.pending_invites(person)}
    if person.role == Role.STORE_MANAGER:
        return {"team_size": team_size(person), "pending": org_queries.pending_invites(person),
                "colleagues": org_queries.colleagues(person)}
    return {"colleagues": org_queries.colleagues(person)}

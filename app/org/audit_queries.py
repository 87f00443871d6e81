"""The audit log as HR and admins read it: newest first, with the actor's name, paginated."""

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.core.audit import AuditEntry
from app.extensions import db
from app.org.models import Person


def audit_page(*, page: int, per_page: int, action: str = ""):
    actor = aliased(Person)
    query = (sa.select(AuditEntry, actor.full_name)
             .outerjoin(actor, actor.id == AuditEntry.actor_id)
             .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action.startswith(action) if action else sa.true()))
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return {"rows": rows, "page": page, "per_page": per_page, "total": total,
            "has_next": page * per_page < total, "has_prev": page > 1, "action": action}

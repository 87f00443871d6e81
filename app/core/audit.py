"""Audit trail of admin actions and awards: who did what to whom, and when."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, utcnow
from app.extensions import db


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    target_type: Mapped[str | None] = mapped_column(sa.String(40))
    target_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)


def record(action: str, *, actor_id: int | None, target_type: str | None = None,
           target_id: int | None = None, **details) -> AuditEntry:
    """Add an audit row to the current transaction; it commits (or rolls back) with the change."""
    entry = AuditEntry(action=action, actor_id=actor_id, target_type=target_type,
                       target_id=target_id, details=details)
    db.session.add(entry)
    return entry


@contextmanager
def change_recorded(action: str, row, fields: tuple[str, ...], *, actor_id: int | None) -> Iterator[None]:
    """Audit what the block changes in `row`: `fields` before and after. The action names the target type
    ("mission.updated" targets a mission); nothing is recorded if the block raises."""
    before = {field: getattr(row, field) for field in fields}
    yield
    record(action, actor_id=actor_id, target_type=action.split(".")[0], target_id=row.id, before=before,
           after={field: getattr(row, field) for field in fields})

"""TV screens: a read-only link to a store's live board. Only the token's SHA-256 is stored; the link
is shown once, when the manager creates it."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, utcnow
from app.org.models import Person, Store


class ScreenToken(Base):
    __tablename__ = "screen_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    store: Mapped[Store] = relationship()
    created_by: Mapped[Person | None] = relationship()

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

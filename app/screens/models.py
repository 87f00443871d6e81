"""TV screens: a read-only link to a store's live board. Only the token's SHA-256 is stored; the link
is shown once, when the manager creates it."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, CreatedByMixin, TimestampMixin
from app.org.models import Person, Store


class ScreenToken(CreatedByMixin, TimestampMixin, Base):
    __tablename__ = "screen_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    last_seen_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    store: Mapped[Store] = relationship()
    created_by: Mapped[Person | None] = relationship()

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

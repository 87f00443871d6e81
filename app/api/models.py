"""API tokens and the record of each idempotent award call.

Only a SHA-256 of a token's secret is stored: the secret is shown once, at creation. A secret has 256
bits of entropy, so a plain fast hash is enough (no password-style stretching needed)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, CreatedByMixin, TimestampMixin, store_links
from app.org.models import Person, Store

api_token_stores = store_links("api_token_stores", "token_id", "api_tokens")


class ApiToken(CreatedByMixin, TimestampMixin, Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16))  # the secret's first characters, to recognise it
    all_stores: Mapped[bool] = mapped_column(default=False)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    stores: Mapped[list[Store]] = relationship(secondary=api_token_stores, order_by=Store.code)
    created_by: Mapped[Person | None] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ApiAward(TimestampMixin, Base):
    """One `Idempotency-Key` of one token: the fingerprint of the body it came with and the award it
    made. A repeat with the same body gets the original award back; another body gets a 409."""

    __tablename__ = "api_awards"
    __table_args__ = (sa.UniqueConstraint("token_id", "idempotency_key", name="uq_api_awards_token_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(sa.ForeignKey("api_tokens.id"))
    idempotency_key: Mapped[str] = mapped_column(sa.String(100))
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("point_entries.id"))

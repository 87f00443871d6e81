"""The store feed: what happened in a store worth celebrating, and the reactions to it.

Items are written by the signal listeners in app/feed/listeners.py (kudos, badges, missions, stages,
challenges, shared answers to upward feedback). `source_ref` is unique, so a replayed signal never posts
twice."""

import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, TimestampMixin
from app.org.models import Person


class FeedKind(enum.StrEnum):
    KUDOS = "kudos"
    BADGE = "badge"
    MISSION = "mission"
    CHALLENGE = "challenge"
    STAGE = "stage"
    UPWARD_ANSWER = "upward_answer"


# A small fixed set: one of each per person per item.
REACTIONS = {
    "clap": ("👏", _l("Applause")),
    "party": ("🎉", _l("Celebrate")),
    "heart": ("❤️", _l("Love it")),
    "strong": ("💪", _l("Strong")),
}


class FeedItem(TimestampMixin, Base):
    __tablename__ = "feed_items"
    __table_args__ = (
        sa.Index("ix_feed_items_store_created", "store_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    subject_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # what the card says (names, titles)
    source_ref: Mapped[str] = mapped_column(sa.String(120), unique=True)

    actor: Mapped[Person | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[Person | None] = relationship(foreign_keys=[subject_id])


class FeedReaction(TimestampMixin, Base):
    __tablename__ = "feed_reactions"

    item_id: Mapped[int] = mapped_column(sa.ForeignKey("feed_items.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)

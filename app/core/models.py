"""The declarative base shared by every feature's models, and the column groups many tables repeat.

A mixin's columns come after the table's own in the mapped table. The migrations fix the real column
order and the migration test compares columns by name, so a model may take a mixin without a migration;
code that writes rows by position must follow the statement's column list, never the model's."""

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Explicit constraint names so Alembic batch migrations can alter tables on SQLite too.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class LabelledEnum(enum.StrEnum):
    """The values a string column takes, each with its label in the reader's language:
    `DONE = "done", _l("Done")`. Members are plain strings ("done") wherever they are stored or compared."""

    def __new__(cls, value: str, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict:
        """{member: label}, in declaration order: form choices and label look-ups in templates."""
        return {member: member.label for member in cls}

    @classmethod
    def label_of(cls, value: str | None) -> str:
        """A stored value's label; a value that is not (or no longer) a member shows as stored."""
        try:
            return str(cls(value).label)
        except ValueError:
            return str(value)


def utcnow() -> datetime:
    """Naive UTC: SQLite keeps no zone, so every timestamp is stored as UTC without one."""
    return datetime.now(UTC).replace(tzinfo=None)


class TimestampMixin:
    """When the row was written (naive UTC)."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UpdatedAtMixin:
    """When the row last changed (naive UTC): set by every UPDATE that does not set it itself."""

    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CreatedByMixin:
    """Who set the row up (a goal template, a review cycle, a reward, a token…). The row outlives its
    author: deleting the person empties the column instead of refusing."""

    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))


def store_links(name: str, owner_column: str, owner_table: str) -> sa.Table:
    """The stores a row is offered in or limited to (a reward, a challenge, an API token): a link table
    whose rows go when either side is deleted."""
    return sa.Table(
        name,
        Base.metadata,
        sa.Column(owner_column, sa.ForeignKey(f"{owner_table}.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("store_id", sa.ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True, index=True),
    )

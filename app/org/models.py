"""Districts → stores → people. A person is also the login account."""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.config import FALLBACK_STORE_TIMEZONE
from app.core.models import Base, LabelledEnum, TimestampMixin, UpdatedAtMixin
from app.org.names import SEARCH_NAME_LENGTH, initials_of, search_name_for


class Role(LabelledEnum):
    STAFF = "staff", _l("Store associate")
    STORE_MANAGER = "store_manager", _l("Store manager")
    DISTRICT_MANAGER = "district_manager", _l("District manager")
    HR = "hr", _l("HR")
    ADMIN = "admin", _l("Administrator")


ROLE_LABELS = Role.labels()

MANAGER_ROLES = frozenset({Role.STORE_MANAGER, Role.DISTRICT_MANAGER, Role.HR, Role.ADMIN})
ORG_WIDE_ROLES = frozenset({Role.HR, Role.ADMIN})


class District(TimestampMixin, Base):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # Closed, never deleted: people, points and boards of the past still name it.
    closed_at: Mapped[datetime | None]

    stores: Mapped[list["Store"]] = relationship(back_populates="district", order_by="Store.name")


class Store(TimestampMixin, Base):
    __tablename__ = "stores"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    city: Mapped[str] = mapped_column(sa.String(120), default="")
    timezone: Mapped[str] = mapped_column(sa.String(64), default=FALLBACK_STORE_TIMEZONE)
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("districts.id"), index=True)
    # Closed, never deleted: its people's history (points, boards, reviews) still names it.
    closed_at: Mapped[datetime | None]

    district: Mapped[District] = relationship(back_populates="stores")


class Person(UserMixin, TimestampMixin, UpdatedAtMixin, Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(120))
    # The name folded for search (app/org/search.py): set with full_name by `_fold_name` below, so the
    # form, the import, the CLI and the demo all keep it right. A row inserted without the ORM gets it
    # from the insert default; raw SQL gets '' (found by e-mail and number only) until its name is saved.
    search_name: Mapped[str] = mapped_column(
        sa.String(SEARCH_NAME_LENGTH), index=True, server_default="",
        default=lambda context: search_name_for(context.get_current_parameters().get("full_name")))
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.STAFF, index=True)
    store_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stores.id"), index=True)
    # Set for district managers: the district they look after.
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True)
    hire_date: Mapped[date | None]
    locale: Mapped[str] = mapped_column(sa.String(8), default="it")
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped at logout, password change and deactivation: every older session and
    # remember-me cookie carries the old number and is refused.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None]

    store: Mapped[Store | None] = relationship(foreign_keys=[store_id])
    district: Mapped[District | None] = relationship(foreign_keys=[district_id])
    manager: Mapped["Person | None"] = relationship(remote_side=[id], foreign_keys=[manager_id])

    @validates("full_name")
    def _fold_name(self, _key: str, full_name: str) -> str:
        self.search_name = search_name_for(full_name)
        return full_name

    # Flask-Login ---------------------------------------------------------------
    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    # Presentation ----------------------------------------------------------------
    @property
    def first_name(self) -> str:
        return self.full_name.split(" ", 1)[0]

    @property
    def display_name(self) -> str:
        """First name and initial: what colleagues see on boards and TV screens."""
        parts = self.full_name.split()
        if len(parts) < 2:
            return self.full_name
        return f"{parts[0]} {parts[-1][0]}."

    @property
    def initials(self) -> str:
        return initials_of(self.full_name)

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


# One employee number per person whatever its case ("e-100" is "E-100"): migration 0023_employee_number_ci.
sa.Index("uq_people_employee_number_ci", sa.func.lower(Person.employee_number), unique=True)

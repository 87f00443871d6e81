"""Review cycles: a template (competencies on a 1–5 scale and open questions), a cycle that walks through
its phases, one review per participant, and the peer and upward reviewers they nominate.

A review's final rating is the calibrated one when calibration changed it, else the manager's overall."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, CreatedByMixin, LabelledEnum, TimestampMixin
from app.org.models import Person, Store


class Phase(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SELF_REVIEW = "self_review", _l("Self-review")
    MANAGER_REVIEW = "manager_review", _l("Manager review")
    CALIBRATION = "calibration", _l("Calibration")
    SIGN_OFF = "sign_off", _l("Sign-off")
    CLOSED = "closed", _l("Closed")


PHASES = tuple(Phase)  # in order: a cycle only ever moves one step forward
PHASE_LABELS = Phase.labels()
# The due date that ends each working phase (draft and closed have none).
PHASE_DUE_FIELDS = {
    Phase.SELF_REVIEW: "self_due",
    Phase.MANAGER_REVIEW: "manager_due",
    Phase.CALIBRATION: "calibration_due",
    Phase.SIGN_OFF: "sign_off_due",
}

RATINGS = (1, 2, 3, 4, 5)
RATING_LABELS = {
    1: _l("Not yet"),
    2: _l("Developing"),
    3: _l("Solid"),
    4: _l("Strong"),
    5: _l("Outstanding"),
}


class PeerKind(enum.StrEnum):
    PEER = "peer"  # a colleague
    UPWARD = "upward"  # someone who reports to the person: feedback about them as a manager


class PeerStatus(LabelledEnum):
    NOMINATED = "nominated", _l("Waiting for the manager")
    APPROVED = "approved", _l("Asked")
    DECLINED = "declined", _l("Declined")
    SUBMITTED = "submitted", _l("Answered")


PEER_STATUS_LABELS = PeerStatus.labels()


class ReviewTemplate(CreatedByMixin, TimestampMixin, Base):
    __tablename__ = "review_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # [{"key": "customer_focus", "label": "Customer focus", "description": "…"}]
    competencies: Mapped[list] = mapped_column(sa.JSON, default=list)
    questions: Mapped[list] = mapped_column(sa.JSON, default=list)  # ["What went well?", …]


class ReviewCycle(CreatedByMixin, TimestampMixin, Base):
    __tablename__ = "review_cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    period_start: Mapped[date]
    period_end: Mapped[date]
    template_id: Mapped[int] = mapped_column(sa.ForeignKey("review_templates.id"))
    phase: Mapped[str] = mapped_column(sa.String(16), default=Phase.DRAFT, index=True)
    self_due: Mapped[date | None]
    manager_due: Mapped[date | None]
    calibration_due: Mapped[date | None]
    sign_off_due: Mapped[date | None]
    # Who takes part, kept for the record: empty lists mean every store / the default roles.
    store_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    roles: Mapped[list] = mapped_column(sa.JSON, default=list)
    hired_before: Mapped[date | None]
    launched_at: Mapped[datetime | None]
    phase_changed_at: Mapped[datetime | None]

    template: Mapped[ReviewTemplate] = relationship()

    @property
    def phase_label(self) -> str:
        return Phase.label_of(self.phase)

    def due_for(self, phase: str) -> date | None:
        field = PHASE_DUE_FIELDS.get(phase)
        return getattr(self, field) if field else None

    @property
    def current_due(self) -> date | None:
        return self.due_for(self.phase)


class Review(TimestampMixin, Base):
    __tablename__ = "reviews"
    __table_args__ = (sa.UniqueConstraint("cycle_id", "person_id", name="uq_reviews_cycle_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("review_cycles.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    # The reviewer: the person's manager at launch. The store, too, is the one at launch: calibration
    # groups by it and district managers calibrate their stores' reviews.
    manager_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stores.id"), index=True)

    self_ratings: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # {competency key: 1..5}
    self_answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # {question index as str: text}
    self_overall: Mapped[int | None]
    self_submitted_at: Mapped[datetime | None]

    manager_ratings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    manager_answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    overall_rating: Mapped[int | None]
    manager_submitted_at: Mapped[datetime | None]

    calibrated_rating: Mapped[int | None]
    calibrated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    calibration_reason: Mapped[str | None] = mapped_column(sa.String(500))
    calibrated_at: Mapped[datetime | None]

    signed_off_at: Mapped[datetime | None]
    person_comment: Mapped[str | None] = mapped_column(sa.String(1000))

    cycle: Mapped[ReviewCycle] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    manager: Mapped[Person | None] = relationship(foreign_keys=[manager_id])
    store: Mapped[Store | None] = relationship()
    calibrated_by: Mapped[Person | None] = relationship(foreign_keys=[calibrated_by_id])

    @property
    def final_rating(self) -> int | None:
        return self.calibrated_rating if self.calibrated_rating is not None else self.overall_rating

    @property
    def is_locked(self) -> bool:
        """Signed off, or its cycle closed: nobody changes anything any more."""
        return self.signed_off_at is not None or self.cycle.phase == Phase.CLOSED


class PeerReview(TimestampMixin, Base):
    __tablename__ = "review_peers"
    __table_args__ = (sa.UniqueConstraint("review_id", "reviewer_id", name="uq_review_peers_review_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("reviews.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(8), default=PeerKind.PEER)
    status: Mapped[str] = mapped_column(sa.String(12), default=PeerStatus.NOMINATED)
    ratings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    decided_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]

    review: Mapped[Review] = relationship()
    reviewer: Mapped[Person] = relationship(foreign_keys=[reviewer_id])

    @property
    def status_label(self) -> str:
        return PeerStatus.label_of(self.status)

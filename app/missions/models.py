"""Missions: what to do (a mission), for whom and when (assignments), and the proof (submissions).

A mission names its audience; assignments are materialised per person and per period (once, or
each day / week for recurring missions), so "today's missions" is a plain indexed read."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, LabelledEnum, TimestampMixin, UpdatedAtMixin, utcnow
from app.org.models import Person, Store


class EvidenceType(LabelledEnum):
    TICK = "tick", _l("Tick when done")          # the checklist (or one tap) is the proof
    TEXT = "text", _l("Written answer")          # a short written answer
    PHOTO = "photo", _l("Photo")                 # a photo upload
    QUIZ = "quiz", _l("Quiz")                    # questions with options, scored on the server
    SIGNOFF = "signoff", _l("Manager sign-off")  # the manager confirms it was done


EVIDENCE_LABELS = EvidenceType.labels()


class Audience(LabelledEnum):
    STORE = "store", _l("Everyone in the store")        # every associate in the store (or in every store)
    ROLE = "role", _l("Everyone with a role")           # everyone with a role
    NEW_HIRES = "new_hires", _l("New hires")            # associates hired in the last N days
    PEOPLE = "people", _l("Specific people")            # the people picked by name
    JOURNEY = "journey", _l("Onboarding journey only")  # nobody directly: assigned through the onboarding journey


AUDIENCE_LABELS = Audience.labels()


class Recurrence(LabelledEnum):
    NONE = "none", _l("Once")
    DAILY = "daily", _l("Every day")
    WEEKLY = "weekly", _l("Every week")


RECURRENCE_LABELS = Recurrence.labels()


class AssignmentStatus(enum.StrEnum):
    OPEN = "open"        # to do (also after evidence was sent back)
    PENDING = "pending"  # evidence waits for a manager's sign-off
    DONE = "done"        # completed and paid


class SubmissionStatus(enum.StrEnum):
    ACCEPTED = "accepted"  # no sign-off needed: accepted on arrival
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Mission(TimestampMixin, UpdatedAtMixin, Base):
    __tablename__ = "missions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    evidence_type: Mapped[str] = mapped_column(sa.String(12), default=EvidenceType.TICK)
    # Text and photo evidence can wait for a manager; sign-off always does, tick and quiz never.
    requires_approval: Mapped[bool] = mapped_column(default=False)
    points: Mapped[int]
    # The badge granted on completion. No foreign key yet: the badges table arrives in a sibling migration.
    badge_id: Mapped[int | None] = mapped_column(sa.ForeignKey("badge_definitions.id"))
    quiz_pass_mark: Mapped[int] = mapped_column(default=80)  # percent of questions right
    # The store the mission belongs to; None for company-wide missions (HR and admin only).
    store_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stores.id"), index=True)
    audience: Mapped[str] = mapped_column(sa.String(12), default=Audience.STORE)
    audience_role: Mapped[str | None] = mapped_column(sa.String(20))
    new_hire_days: Mapped[int | None]
    start_date: Mapped[date]
    # One-off missions: the due date. Recurring missions: the last day they recur.
    due_date: Mapped[date | None]
    recurrence: Mapped[str] = mapped_column(sa.String(8), default=Recurrence.NONE)
    active: Mapped[bool] = mapped_column(default=True, index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))

    store: Mapped[Store | None] = relationship()
    created_by: Mapped[Person | None] = relationship()
    steps: Mapped[list["MissionStep"]] = relationship(
        back_populates="mission", order_by="MissionStep.position", cascade="all, delete-orphan")
    questions: Mapped[list["QuizQuestion"]] = relationship(
        back_populates="mission", order_by="QuizQuestion.position", cascade="all, delete-orphan")
    targets: Mapped[list["MissionTarget"]] = relationship(cascade="all, delete-orphan")

    @property
    def needs_signoff(self) -> bool:
        return needs_signoff(self.evidence_type, self.requires_approval)

    @property
    def evidence_label(self) -> str:
        return EvidenceType.label_of(self.evidence_type)


def needs_signoff(evidence_type: str, requires_approval: bool) -> bool:
    """Text and photo evidence wait for a manager when the mission asks; sign-off always does."""
    return evidence_type == EvidenceType.SIGNOFF or (
        requires_approval and evidence_type in (EvidenceType.TEXT, EvidenceType.PHOTO))


class MissionStep(Base):
    """One line of a mission's checklist."""

    __tablename__ = "mission_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(sa.ForeignKey("missions.id"), index=True)
    position: Mapped[int]
    label: Mapped[str] = mapped_column(sa.String(200))

    mission: Mapped[Mission] = relationship(back_populates="steps")


class QuizQuestion(Base):
    __tablename__ = "mission_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(sa.ForeignKey("missions.id"), index=True)
    position: Mapped[int]
    prompt: Mapped[str] = mapped_column(sa.String(300))

    mission: Mapped[Mission] = relationship(back_populates="questions")
    options: Mapped[list["QuizOption"]] = relationship(
        back_populates="question", order_by="QuizOption.position", cascade="all, delete-orphan")


class QuizOption(Base):
    __tablename__ = "mission_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("mission_questions.id"), index=True)
    position: Mapped[int]
    label: Mapped[str] = mapped_column(sa.String(200))
    correct: Mapped[bool] = mapped_column(default=False)

    question: Mapped[QuizQuestion] = relationship(back_populates="options")


class MissionTarget(Base):
    """A person picked by name for a mission with the "specific people" audience."""

    __tablename__ = "mission_targets"

    mission_id: Mapped[int] = mapped_column(sa.ForeignKey("missions.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), primary_key=True, index=True)


class OnboardingJourney(TimestampMixin, Base):
    """An ordered set of missions every new hire receives. At most one is active at a time."""

    __tablename__ = "onboarding_journeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))

    steps: Mapped[list["JourneyStep"]] = relationship(
        back_populates="journey", order_by="JourneyStep.position", cascade="all, delete-orphan")


class JourneyStep(Base):
    __tablename__ = "onboarding_journey_missions"
    __table_args__ = (
        sa.UniqueConstraint("journey_id", "mission_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(sa.ForeignKey("onboarding_journeys.id"), index=True)
    mission_id: Mapped[int] = mapped_column(sa.ForeignKey("missions.id"), index=True)
    position: Mapped[int]
    # Due this many days after the start (the hire date, or the day the journey was assigned).
    due_after_days: Mapped[int] = mapped_column(default=7)

    journey: Mapped[OnboardingJourney] = relationship(back_populates="steps")
    mission: Mapped[Mission] = relationship()


class MissionAssignment(Base):
    """A mission for one person in one period. Completing it pays once: the ledger key is its id."""

    __tablename__ = "mission_assignments"
    __table_args__ = (
        sa.UniqueConstraint("mission_id", "person_id", "period_start"),
        sa.Index("ix_mission_assignments_person_status", "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(sa.ForeignKey("missions.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    # The first day of the period it covers (the mission's start for one-off missions).
    period_start: Mapped[date]
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(10), default=AssignmentStatus.OPEN)
    journey_id: Mapped[int | None] = mapped_column(sa.ForeignKey("onboarding_journeys.id"), index=True)
    journey_position: Mapped[int | None]
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    points_paid: Mapped[int | None]

    mission: Mapped[Mission] = relationship()
    person: Mapped[Person] = relationship()
    journey: Mapped[OnboardingJourney | None] = relationship()


class StepCheck(Base):
    """A ticked checklist step of one assignment."""

    __tablename__ = "mission_step_checks"

    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("mission_assignments.id"), primary_key=True)
    step_id: Mapped[int] = mapped_column(sa.ForeignKey("mission_steps.id"), primary_key=True, index=True)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)


class MissionSubmission(TimestampMixin, Base):
    """Evidence sent for an assignment. A rejected one stays as history; the person sends a new one."""

    __tablename__ = "mission_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("mission_assignments.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(10), index=True)
    text_answer: Mapped[str | None] = mapped_column(sa.Text)
    # Relative to the uploads folder in the instance path; served only through an authorized route.
    photo_path: Mapped[str | None] = mapped_column(sa.String(200))
    photo_type: Mapped[str | None] = mapped_column(sa.String(20))
    photo_bytes: Mapped[int | None]
    quiz_answers: Mapped[dict | None] = mapped_column(sa.JSON)
    quiz_correct: Mapped[int | None]
    quiz_total: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(sa.String(500))
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    reviewed_at: Mapped[datetime | None]
    review_comment: Mapped[str | None] = mapped_column(sa.String(500))

    assignment: Mapped[MissionAssignment] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    reviewed_by: Mapped[Person | None] = relationship(foreign_keys=[reviewed_by_id])

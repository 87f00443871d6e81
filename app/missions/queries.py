"""Read models for the phone: a person's missions (today, coming up, done) as cards with their
meta line, built in a fixed number of queries however many missions there are."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

import sqlalchemy as sa
from flask import url_for
from flask_babel import format_date
from sqlalchemy.orm import contains_eager, selectinload

from app.core.database import plain_rows, prepared
from app.core.i18n import gettext as _
from app.core.i18n import ngettext
from app.core.timezones import local_today
from app.extensions import db
from app.missions.models import (
    AssignmentStatus,
    EvidenceType,
    Mission,
    MissionAssignment,
    MissionStep,
    MissionSubmission,
    QuizQuestion,
    Recurrence,
    StepCheck,
    SubmissionStatus,
    needs_signoff,
)
from app.org.models import Person

DONE_SHOWN = 10
SOON_DAYS = 7


@dataclass(frozen=True)
class MissionFacts:
    """What a card shows of a mission, read as a plain row (the home's cards change nothing)."""

    id: int
    title: str
    evidence_type: str
    requires_approval: bool
    points: int

    @property
    def needs_signoff(self) -> bool:
        return needs_signoff(self.evidence_type, self.requires_approval)

    @property
    def evidence_label(self) -> str:
        return EvidenceType.label_of(self.evidence_type)


@dataclass(frozen=True)
class AssignmentFacts:
    """What a card shows of an assignment, read as a plain row, with its mission."""

    id: int
    status: str
    period_start: date
    due_date: date | None
    completed_at: object
    points_paid: int | None
    mission: MissionFacts


@dataclass
class MissionCard:
    assignment: MissionAssignment | AssignmentFacts
    today: date
    steps_total: int = 0
    steps_done: int = 0
    questions: int = 0
    sent_back: str | None = None  # the manager's comment when evidence was sent back

    @property
    def mission(self) -> Mission | MissionFacts:
        return self.assignment.mission

    @property
    def url(self) -> str:
        return url_for("missions.assignment", assignment_id=self.assignment.id)

    @property
    def status(self) -> str:
        return self.assignment.status

    @property
    def is_open(self) -> bool:
        return self.assignment.status == AssignmentStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        due = self.assignment.due_date
        return self.assignment.status != AssignmentStatus.DONE and due is not None and due < self.today

    @property
    def not_started(self) -> bool:
        return self.assignment.period_start > self.today

    @property
    def icon(self) -> str:
        return self.mission.evidence_type

    @property
    def points(self) -> int:
        # What a done mission paid, which can be 0 (its author, or a points limit reached).
        paid = self.assignment.points_paid
        return self.mission.points if paid is None else paid

    @property
    def due_label(self) -> str:
        due, today = self.assignment.due_date, self.today
        if self.not_started:
            return _("starts %(day)s", day=format_date(self.assignment.period_start, "d MMM"))
        if due is None:
            return ""
        if due < today:
            return _("overdue")
        if due == today:
            return _("due today")
        if due == today + timedelta(days=1):
            return _("due tomorrow")
        if due < today + timedelta(days=SOON_DAYS):
            return _("due %(day)s", day=format_date(due, "EEEE"))
        return _("due %(day)s", day=format_date(due, "d MMM"))

    @property
    def kind_label(self) -> str:
        mission = self.mission
        if self.assignment.status == AssignmentStatus.PENDING:
            return _("Waiting for sign-off")
        if self.sent_back:
            return _("Sent back: see the comment")
        if self.steps_total and self.assignment.status == AssignmentStatus.OPEN:
            return _("Checklist · %(done)d of %(total)d done", done=self.steps_done, total=self.steps_total)
        if mission.evidence_type == EvidenceType.QUIZ:
            return ngettext("Quiz · %(num)d question", "Quiz · %(num)d questions", self.questions)
        if mission.evidence_type in (EvidenceType.PHOTO, EvidenceType.TEXT) and mission.needs_signoff:
            return _("%(kind)s · manager sign-off", kind=mission.evidence_label)
        return mission.evidence_label

    @property
    def meta(self) -> str:
        if self.assignment.status == AssignmentStatus.DONE:
            done_on = self.assignment.completed_at
            return _("Done %(day)s", day=format_date(done_on, "d MMM")) if done_on else _("Done")
        parts = [self.kind_label, self.due_label]
        return " · ".join(part for part in parts if part)


def _open_assignments(person_id, today) -> sa.Select:
    """Open or waiting assignments of active missions, joined to their mission; a recurring occurrence
    whose period is over has closed and is no longer shown."""
    return (sa.select(MissionAssignment).join(Mission, Mission.id == MissionAssignment.mission_id)
            .where(MissionAssignment.person_id == person_id,
                   MissionAssignment.status.in_((AssignmentStatus.OPEN, AssignmentStatus.PENDING)),
                   Mission.active.is_(True),
                   sa.or_(Mission.recurrence == Recurrence.NONE, MissionAssignment.due_date >= today)))


def _ordered(query: sa.Select) -> sa.Select:
    return query.order_by(MissionAssignment.due_date.is_(None), MissionAssignment.due_date,
                          MissionAssignment.journey_position.is_(None), MissionAssignment.journey_position,
                          MissionAssignment.id)


def _card_facts() -> tuple:
    """What a card shows beside an assignment (in a query on assignments joined to their mission), in the
    same statement: the checklist's size and the steps ticked, the quiz's size and, while it is open, the
    manager's comment on the evidence last sent back (an open assignment's newest submission can only be
    a rejected one)."""
    steps = (sa.select(sa.func.count(MissionStep.id))
             .where(MissionStep.mission_id == MissionAssignment.mission_id).scalar_subquery())
    ticked = (sa.select(sa.func.count()).select_from(StepCheck)
              .where(StepCheck.assignment_id == MissionAssignment.id).scalar_subquery())
    questions = (sa.select(sa.func.count(QuizQuestion.id))
                 .where(QuizQuestion.mission_id == MissionAssignment.mission_id).scalar_subquery())
    sent_back = sa.case((MissionAssignment.status == AssignmentStatus.OPEN, (
        sa.select(MissionSubmission.review_comment)
        .where(MissionSubmission.assignment_id == MissionAssignment.id,
               MissionSubmission.status == SubmissionStatus.REJECTED)
        .order_by(MissionSubmission.created_at.desc(), MissionSubmission.id.desc()).limit(1).scalar_subquery())))
    return steps, ticked, questions, sent_back


def _with_card_facts(query: sa.Select) -> sa.Select:
    return query.add_columns(*_card_facts()).options(contains_eager(MissionAssignment.mission))


def _cards(statement: sa.Select, today: date, parameters: dict | None = None) -> list[MissionCard]:
    return [MissionCard(assignment, today, steps or 0, ticked or 0, questions or 0, sent_back)
            for assignment, steps, ticked, questions, sent_back in db.session.execute(statement, parameters)]


def cards(assignments: list[MissionAssignment], today: date) -> list[MissionCard]:
    """Cards with checklist progress, quiz size and sent-back comments, in the order given: one statement."""
    if not assignments:
        return []
    found = {card.assignment.id: card for card in _cards(_with_card_facts(
        sa.select(MissionAssignment).join(Mission, Mission.id == MissionAssignment.mission_id)
        .where(MissionAssignment.id.in_([a.id for a in assignments]))), today)}
    return [found[a.id] for a in assignments]


def my_missions(person: Person, today: date) -> dict[str, list[MissionCard]]:
    """The staff Missions screen: due today (or overdue), coming up, and recently done."""
    current = _cards(_with_card_facts(_ordered(_open_assignments(person.id, today))), today)
    done = _cards(_with_card_facts(
        sa.select(MissionAssignment).join(Mission, Mission.id == MissionAssignment.mission_id)
        .where(MissionAssignment.person_id == person.id, MissionAssignment.status == AssignmentStatus.DONE)
        .order_by(MissionAssignment.completed_at.desc(), MissionAssignment.id.desc())
        .limit(DONE_SHOWN)), today)
    today_cards = [c for c in current if c.assignment.due_date is not None and c.assignment.due_date <= today]
    upcoming = [c for c in current if c not in today_cards]
    return {"today": today_cards, "upcoming": upcoming, "done": done}


TODAY_SHOWN = 3  # on the associate's home


def _todays(limit: int) -> sa.Select:
    """The person's next open assignments as plain rows: the card's columns of each and of its mission, and
    its counts. A card changes nothing, so there are no objects to track."""
    today = sa.bindparam("today")
    return (_ordered(_open_assignments(sa.bindparam("person_id"), today)
                     .where(MissionAssignment.period_start <= today)).limit(limit)
            .with_only_columns(*_ASSIGNMENT_FACTS, *_MISSION_FACTS, *_card_facts()))


_ASSIGNMENT_FACTS = (MissionAssignment.id, MissionAssignment.status, MissionAssignment.period_start,
                     MissionAssignment.due_date, MissionAssignment.completed_at, MissionAssignment.points_paid)
_MISSION_FACTS = (Mission.id, Mission.title, Mission.evidence_type, Mission.requires_approval, Mission.points)


def todays_missions(person: Person, limit: int = TODAY_SHOWN) -> list[MissionCard]:
    """For the staff home: what to do next, most urgent first (due today and overdue, then the
    soonest due, then the rest), excluding missions that haven't started yet. One statement, built once."""
    today = local_today(person)
    rows = plain_rows(prepared(f"missions.todays.{limit}", partial(_todays, limit)),
                      {"person_id": person.id, "today": today})
    split = len(_ASSIGNMENT_FACTS)
    facts = split + len(_MISSION_FACTS)
    return [MissionCard(AssignmentFacts(*row[:split], MissionFacts(*row[split:facts])), today,
                        row[facts] or 0, row[facts + 1] or 0, row[facts + 2] or 0, row[facts + 3])
            for row in rows]


def open_count(person: Person, today: date) -> int:
    return db.session.scalar(_open_assignments(person.id, today).with_only_columns(
        sa.func.count(MissionAssignment.id)).order_by(None))


def own_assignment(person: Person, assignment_id: int) -> MissionAssignment | None:
    return db.session.scalar(
        sa.select(MissionAssignment).where(MissionAssignment.id == assignment_id,
                                           MissionAssignment.person_id == person.id)
        .options(selectinload(MissionAssignment.mission).selectinload(Mission.steps),
                 selectinload(MissionAssignment.mission).selectinload(Mission.questions)
                 .selectinload(QuizQuestion.options)))


def submissions_of(assignment_id: int) -> list[MissionSubmission]:
    return list(db.session.scalars(
        sa.select(MissionSubmission).where(MissionSubmission.assignment_id == assignment_id)
        .options(selectinload(MissionSubmission.reviewed_by))
        .order_by(MissionSubmission.created_at.desc(), MissionSubmission.id.desc())))


def open_missions_due(among: sa.Select, due: date) -> list[tuple[int, str]]:
    """(person id, mission title) of the open assignments of active missions due on `due`, for the people
    among `among` (a select of person ids), by person then title."""
    return db.session.execute(
        sa.select(MissionAssignment.person_id, Mission.title)
        .join(Mission, Mission.id == MissionAssignment.mission_id)
        .where(MissionAssignment.person_id.in_(among), MissionAssignment.status == AssignmentStatus.OPEN,
               MissionAssignment.due_date == due, Mission.active.is_(True))
        .order_by(MissionAssignment.person_id, Mission.title)).all()


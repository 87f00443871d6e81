"""HR's side of review cycles: templates, cycles and who takes part, launching and moving phases.

A cycle moves one phase forward at a time, by HR or an admin, and only from the phase the person saw
(`UPDATE … WHERE phase = <expected>`): a double click or two HR people at once never skip a phase."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import audit
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.text import squash_spaces
from app.extensions import db
from app.org.authz import ORG_ADMINS
from app.org.models import Person, Role
from app.reviews.models import PHASES, Phase, Review, ReviewCycle, ReviewTemplate

# Who a cycle reviews when HR picks no role.
DEFAULT_ROLES = (Role.STAFF, Role.STORE_MANAGER)
PARTICIPANT_ROLES = (Role.STAFF, Role.STORE_MANAGER, Role.DISTRICT_MANAGER)
MAX_COMPETENCIES = 12
MAX_QUESTIONS = 8


def _require_hr(actor: Person) -> None:
    if actor.role not in ORG_ADMINS:
        raise ServiceError(_("Only HR can manage review cycles."))


# -- Templates ------------------------------------------------------------------------------------

def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:40] or "competency"


def parse_competencies(text: str) -> list[dict]:
    """One competency a line, "Label: what it means" (the description is optional)."""
    found, keys = [], set()
    for line in (text or "").splitlines():
        line = squash_spaces(line)
        if not line:
            continue
        label, _sep, description = line.partition(":")
        label = label.strip()[:80]
        if not label:
            continue
        key, n = _slug(label), 2
        while key in keys:
            key, n = f"{_slug(label)}_{n}", n + 1
        keys.add(key)
        found.append({"key": key, "label": label, "description": description.strip()[:300]})
    return found


def parse_questions(text: str) -> list[str]:
    return [squash_spaces(line)[:300] for line in (text or "").splitlines() if line.strip()]


def create_template(actor: Person, name: str, competencies_text: str, questions_text: str) -> ReviewTemplate:
    _require_hr(actor)
    name = squash_spaces(name)
    if not name:
        raise ServiceError(_("Give the template a name."), field="name")
    competencies = parse_competencies(competencies_text)
    if not competencies:
        raise ServiceError(_("Add at least one competency, one a line."), field="competencies")
    if len(competencies) > MAX_COMPETENCIES:
        raise ServiceError(_("Keep it to %(n)d competencies at most.", n=MAX_COMPETENCIES), field="competencies")
    questions = parse_questions(questions_text)
    if len(questions) > MAX_QUESTIONS:
        raise ServiceError(_("Keep it to %(n)d questions at most.", n=MAX_QUESTIONS), field="questions")
    template = ReviewTemplate(name=name[:120], competencies=competencies, questions=questions,
                              created_by_id=actor.id)
    db.session.add(template)
    db.session.flush()
    audit.record("review.template_created", actor_id=actor.id, target_type="review_template",
                 target_id=template.id, name=template.name)
    return template


# -- Cycles ---------------------------------------------------------------------------------------

@dataclass
class CycleDraft:
    name: str
    period_start: date | None
    period_end: date | None
    template_id: int | None
    self_due: date | None = None
    manager_due: date | None = None
    calibration_due: date | None = None
    sign_off_due: date | None = None
    store_ids: list[int] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    hired_before: date | None = None


def participants_query(store_ids, roles, hired_before: date | None) -> sa.Select:
    """Active people a cycle with these filters reviews (no stores picked: every store)."""
    roles = [role for role in (roles or DEFAULT_ROLES) if role in PARTICIPANT_ROLES] or list(DEFAULT_ROLES)
    query = sa.select(Person).where(Person.active.is_(True), Person.role.in_(roles))
    if store_ids:
        query = query.where(Person.store_id.in_(list(store_ids)))
    if hired_before is not None:
        query = query.where(Person.hire_date < hired_before)
    return query


def participant_count(store_ids, roles, hired_before: date | None) -> int:
    return db.session.scalar(participants_query(store_ids, roles, hired_before)
                             .with_only_columns(sa.func.count(Person.id)))


def create_cycle(actor: Person, draft: CycleDraft) -> ReviewCycle:
    _require_hr(actor)
    name = squash_spaces(draft.name)
    if not name:
        raise ServiceError(_("Give the cycle a name."), field="name")
    if draft.period_start is None or draft.period_end is None:
        raise ServiceError(_("Enter the period the cycle reviews."), field="period_start")
    if draft.period_end < draft.period_start:
        raise ServiceError(_("The period must end after it starts."), field="period_end")
    if draft.template_id is None or db.session.get(ReviewTemplate, draft.template_id) is None:
        raise ServiceError(_("Pick a template."), field="template_id")
    dues = [(name_, value) for name_, value in (("self_due", draft.self_due), ("manager_due", draft.manager_due),
                                                ("calibration_due", draft.calibration_due),
                                                ("sign_off_due", draft.sign_off_due)) if value]
    for (_first, earlier), (later_name, later) in zip(dues, dues[1:], strict=False):
        if later < earlier:
            raise ServiceError(_("Each phase must be due after the one before it."), field=later_name)
    cycle = ReviewCycle(
        name=name[:120], period_start=draft.period_start, period_end=draft.period_end,
        template_id=draft.template_id, phase=Phase.DRAFT, self_due=draft.self_due, manager_due=draft.manager_due,
        calibration_due=draft.calibration_due, sign_off_due=draft.sign_off_due,
        store_ids=sorted({int(store_id) for store_id in draft.store_ids}),
        roles=[role for role in draft.roles if role in PARTICIPANT_ROLES], hired_before=draft.hired_before,
        created_by_id=actor.id)
    db.session.add(cycle)
    db.session.flush()
    audit.record("review.cycle_created", actor_id=actor.id, target_type="review_cycle", target_id=cycle.id,
                 name=cycle.name)
    return cycle


def _move(cycle: ReviewCycle, expected: str, new: str, **values) -> None:
    moved = db.session.execute(
        sa.update(ReviewCycle).where(ReviewCycle.id == cycle.id, ReviewCycle.phase == expected)
        .values(phase=new, phase_changed_at=utcnow(), **values),
        execution_options={"synchronize_session": False}).rowcount
    db.session.refresh(cycle)
    if moved != 1:
        raise ServiceError(_("This cycle has already moved on: it is now in “%(phase)s”.",
                             phase=cycle.phase_label))


def launch(actor: Person, cycle: ReviewCycle) -> int:
    """Create a review for every participant, each with the manager they have today; the cycle opens
    the self-review. Returns how many reviews were created."""
    _require_hr(actor)
    if cycle.phase != Phase.DRAFT:
        raise ServiceError(_("This cycle has already been launched."))
    people = list(db.session.execute(
        participants_query(cycle.store_ids, cycle.roles, cycle.hired_before)
        .with_only_columns(Person.id, Person.manager_id, Person.store_id)))
    if not people:
        raise ServiceError(_("Nobody matches the participants you picked: widen the stores, roles or hire date."))
    _move(cycle, Phase.DRAFT, Phase.SELF_REVIEW, launched_at=utcnow())
    db.session.execute(sa.insert(Review), [
        {"cycle_id": cycle.id, "person_id": person_id, "manager_id": manager_id, "store_id": store_id,
         "self_ratings": {}, "self_answers": {}, "manager_ratings": {}, "manager_answers": {},
         "created_at": utcnow()}
        for person_id, manager_id, store_id in people])
    db.session.flush()
    audit.record("review.cycle_launched", actor_id=actor.id, target_type="review_cycle", target_id=cycle.id,
                 reviews=len(people))
    from app.reviews.nudging import announce_phase

    announce_phase(cycle)
    return len(people)


def next_phase(phase: str) -> str | None:
    index = PHASES.index(phase)
    return PHASES[index + 1] if index + 1 < len(PHASES) else None


def advance(actor: Person, cycle: ReviewCycle, expected_phase: str | None) -> str:
    """Move the cycle one phase forward, from `expected_phase` (what HR saw when they confirmed)."""
    _require_hr(actor)
    if cycle.phase == Phase.DRAFT:
        raise ServiceError(_("Launch the cycle first."))
    new = next_phase(cycle.phase)
    if new is None:
        raise ServiceError(_("This cycle is closed."))
    if expected_phase != cycle.phase:
        raise ServiceError(_("This cycle has already moved on: it is now in “%(phase)s”.",
                             phase=cycle.phase_label))
    previous = cycle.phase
    _move(cycle, previous, new)
    audit.record("review.cycle_advanced", actor_id=actor.id, target_type="review_cycle", target_id=cycle.id,
                 from_phase=previous, to_phase=new)
    from app.reviews.nudging import announce_phase

    announce_phase(cycle)
    return new

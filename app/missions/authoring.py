"""What a mission draft must satisfy before it is saved, and the plain-text formats HR and managers
write checklists and quizzes in (one step per line; a question line followed by "* right" and
"- wrong" option lines). The form, the demo loader and any future API share these rules."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core.errors import ServiceError
from app.core.text import squash_spaces
from app.extensions import db
from app.missions.models import Audience, EvidenceType, Mission, Recurrence
from app.org.authz import assignable_roles, can_manage_store, managed_people
from app.org.models import ORG_WIDE_ROLES, Person, Role, Store
from app.points import ledger, limits

MAX_STEPS = 12
MAX_QUESTIONS = 20
MAX_OPTIONS = 6
MAX_POINTS = limits.MISSION_CEILING  # what the form accepts at all; the company maximum is checked below
MAX_PEOPLE = 200
MISSION_AUTHORS = (Role.STORE_MANAGER, Role.DISTRICT_MANAGER, Role.HR, Role.ADMIN)
# Store-scoped audiences can only reach people who work in a store.
STORE_ROLES = (Role.STAFF, Role.STORE_MANAGER)


@dataclass
class QuestionDraft:
    prompt: str
    options: list[tuple[str, bool]] = field(default_factory=list)  # (label, correct)


@dataclass
class MissionDraft:
    title: str
    description: str = ""
    evidence_type: str = EvidenceType.TICK
    requires_approval: bool = False
    points: int | None = 10
    badge_id: int | None = None
    steps: list[str] = field(default_factory=list)
    questions: list[QuestionDraft] = field(default_factory=list)
    pass_mark: int | None = 80
    store_id: int | None = None
    audience: str = Audience.STORE
    audience_role: str | None = None
    new_hire_days: int | None = None
    person_ids: list[int] = field(default_factory=list)
    start_date: date | None = None
    due_date: date | None = None
    recurrence: str = Recurrence.NONE


class DraftError(ServiceError):
    """Every problem with a draft, by form field, so each can be shown next to its field."""

    def __init__(self, problems: dict[str, list[str]]):
        super().__init__(" ".join(message for messages in problems.values() for message in messages))
        self.problems = problems


# Plain-text formats ------------------------------------------------------------------------------

def parse_steps(text: str) -> list[str]:
    steps = []
    for line in (text or "").splitlines():
        line = squash_spaces(line.strip().lstrip("-*•"))
        if line:
            steps.append(line)
    return steps


def steps_to_text(mission: Mission) -> str:
    return "\n".join(step.label for step in mission.steps)


def parse_quiz(text: str) -> list[QuestionDraft]:
    """A line starting with * (right) or - (wrong) is an option of the question above it;
    any other line starts a new question."""
    questions: list[QuestionDraft] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line[0] in "*+-":
            if not questions:
                raise ServiceError(_("Line %(n)d: write the question before its options.", n=number),
                                   field="quiz")
            questions[-1].options.append((squash_spaces(line[1:]), line[0] in "*+"))
        else:
            questions.append(QuestionDraft(squash_spaces(line)))
    return questions


def quiz_to_text(mission: Mission) -> str:
    blocks = []
    for question in mission.questions:
        lines = [question.prompt] + [f"{'*' if option.correct else '-'} {option.label}"
                                     for option in question.options]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


# Rules ---------------------------------------------------------------------------------------------

def role_choices(actor: Person) -> tuple[str, ...]:
    """Roles a mission author may target: those they manage, never administrators."""
    return tuple(role for role in assignable_roles(actor) if role != Role.ADMIN)


def check_draft(actor: Person, draft: MissionDraft, *, today: date,
                existing: Mission | None = None) -> dict[str, list[str]]:
    """Every reason `actor` can't save the draft, by field (empty when it can). Normalises the draft."""
    problems: dict[str, list[str]] = {}

    def problem(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    if actor.role not in MISSION_AUTHORS:
        problem("title", _("Only managers and HR create missions."))
        return problems
    draft.title = squash_spaces(draft.title)
    draft.description = (draft.description or "").strip()
    if len(draft.title) < 3:
        problem("title", _("Give the mission a title of at least 3 characters."))
    elif len(draft.title) > 120:
        problem("title", _("Keep the title under 120 characters."))
    if len(draft.description) > 2000:
        problem("description", _("Keep the description under 2,000 characters."))
    if len(draft.steps) > MAX_STEPS:
        problem("steps", _("A checklist can have at most %(n)d steps.", n=MAX_STEPS))
    elif any(len(step) > 200 for step in draft.steps):
        problem("steps", _("Keep each step under 200 characters."))
    _check_points(actor, draft, problem, existing)
    if draft.badge_id is not None and draft.badge_id <= 0:
        draft.badge_id = None
    _check_evidence(draft, problem)
    _check_scope(actor, draft, problem, existing)
    _check_dates(draft, problem, today, existing)
    return problems


def _check_points(actor: Person, draft: MissionDraft, problem, existing: Mission | None) -> None:
    """Within what the ledger would pay this author (the company maximum; for a manager also the per-award
    maximum), so nobody writes a mission that promises more than it pays."""
    maximum = ledger.authored_maximum("mission", existing.created_by if existing else actor)
    if draft.points is None or not 1 <= draft.points <= maximum:
        problem("points", _("Points must be a whole number from 1 to %(n)d.", n=maximum))
    elif (existing is not None and actor.role not in ORG_WIDE_ROLES and existing.created_by is not None
          and existing.created_by.role in ORG_WIDE_ROLES and draft.points != existing.points):
        # The ledger bounds a mission by its author; a manager re-pricing HR's would escape their cap.
        problem("points", _("Only HR can change the points of a mission HR created."))


def _check_evidence(draft: MissionDraft, problem) -> None:
    if draft.evidence_type not in tuple(EvidenceType):
        problem("evidence_type", _("Choose how people show the mission is done."))
        return
    if draft.evidence_type == EvidenceType.SIGNOFF:
        draft.requires_approval = True
    elif draft.evidence_type in (EvidenceType.TICK, EvidenceType.QUIZ):
        draft.requires_approval = False
    if draft.evidence_type != EvidenceType.QUIZ:
        draft.questions = []
        return
    if draft.pass_mark is None or not 1 <= draft.pass_mark <= 100:
        problem("pass_mark", _("The pass mark is a percentage from 1 to 100."))
    if not draft.questions:
        problem("quiz", _("Write at least one question with its options."))
    elif len(draft.questions) > MAX_QUESTIONS:
        problem("quiz", _("A quiz can have at most %(n)d questions.", n=MAX_QUESTIONS))
    for number, question in enumerate(draft.questions, start=1):
        right = sum(1 for _label, correct in question.options if correct)
        if not 2 <= len(question.options) <= MAX_OPTIONS:
            problem("quiz", _("Question %(n)d needs 2 to %(max)d options.", n=number, max=MAX_OPTIONS))
        elif right != 1:
            problem("quiz", _("Question %(n)d needs exactly one right answer, marked with *.", n=number))
        elif len(question.prompt) > 300 or any(not label or len(label) > 200
                                               for label, _ok in question.options):
            problem("quiz", _("Question %(n)d is too long or has an empty option.", n=number))


def _check_scope(actor: Person, draft: MissionDraft, problem, existing: Mission | None) -> None:
    org_wide = actor.role in ORG_WIDE_ROLES
    if existing is not None and existing.store_id is None and not org_wide:
        problem("store_id", _("Only HR can change a company-wide mission."))
    if draft.store_id is None:
        if not org_wide:
            problem("store_id", _("Choose the store this mission is for."))
    elif db.session.get(Store, draft.store_id) is None:
        problem("store_id", _("That store doesn't exist."))
    elif not can_manage_store(actor, draft.store_id):
        problem("store_id", _("That store is outside the stores you manage."))
    if draft.audience not in tuple(Audience):
        problem("audience", _("Choose who gets this mission."))
        return
    if draft.audience != Audience.ROLE:
        draft.audience_role = None
    if draft.audience != Audience.NEW_HIRES:
        draft.new_hire_days = None
    if draft.audience != Audience.PEOPLE:
        draft.person_ids = []
    if draft.audience == Audience.JOURNEY:
        if not org_wide or draft.store_id is not None:
            problem("audience", _("Onboarding journey missions are company-wide and created by HR."))
        draft.recurrence = Recurrence.NONE
    elif draft.audience == Audience.ROLE:
        if draft.audience_role not in role_choices(actor):
            problem("audience_role", _("Choose a role you manage."))
        elif draft.store_id is not None and draft.audience_role not in STORE_ROLES:
            problem("audience_role", _("Only associates and store managers work in a store; "
                                       "choose all stores for this role."))
    elif draft.audience == Audience.NEW_HIRES:
        if draft.new_hire_days is None or not 1 <= draft.new_hire_days <= 365:
            problem("new_hire_days", _("Say within how many days of their hire date (1 to 365)."))
    elif draft.audience == Audience.PEOPLE:
        _check_people(actor, draft, problem)


def _check_people(actor: Person, draft: MissionDraft, problem) -> None:
    draft.person_ids = list(dict.fromkeys(draft.person_ids))
    if not draft.person_ids:
        problem("person_ids", _("Pick at least one person."))
        return
    if len(draft.person_ids) > MAX_PEOPLE:
        problem("person_ids", _("Pick at most %(n)d people; use a store or role audience instead.",
                                n=MAX_PEOPLE))
        return
    query = managed_people(actor).where(Person.id.in_(draft.person_ids), Person.active.is_(True))
    if draft.store_id is not None:
        query = query.where(Person.store_id == draft.store_id)
    found = db.session.scalar(query.with_only_columns(sa.func.count(Person.id)))
    if found != len(draft.person_ids):
        problem("person_ids", _("Some of those people aren't in your team or in this mission's store."))


def _check_dates(draft: MissionDraft, problem, today: date, existing: Mission | None) -> None:
    if draft.recurrence not in tuple(Recurrence):
        problem("recurrence", _("Choose how often the mission repeats."))
    draft.start_date = draft.start_date or (existing.start_date if existing else today)
    if draft.audience == Audience.JOURNEY:
        draft.due_date = None  # each new hire's due date follows their own start
    if draft.due_date is not None:
        if draft.due_date < draft.start_date:
            problem("due_date", _("The due date can't be before the start date."))
        elif draft.due_date < today and (existing is None or existing.due_date != draft.due_date):
            problem("due_date", _("The due date has already passed."))

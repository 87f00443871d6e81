"""Creating, changing and withdrawing missions. Rules live in authoring.check_draft; this module
applies a valid draft, records it in the audit log and hands the audience its assignments."""

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import audit
from app.core.errors import ServiceError
from app.extensions import db
from app.missions.assignments import sync_mission
from app.missions.authoring import DraftError, MissionDraft, check_draft
from app.missions.models import (
    Mission,
    MissionStep,
    MissionTarget,
    QuizOption,
    QuizQuestion,
    StepCheck,
)
from app.org.authz import can_manage_store
from app.org.models import ORG_WIDE_ROLES, Person


def can_edit(actor: Person, mission: Mission) -> bool:
    if actor.role in ORG_WIDE_ROLES:
        return True
    return mission.store_id is not None and can_manage_store(actor, mission.store_id)


def create_mission(actor: Person, draft: MissionDraft, *, today: date) -> Mission:
    problems = check_draft(actor, draft, today=today)
    if problems:
        raise DraftError(problems)
    mission = Mission(created_by_id=actor.id)
    _apply(mission, draft)
    db.session.add(mission)
    db.session.flush()
    audit.record("mission.created", actor_id=actor.id, target_type="mission", target_id=mission.id,
                 title=mission.title, points=mission.points, store_id=mission.store_id)
    sync_mission(mission, today)
    return mission


def update_mission(actor: Person, mission: Mission, draft: MissionDraft, *, today: date) -> Mission:
    """Changes apply to what is still to be done; paid completions keep what they paid."""
    if not can_edit(actor, mission):
        raise ServiceError(_("You can only change missions of the stores you manage."))
    problems = check_draft(actor, draft, today=today, existing=mission)
    if problems:
        raise DraftError(problems)
    with audit.change_recorded("mission.updated", mission, ("points", "audience", "store_id"), actor_id=actor.id):
        _apply(mission, draft)
        db.session.flush()
    sync_mission(mission, today)
    return mission


def set_active(actor: Person, mission: Mission, active: bool, *, today: date) -> None:
    """Withdrawing hides open assignments from phones; evidence already sent can still be signed off."""
    if not can_edit(actor, mission):
        raise ServiceError(_("You can only change missions of the stores you manage."))
    if mission.active == active:
        return
    mission.active = active
    db.session.flush()
    audit.record("mission.reopened" if active else "mission.withdrawn", actor_id=actor.id,
                 target_type="mission", target_id=mission.id)
    if active:
        sync_mission(mission, today)


def _apply(mission: Mission, draft: MissionDraft) -> None:
    for name in ("title", "description", "evidence_type", "requires_approval", "points", "badge_id",
                 "store_id", "audience", "audience_role", "new_hire_days", "start_date", "due_date",
                 "recurrence"):
        setattr(mission, name, getattr(draft, name))
    if draft.pass_mark is not None:
        mission.quiz_pass_mark = draft.pass_mark
    _apply_steps(mission, draft.steps)
    _apply_questions(mission, draft)
    _apply_targets(mission, draft.person_ids)


def _apply_steps(mission: Mission, labels: list[str]) -> None:
    """Steps are matched by position, so ticks on a reworded step survive an edit."""
    steps = list(mission.steps)
    for position, label in enumerate(labels):
        if position < len(steps):
            steps[position].label = label
        else:
            mission.steps.append(MissionStep(position=position, label=label))
    removed = steps[len(labels):]
    if removed and mission.id is not None:
        db.session.execute(sa.delete(StepCheck).where(StepCheck.step_id.in_([step.id for step in removed])))
    for step in removed:
        mission.steps.remove(step)


def _apply_questions(mission: Mission, draft: MissionDraft) -> None:
    wanted = [(question.prompt, list(question.options)) for question in draft.questions]
    current = [(question.prompt, [(option.label, option.correct) for option in question.options])
               for question in mission.questions]
    if wanted == current:
        return  # untouched: keep the ids that past answers refer to
    mission.questions.clear()
    db.session.flush()
    for position, (prompt, options) in enumerate(wanted):
        mission.questions.append(QuizQuestion(position=position, prompt=prompt, options=[
            QuizOption(position=index, label=label, correct=correct)
            for index, (label, correct) in enumerate(options)]))


def _apply_targets(mission: Mission, person_ids: list[int]) -> None:
    current = {target.person_id: target for target in mission.targets}
    for person_id, target in current.items():
        if person_id not in person_ids:
            mission.targets.remove(target)
    for person_id in person_ids:
        if person_id not in current:
            mission.targets.append(MissionTarget(person_id=person_id))

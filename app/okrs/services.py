"""Writing objectives, key results and check-ins. Plain arguments in; flush, the caller commits.
A refusal raises ServiceError before anything is written, so the caller's rollback leaves no trace."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import audit
from app.core.errors import ServiceError
from app.core.text import squash_spaces
from app.extensions import db
from app.kpis.models import KpiDefinition
from app.okrs import rules
from app.okrs.models import (
    PARENT_LEVEL,
    CheckIn,
    Confidence,
    KeyResult,
    KeyResultKind,
    Level,
    Objective,
    ObjectiveStatus,
)
from app.org.models import District, Person, Store

MAX_KEY_RESULTS = 12


@dataclass
class KeyResultDraft:
    title: str
    kind: str = KeyResultKind.NUMBER
    start: float | None = 0.0
    target: float | None = None
    weight: float | None = 1.0
    kpi_id: int | None = None
    id: int | None = None  # an existing key result being edited


@dataclass
class ObjectiveDraft:
    title: str
    level: str
    period_start: date | None
    period_end: date | None
    description: str = ""
    district_id: int | None = None
    store_id: int | None = None
    person_id: int | None = None
    parent_id: int | None = None
    owner_id: int | None = None
    key_results: list[KeyResultDraft] = field(default_factory=list)


def create_objective(actor: Person, draft: ObjectiveDraft, *, template_id: int | None = None) -> Objective:
    _normalise_target(draft)
    if not rules.can_create(actor, draft.level, district_id=draft.district_id, store_id=draft.store_id,
                            person_id=draft.person_id):
        raise ServiceError(_("You can't add an objective there."), field="level")
    _check_target_exists(draft)
    _check_fields(actor, draft, existing=None)
    objective = Objective(title=draft.title, description=draft.description, level=draft.level,
                          district_id=draft.district_id, store_id=draft.store_id, person_id=draft.person_id,
                          parent_id=draft.parent_id, owner_id=_owner_for(actor, draft),
                          period_start=draft.period_start, period_end=draft.period_end,
                          status=ObjectiveStatus.ACTIVE, template_id=template_id, created_by_id=actor.id)
    db.session.add(objective)
    db.session.flush()
    _save_key_results(objective, draft.key_results)
    audit.record("okr.objective_created", actor_id=actor.id, target_type="objective", target_id=objective.id,
                 level=objective.level, title=objective.title)
    return objective


def update_objective(actor: Person, objective: Objective, draft: ObjectiveDraft) -> None:
    """Title, description, parent, owner, period and key results; the level and whose it is stay."""
    if not rules.can_change(actor, objective):
        raise ServiceError(_("You can't change this objective."))
    draft.level, draft.district_id = objective.level, objective.district_id
    draft.store_id, draft.person_id = objective.store_id, objective.person_id
    _check_fields(actor, draft, existing=objective)
    objective.title, objective.description = draft.title, draft.description
    objective.parent_id = draft.parent_id
    objective.owner_id = _owner_for(actor, draft, current=objective.owner_id)
    objective.period_start, objective.period_end = draft.period_start, draft.period_end
    _save_key_results(objective, draft.key_results)
    db.session.flush()
    audit.record("okr.objective_updated", actor_id=actor.id, target_type="objective", target_id=objective.id)


def set_status(actor: Person, objective: Objective, status: str) -> None:
    if not rules.can_change(actor, objective):
        raise ServiceError(_("You can't change this objective."))
    if status not in tuple(ObjectiveStatus):
        raise ServiceError(_("Choose whether the objective is active or archived."))
    objective.status = status
    db.session.flush()


def check_in(actor: Person, key_result: KeyResult, *, confidence: str, value: float | None = None,
             comment: str = "") -> CheckIn:
    """Record how a key result is going; a value (not for KPI-linked ones) becomes its current value."""
    objective = key_result.objective
    if not rules.can_check_in(actor, objective):
        raise ServiceError(_("Only the owner or a manager of this objective can check in on it."))
    if confidence not in tuple(Confidence):
        raise ServiceError(_("Say how confident you are: on track, at risk or off track."), field="confidence")
    comment = squash_spaces(comment)
    if len(comment) > 500:
        raise ServiceError(_("Keep the comment under 500 characters."), field="comment")
    if key_result.kind == KeyResultKind.KPI:
        value = None  # the KPI moves it, not a typed number
    elif key_result.kind == KeyResultKind.BOOLEAN and value is not None:
        value = 1.0 if value else 0.0
    elif value is not None and value < 0 and key_result.kind != KeyResultKind.NUMBER:
        raise ServiceError(_("The value can't be negative."), field="value")
    entry = CheckIn(key_result_id=key_result.id, person_id=actor.id, value=value, confidence=confidence,
                    comment=comment)
    db.session.add(entry)
    if value is not None:
        key_result.current_value = value
    db.session.flush()
    return entry


# -- Rules for a draft -------------------------------------------------------------------------------

def _normalise_target(draft: ObjectiveDraft) -> None:
    """Keep only the target that belongs to the level."""
    if draft.level not in tuple(Level):
        raise ServiceError(_("Choose the level of the objective."), field="level")
    draft.district_id = draft.district_id if draft.level == Level.DISTRICT else None
    draft.store_id = draft.store_id if draft.level == Level.STORE else None
    draft.person_id = draft.person_id if draft.level == Level.PERSON else None


def _check_target_exists(draft: ObjectiveDraft) -> None:
    for model, value in ((District, draft.district_id), (Store, draft.store_id), (Person, draft.person_id)):
        if value is not None and db.session.get(model, value) is None:
            raise ServiceError(_("You can't add an objective there."), field="level")


def _check_fields(actor: Person, draft: ObjectiveDraft, existing: Objective | None) -> None:
    draft.title = squash_spaces(draft.title)
    draft.description = (draft.description or "").strip()
    if not draft.title:
        raise ServiceError(_("Give the objective a title."), field="title")
    if len(draft.title) > 200:
        raise ServiceError(_("Keep the title under 200 characters."), field="title")
    if len(draft.description) > 2000:
        raise ServiceError(_("Keep the description under 2,000 characters."), field="description")
    if draft.period_start is None or draft.period_end is None:
        raise ServiceError(_("Give the period a start and an end date."), field="period_end")
    if draft.period_end < draft.period_start:
        raise ServiceError(_("The period must end after it starts."), field="period_end")
    if draft.parent_id is not None:
        _check_parent(actor, draft, existing)
    if draft.owner_id is not None and draft.level != Level.PERSON:
        allowed = {person.id for person in rules.owner_choices(actor)}
        if existing is not None and existing.owner_id is not None:
            allowed.add(existing.owner_id)
        if draft.owner_id not in allowed:
            raise ServiceError(_("Choose an owner from your team."), field="owner_id")
    check_key_results(draft.key_results)


def _check_parent(actor: Person, draft: ObjectiveDraft, existing: Objective | None) -> None:
    parent = db.session.get(Objective, draft.parent_id)
    expected = PARENT_LEVEL.get(draft.level)
    keep = existing is not None and existing.parent_id == draft.parent_id
    if parent is None or expected is None or parent.level != expected or not (
            keep or rules.can_see(actor, parent.id)):
        raise ServiceError(_("Align it with an objective one level up that you can see."), field="parent_id")


def check_key_results(drafts: list[KeyResultDraft]) -> None:
    """Titles, numbers and weights of key results (objectives and templates share the rules)."""
    if len(drafts) > MAX_KEY_RESULTS:
        raise ServiceError(_("Keep it to %(n)d key results at most: focus is the point.", n=MAX_KEY_RESULTS))
    kpi_ids = {kpi_id for kpi_id in db.session.scalars(sa.select(KpiDefinition.id)
                                                       .where(KpiDefinition.active.is_(True)))}
    for number, draft in enumerate(drafts, start=1):
        draft.title = squash_spaces(draft.title)
        name = draft.title or _("number %(n)d", n=number)
        if not draft.title:
            raise ServiceError(_("Key result %(n)d needs a title.", n=number))
        if len(draft.title) > 200:
            raise ServiceError(_("Key result “%(name)s”: keep the title under 200 characters.", name=name))
        if draft.kind not in tuple(KeyResultKind):
            raise ServiceError(_("Key result “%(name)s”: choose its type.", name=name))
        if draft.kind == KeyResultKind.BOOLEAN:
            draft.start, draft.target = 0.0, 1.0
        if draft.kind == KeyResultKind.KPI:
            if draft.kpi_id not in kpi_ids:
                raise ServiceError(_("Key result “%(name)s”: choose the KPI it follows.", name=name))
        else:
            draft.kpi_id = None
        if draft.start is None:
            draft.start = 0.0
        if draft.target is None:
            raise ServiceError(_("Key result “%(name)s”: give it a target.", name=name))
        if draft.target == draft.start:
            raise ServiceError(_("Key result “%(name)s”: the target must differ from the start, or there is "
                                 "nothing to measure.", name=name))
        if draft.kind in (KeyResultKind.PERCENTAGE, KeyResultKind.CURRENCY) and min(draft.start, draft.target) < 0:
            raise ServiceError(_("Key result “%(name)s”: start and target can't be negative.", name=name))
        if draft.weight is None:
            draft.weight = 1.0
        if draft.weight <= 0:
            raise ServiceError(_("Key result “%(name)s”: the weight must be more than 0.", name=name))
        if draft.weight > 100:
            raise ServiceError(_("Key result “%(name)s”: keep the weight at 100 or less.", name=name))


def _owner_for(actor: Person, draft: ObjectiveDraft, current: int | None = None) -> int:
    if draft.level == Level.PERSON:
        return draft.person_id
    return draft.owner_id or current or actor.id


def _save_key_results(objective: Objective, drafts: list[KeyResultDraft]) -> None:
    """Update the key results still listed, add the new ones, remove the ones left out."""
    existing = {kr.id: kr for kr in objective.key_results}
    kept = set()
    for position, draft in enumerate(drafts):
        kr = existing.get(draft.id) if draft.id is not None else None
        if kr is None:
            kr = KeyResult(title=draft.title, kind=draft.kind, start_value=draft.start, target_value=draft.target,
                           current_value=None if draft.kind == KeyResultKind.KPI else draft.start)
            objective.key_results.append(kr)
        else:
            kept.add(kr.id)
            if kr.kind != draft.kind:
                kr.current_value = None if draft.kind == KeyResultKind.KPI else draft.start
        kr.title, kr.kind = draft.title, draft.kind
        kr.start_value, kr.target_value = draft.start, draft.target
        kr.weight, kr.kpi_id, kr.position = draft.weight, draft.kpi_id, position
    for kr_id, kr in existing.items():
        if kr_id not in kept:
            objective.key_results.remove(kr)
    db.session.flush()

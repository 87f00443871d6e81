"""Goal templates: an objective and its key results written once, applied to many stores or people at once
(a store manager should not type the same goal thirty times).

Applying is all or nothing: every target is checked first, and one refusal changes nothing. A target that
already has an objective from the same template starting on the same day is skipped and reported, so
applying twice doesn't double anyone's goals."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import audit
from app.core.errors import ServiceError
from app.core.text import required_text, squash_spaces
from app.extensions import db
from app.kpis.models import KpiDefinition
from app.okrs import rules, services
from app.okrs.models import GoalTemplate, KeyResultKind, Level, Objective
from app.org.models import ORG_WIDE_ROLES, Person, Store
from app.org.models import Role as OrgRole

TEMPLATE_LEVELS = (Level.STORE, Level.PERSON)
MAX_TARGETS = 500


@dataclass(frozen=True)
class ApplyResult:
    created: list[Objective]
    skipped: list[str]  # names of the stores or people that already had it


def drafts_from_rows(rows: list[dict]) -> list[services.KeyResultDraft]:
    """A template's stored rows as key result drafts (KPI codes resolved to ids)."""
    codes = {row.get("kpi_code") for row in rows if row.get("kpi_code")}
    ids = {row[0]: row[1] for row in db.session.execute(sa.select(KpiDefinition.code, KpiDefinition.id)
                                  .where(KpiDefinition.code.in_(codes))).all()} if codes else {}
    return [services.KeyResultDraft(title=row.get("title", ""), kind=row.get("kind", KeyResultKind.NUMBER),
                                    start=row.get("start"), target=row.get("target"), weight=row.get("weight"),
                                    kpi_id=ids.get(row.get("kpi_code")))
            for row in rows]


def rows_from_drafts(drafts: list[services.KeyResultDraft]) -> list[dict]:
    ids = {draft.kpi_id for draft in drafts if draft.kpi_id}
    codes = {row[0]: row[1] for row in db.session.execute(sa.select(KpiDefinition.id, KpiDefinition.code)
                                    .where(KpiDefinition.id.in_(ids))).all()} if ids else {}
    return [{"title": draft.title, "kind": draft.kind, "start": draft.start, "target": draft.target,
             "weight": draft.weight, "kpi_code": codes.get(draft.kpi_id)} for draft in drafts]


def create_template(actor: Person, *, name: str, level: str, title: str, description: str,
                    key_results: list[services.KeyResultDraft]) -> GoalTemplate:
    if actor.role not in (OrgRole.STORE_MANAGER, OrgRole.DISTRICT_MANAGER, *ORG_WIDE_ROLES):
        raise ServiceError(_("Only managers and HR write goal templates."))
    name = required_text(name, max_length=120, field="name",
                         required_message=_("Give the template a name."),
                         too_long_message=_("Keep the name under 120 characters."))
    title = squash_spaces(title)
    if level not in TEMPLATE_LEVELS:
        raise ServiceError(_("Choose whether the template is for stores or for people."), field="level")
    if not title or len(title) > 200:
        raise ServiceError(_("Give the objective a title (under 200 characters)."), field="title")
    if not key_results:
        raise ServiceError(_("Add at least one key result: it is what applying the template measures."))
    services.check_key_results(key_results)
    template = GoalTemplate(name=name, level=level, title=title, description=(description or "").strip()[:2000],
                            key_results=rows_from_drafts(key_results), created_by_id=actor.id)
    db.session.add(template)
    db.session.flush()
    return template


def can_delete(actor: Person, template: GoalTemplate) -> bool:
    return actor.role in ORG_WIDE_ROLES or template.created_by_id == actor.id


def delete_template(actor: Person, template: GoalTemplate) -> None:
    """Objectives made from it stay; they just forget where they came from."""
    if not can_delete(actor, template):
        raise ServiceError(_("Only whoever wrote this template, or HR, can delete it."))
    db.session.execute(sa.update(Objective).where(Objective.template_id == template.id).values(template_id=None))
    db.session.delete(template)
    db.session.flush()


def target_choices(actor: Person, template: GoalTemplate) -> list[tuple[int, str]]:
    """(id, name) of the stores or people `actor` may apply `template` to."""
    if template.level == Level.STORE:
        return [(store.id, store.name) for store in rules.store_choices(actor)]
    return [(person.id, person.full_name) for person in rules.people_choices(actor)]


def apply_template(actor: Person, template: GoalTemplate, target_ids: list[int], *, period_start: date | None,
                   period_end: date | None, parent_id: int | None = None) -> ApplyResult:
    target_ids = list(dict.fromkeys(target_ids))  # keep the order, drop repeats
    if not target_ids:
        raise ServiceError(_("Choose at least one store or person."), field="target_ids")
    if len(target_ids) > MAX_TARGETS:
        raise ServiceError(_("Apply it to at most %(n)d at a time.", n=MAX_TARGETS), field="target_ids")
    if period_start is None or period_end is None:
        raise ServiceError(_("Give the period a start and an end date."), field="period_end")
    names = _target_names(template.level, target_ids)
    allowed = {target_id for target_id, _name in target_choices(actor, template)}
    refused = [target_id for target_id in target_ids if target_id not in allowed or target_id not in names]
    if refused:
        raise ServiceError(_("You can't give objectives to some of the chosen stores or people: nothing was "
                             "created."), field="target_ids")
    column = Objective.store_id if template.level == Level.STORE else Objective.person_id
    already = set(db.session.scalars(
        sa.select(column).where(Objective.template_id == template.id, Objective.period_start == period_start,
                                column.in_(target_ids))))
    created, skipped = [], []
    for target_id in target_ids:
        if target_id in already:
            skipped.append(names[target_id])
            continue
        draft = services.ObjectiveDraft(
            title=template.title, description=template.description, level=template.level,
            period_start=period_start, period_end=period_end, parent_id=parent_id,
            store_id=target_id if template.level == Level.STORE else None,
            person_id=target_id if template.level == Level.PERSON else None,
            key_results=drafts_from_rows(template.key_results))
        try:
            created.append(services.create_objective(actor, draft, template_id=template.id))
        except ServiceError as error:
            raise ServiceError(_("%(name)s: %(problem)s Nothing was created.", name=names[target_id],
                                 problem=error.message), field=error.field) from error
    audit.record("okr.template_applied", actor_id=actor.id, target_type="goal_template", target_id=template.id,
                 created=len(created), skipped=len(skipped))
    return ApplyResult(created, skipped)


def _target_names(level: str, target_ids: list[int]) -> dict[int, str]:
    if level == Level.STORE:
        rows = db.session.execute(sa.select(Store.id, Store.name).where(Store.id.in_(target_ids)))
    else:
        rows = db.session.execute(sa.select(Person.id, Person.full_name).where(Person.id.in_(target_ids)))
    return {row[0]: row[1] for row in rows}

"""HR's KPI library: custom KPIs (a base measure, or a ratio of two base measures), edits, deactivation.

Built-in KPIs keep their code, unit, direction and aggregation (challenges, OKRs and the TV read them);
their name, description, decimals, order and valid range may change. Nothing is deleted: a KPI with history is
deactivated instead, and a custom one without any history can be removed."""

import math
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.core import audit
from app.core.errors import ServiceError
from app.core.text import squash_spaces
from app.extensions import db
from app.kpis.models import Aggregation, Direction, KpiDefinition, KpiMeasurement, KpiTarget, Unit
from app.org.models import Person

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def definitions() -> list[KpiDefinition]:
    """Every KPI, active first in dashboard order, with its ratio's parts loaded (the library page)."""
    return list(db.session.scalars(sa.select(KpiDefinition).options(
        selectinload(KpiDefinition.numerator), selectinload(KpiDefinition.denominator))
        .order_by(KpiDefinition.active.desc(), KpiDefinition.position, KpiDefinition.id)))


@dataclass
class KpiDraft:
    code: str
    name: str
    description: str
    unit: str
    direction: str
    aggregation: str
    numerator_id: int | None
    denominator_id: int | None
    scale: float
    decimals: int
    position: int
    min_value: float | None = None  # the valid range; None leaves that end open
    max_value: float | None = None


def _check(draft: KpiDraft, kpi: KpiDefinition | None) -> None:
    name = squash_spaces(draft.name)
    if not name or len(name) > 80:
        raise ServiceError(_("Give the KPI a name of up to 80 characters."), field="name")
    if len(draft.description or "") > 300:
        raise ServiceError(_("Keep the description under 300 characters."), field="description")
    if not 0 <= (draft.decimals or 0) <= 4:
        raise ServiceError(_("Between 0 and 4 decimals."), field="decimals")
    _check_range(draft)
    if kpi is not None and kpi.built_in:
        return
    if not CODE.match(draft.code or ""):
        raise ServiceError(_("A code is 2 to 40 lowercase letters, digits or underscores, starting with a "
                             "letter (it is what CSV files and the API use)."), field="code")
    clash = db.session.scalar(sa.select(KpiDefinition.id).where(KpiDefinition.code == draft.code))
    if clash is not None and (kpi is None or clash != kpi.id):
        raise ServiceError(_("Another KPI already has the code %(c)s.", c=draft.code), field="code")
    if draft.unit not in set(Unit) or draft.direction not in set(Direction) or \
            draft.aggregation not in set(Aggregation):
        raise ServiceError(_("Choose a unit, a direction and an aggregation from the lists."))
    if draft.aggregation == Aggregation.RATIO:
        parts = [db.session.get(KpiDefinition, part_id) for part_id in (draft.numerator_id, draft.denominator_id)
                 if part_id]
        if len(parts) != 2 or any(part.is_ratio for part in parts) or parts[0].id == parts[1].id:
            raise ServiceError(_("A ratio divides one base KPI by another: choose two different ones."),
                               field="numerator_id")
        if draft.scale <= 0:
            raise ServiceError(_("The scale must be above zero (100 shows a ratio as a percentage)."),
                               field="scale")
    if kpi is not None and kpi.aggregation != draft.aggregation and _has_history(kpi):
        raise ServiceError(_("This KPI already has measurements or targets: its aggregation can't change."),
                           field="aggregation")


def _check_range(draft: KpiDraft) -> None:
    for name in ("min_value", "max_value"):
        value = getattr(draft, name)
        if value is not None and (not math.isfinite(value) or abs(value) > 1e12):
            raise ServiceError(_("That number is too large."), field=name)
    if draft.min_value is not None and draft.max_value is not None and draft.min_value >= draft.max_value:
        raise ServiceError(_("The lowest valid value must be below the highest."), field="max_value")


def _has_history(kpi: KpiDefinition) -> bool:
    return bool(db.session.scalar(sa.select(sa.func.count()).select_from(KpiMeasurement)
                                  .where(KpiMeasurement.kpi_id == kpi.id)) or
                db.session.scalar(sa.select(sa.func.count()).select_from(KpiTarget)
                                  .where(KpiTarget.kpi_id == kpi.id)))


def _apply(kpi: KpiDefinition, draft: KpiDraft) -> None:
    kpi.name = squash_spaces(draft.name)
    kpi.description = (draft.description or "").strip()
    kpi.decimals = draft.decimals or 0
    kpi.position = draft.position if draft.position is not None else kpi.position
    kpi.min_value, kpi.max_value = draft.min_value, draft.max_value
    if kpi.built_in:
        return
    kpi.code, kpi.unit, kpi.direction, kpi.aggregation = draft.code, draft.unit, draft.direction, draft.aggregation
    ratio = draft.aggregation == Aggregation.RATIO
    kpi.numerator_id = draft.numerator_id if ratio else None
    kpi.denominator_id = draft.denominator_id if ratio else None
    kpi.scale = draft.scale if ratio else 1.0


def create_kpi(actor: Person, draft: KpiDraft) -> KpiDefinition:
    _check(draft, None)
    kpi = KpiDefinition(built_in=False, active=True)
    _apply(kpi, draft)
    db.session.add(kpi)
    db.session.flush()
    audit.record("kpi.created", actor_id=actor.id, target_type="kpi", target_id=kpi.id, code=kpi.code)
    return kpi


def update_kpi(actor: Person, kpi: KpiDefinition, draft: KpiDraft) -> None:
    _check(draft, kpi)
    _apply(kpi, draft)
    db.session.flush()
    audit.record("kpi.updated", actor_id=actor.id, target_type="kpi", target_id=kpi.id, code=kpi.code)


def set_active(actor: Person, kpi: KpiDefinition, active: bool) -> None:
    if not active:
        users = db.session.scalars(sa.select(KpiDefinition.name).where(
            KpiDefinition.active.is_(True), KpiDefinition.id != kpi.id,
            sa.or_(KpiDefinition.numerator_id == kpi.id, KpiDefinition.denominator_id == kpi.id))).all()
        if users:
            raise ServiceError(_("%(names)s is computed from this KPI: deactivate it first.",
                                 names=", ".join(users)))
    kpi.active = active
    audit.record("kpi.activated" if active else "kpi.deactivated", actor_id=actor.id, target_type="kpi",
                 target_id=kpi.id, code=kpi.code)


def delete_kpi(actor: Person, kpi: KpiDefinition) -> None:
    if kpi.built_in:
        raise ServiceError(_("Built-in KPIs can't be deleted; deactivate it instead."))
    if _has_history(kpi) or db.session.scalar(sa.select(sa.func.count()).select_from(KpiDefinition).where(
            sa.or_(KpiDefinition.numerator_id == kpi.id, KpiDefinition.denominator_id == kpi.id))):
        raise ServiceError(_("This KPI has measurements, targets or ratios built on it: deactivate it instead."))
    audit.record("kpi.deleted", actor_id=actor.id, target_type="kpi", target_id=kpi.id, code=kpi.code)
    db.session.delete(kpi)
    db.session.flush()

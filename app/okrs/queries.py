"""Read models for the goals pages, and the public query the reviews feature calls.

`results_for_person(person_id, start, end)` is the one function other features use: it names no viewer
and checks no permission (the caller has already decided who may read the person's review)."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import format_currency, format_decimal
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.core import params
from app.extensions import db
from app.kpis import display as kpi_display
from app.kpis.aggregation import period_bounds
from app.okrs import rules
from app.okrs.models import CONFIDENCE_SEVERITY, CheckIn, KeyResult, KeyResultKind, Level, Objective, ObjectiveStatus
from app.okrs.progress import KeyResultView, ObjectiveView, evaluate, objective_options, sort_siblings
from app.org.models import Person

LEVEL_ORDER = {Level.COMPANY: 0, Level.DISTRICT: 1, Level.STORE: 2, Level.PERSON: 3}


# -- Periods -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Quarter:
    start: date
    end: date

    @property
    def key(self) -> str:
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"

    @property
    def label(self) -> str:
        return _("Q%(n)d %(year)d", n=(self.start.month - 1) // 3 + 1, year=self.start.year)

    @property
    def previous(self) -> "Quarter":
        return quarter_of(self.start - timedelta(days=1))

    @property
    def next(self) -> "Quarter":
        return quarter_of(self.end + timedelta(days=1))


def quarter_of(day: date) -> Quarter:
    return Quarter(*period_bounds("quarter", day))


def parse_quarter(key: str | None, today: date) -> Quarter:
    """"2026-Q4" → that quarter; anything else → the quarter of `today`."""
    found = params.parse_period(key, kinds=(params.QUARTER,))
    return quarter_of(found[1] if found else today)


# -- Formatting --------------------------------------------------------------------------------------

def format_value(key_result: KeyResult, value: float | None) -> str:
    if key_result.kind == KeyResultKind.BOOLEAN:
        return _("Done") if value is not None and value >= 1 else _("Not yet")
    if value is None:
        return "–"
    if key_result.kind == KeyResultKind.KPI and key_result.kpi is not None:
        return kpi_display.number(key_result.kpi, value)
    if key_result.kind == KeyResultKind.CURRENCY:
        return format_currency(value, kpi_display.CURRENCY)
    text = format_decimal(round(value, 2))
    return f"{text} %" if key_result.kind == KeyResultKind.PERCENTAGE else text


def input_value(value: float | None) -> str:
    return kpi_display.input_value(value)


# -- The overview ------------------------------------------------------------------------------------

@dataclass
class AttentionItem:
    view: ObjectiveView
    worrying: list[KeyResultView]  # its key results at risk or off track, worst first


@dataclass
class Overview:
    roots: list[ObjectiveView]
    attention: list[AttentionItem]
    count: int


def _in_period(query: sa.Select, start: date, end: date) -> sa.Select:
    return query.where(Objective.period_start <= end, Objective.period_end >= start)


def overview(viewer: Person, quarter: Quarter, today: date) -> Overview:
    """The cascade tree the viewer can see for the quarter (an objective whose parent they can't see
    starts a tree of its own), and what needs attention first."""
    objectives = list(db.session.scalars(
        _in_period(rules.visible_objectives(viewer), quarter.start, quarter.end)
        .where(Objective.status == ObjectiveStatus.ACTIVE)
        .options(*objective_options(), selectinload(Objective.store), selectinload(Objective.district))
        .order_by(Objective.id)))
    views = evaluate(objectives, today)
    roots = [view for view in views.values() if view.objective.parent_id not in views]
    roots = sorted(sort_siblings(roots), key=lambda view: LEVEL_ORDER.get(view.objective.level, 9))
    return Overview(roots, attention_items(views.values()), len(views))


def attention_items(views) -> list[AttentionItem]:
    """Objectives at risk or off track: off track first, then the least progress."""
    items = []
    for view in views:
        if view.severity > CONFIDENCE_SEVERITY["at_risk"]:
            continue
        worrying = sorted((kr for kr in view.key_results
                           if CONFIDENCE_SEVERITY.get(kr.confidence, 3) <= CONFIDENCE_SEVERITY["at_risk"]),
                          key=lambda kr: (CONFIDENCE_SEVERITY.get(kr.confidence, 3), kr.progress))
        items.append(AttentionItem(view, worrying))
    return sorted(items, key=lambda item: (item.view.severity, item.view.progress or 0,
                                           item.view.objective.title.lower()))


# -- One objective -----------------------------------------------------------------------------------

@dataclass
class Detail:
    view: ObjectiveView
    parent: Objective | None
    history: list[CheckIn]
    can_change: bool
    can_check_in: bool


def visible_objective_or_none(viewer: Person, objective_id: int) -> Objective | None:
    return db.session.scalar(rules.visible_objectives(viewer).where(Objective.id == objective_id)
                             .options(*objective_options()))


def detail(viewer: Person, objective: Objective, today: date) -> Detail:
    children = list(db.session.scalars(
        rules.visible_objectives(viewer).where(Objective.parent_id == objective.id,
                                               Objective.status == ObjectiveStatus.ACTIVE)
        .options(*objective_options()).order_by(Objective.id)))
    views = evaluate([objective, *children], today)
    view = views[objective.id]
    parent = None
    if objective.parent_id is not None and rules.can_see(viewer, objective.parent_id):
        parent = db.session.get(Objective, objective.parent_id)
    history = list(db.session.scalars(
        sa.select(CheckIn).join(KeyResult).where(KeyResult.objective_id == objective.id)
        .options(selectinload(CheckIn.person), selectinload(CheckIn.key_result))
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc()).limit(30)))
    return Detail(view, parent, history, rules.can_change(viewer, objective), rules.can_check_in(viewer, objective))


# -- For the reviews feature -------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyResultResult:
    title: str
    current: str  # formatted for display, e.g. "12.4 %" or "Done"
    target: str
    progress: float  # 0..1
    confidence: str | None  # on_track, at_risk, off_track or None without check-ins


@dataclass(frozen=True)
class ObjectiveResult:
    objective_id: int
    title: str
    level: str  # company, district, store or person
    period_start: date
    period_end: date
    progress: float | None  # 0..1; None when there is nothing to measure yet
    confidence: str | None
    key_results: tuple[KeyResultResult, ...]


def results_for_person(person_id: int, start: date, end: date) -> list[ObjectiveResult]:
    """The person's goals overlapping [start, end]: objectives owned by them or given to them, and their
    store's objectives; personal ones first, then by title. Archived objectives are left out."""
    person = db.session.get(Person, person_id)
    if person is None:
        return []
    conditions = [Objective.owner_id == person_id, Objective.person_id == person_id]
    if person.store_id is not None:
        conditions.append(sa.and_(Objective.level == Level.STORE, Objective.store_id == person.store_id))
    objectives = list(db.session.scalars(
        _in_period(sa.select(Objective), start, end)
        .where(sa.or_(*conditions), Objective.status == ObjectiveStatus.ACTIVE)
        .options(*objective_options()).order_by(Objective.id)))
    today = min(date.today(), end)
    views = evaluate(objectives, today)
    ordered = sorted(views.values(), key=lambda view: (-LEVEL_ORDER.get(view.objective.level, 0),
                                                       view.objective.title.lower(), view.objective.id))
    return [ObjectiveResult(
        objective_id=view.objective.id, title=view.objective.title, level=view.objective.level,
        period_start=view.objective.period_start, period_end=view.objective.period_end,
        progress=view.progress, confidence=view.confidence,
        key_results=tuple(KeyResultResult(kr.key_result.title, format_value(kr.key_result, kr.current),
                                          format_value(kr.key_result, kr.key_result.target_value), kr.progress,
                                          kr.confidence)
                          for kr in view.key_results))
        for view in ordered]

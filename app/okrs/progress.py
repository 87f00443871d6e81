"""How far objectives and key results have come, computed on read (nothing here is stored).

The rules, also told to people in the help text of the goals pages:

- A key result's progress is (current − start) ÷ (target − start), kept between 0 and 1. A target below
  the start ("bring returns down from 40 to 25") works the same way: getting lower is progress.
  A yes/no key result is 0 until it is done, then 1.
- A key result linked to a KPI has no typed-in current value: its current value is the KPI over the
  objective's stores from the start of the objective's period to today (or the period's end). The stores
  are the objective's store (store level), its district's stores (district level), every store (company
  level) or the person's store (personal level). So it moves by itself when a measurement arrives.
- An objective's progress is the weighted mean of its key results' progress (weight 2 counts twice as
  much as weight 1). An objective with no key results of its own but with aligned objectives under it
  rolls those up, each counting the same. An objective with neither has no progress yet.
- An objective's confidence is the worst latest check-in confidence among its key results (off track
  beats at risk beats on track); without key results, the worst among the objectives under it.

Everything is batched: `evaluate` reads the latest check-ins in one query, the stores in one query and
each KPI at most once per (KPI, period, group of stores), whatever the number of objectives."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.kpis.aggregation import aggregate, store_values
from app.okrs.models import CONFIDENCE_SEVERITY, CheckIn, KeyResult, KeyResultKind, Level, Objective
from app.org.models import Store


def key_result_progress(kind: str, start: float, target: float, current: float | None) -> float:
    """0..1. Lower-is-better targets (target < start) count a fall as progress."""
    if current is None:
        return 0.0
    if kind == KeyResultKind.BOOLEAN:
        return 1.0 if current >= 1 else 0.0
    if target == start:  # refused when saved; an old row must not divide by zero
        return 1.0 if current == target else 0.0
    return min(1.0, max(0.0, (current - start) / (target - start)))


def weighted_progress(parts: Iterable[tuple[float, float]]) -> float | None:
    """The weighted mean of (weight, progress) pairs; None when there is nothing to weigh."""
    parts = [(weight, progress) for weight, progress in parts if weight > 0]
    total = sum(weight for weight, _ in parts)
    if not total:
        return None
    return sum(weight * progress for weight, progress in parts) / total


def worst_confidence(confidences: Iterable[str | None]) -> str | None:
    found = [confidence for confidence in confidences if confidence]
    return min(found, key=lambda confidence: CONFIDENCE_SEVERITY.get(confidence, 3)) if found else None


@dataclass
class KeyResultView:
    key_result: KeyResult
    current: float | None
    progress: float
    last_check_in: CheckIn | None

    @property
    def confidence(self) -> str | None:
        return self.last_check_in.confidence if self.last_check_in else None


@dataclass
class ObjectiveView:
    objective: Objective
    key_results: list[KeyResultView]
    children: list["ObjectiveView"] = field(default_factory=list)
    progress: float | None = None
    confidence: str | None = None

    @property
    def percent(self) -> int | None:
        return None if self.progress is None else round(self.progress * 100)

    @property
    def severity(self) -> int:
        return CONFIDENCE_SEVERITY.get(self.confidence, 3)


def objective_options():
    """What `evaluate` reads from each objective: load it with the objectives, in a constant number of
    queries."""
    return (selectinload(Objective.key_results).selectinload(KeyResult.kpi),
            selectinload(Objective.person), selectinload(Objective.owner))


def evaluate(objectives: list[Objective], today: date) -> dict[int, ObjectiveView]:
    """Views of `objectives` (loaded with `objective_options()`), with progress and confidence.

    Objectives without key results roll up their children: children missing from `objectives` (the
    viewer can't see them, or they weren't asked for) are fetched for the sum, one query per level,
    but not returned. `children` of each view lists only the given objectives' children."""
    given_ids = {objective.id for objective in objectives}
    everything = {objective.id: objective for objective in objectives}
    _add_hidden_children(everything)

    key_results = [kr for objective in everything.values() for kr in objective.key_results]
    latest = _latest_check_ins([kr.id for kr in key_results])
    kpi_values = _kpi_currents(list(everything.values()), today)

    views = {}
    for objective in everything.values():
        kr_views = []
        for kr in objective.key_results:
            current = kpi_values.get(kr.id) if kr.kind == KeyResultKind.KPI else kr.current_value
            kr_views.append(KeyResultView(kr, current, key_result_progress(kr.kind, kr.start_value,
                                                                             kr.target_value, current),
                                          latest.get(kr.id)))
        views[objective.id] = ObjectiveView(objective, kr_views)

    all_children = defaultdict(list)
    for view in views.values():
        if view.objective.parent_id in views:
            all_children[view.objective.parent_id].append(view)

    def settle(view: ObjectiveView, depth: int = 0) -> None:
        if view.key_results:
            view.progress = weighted_progress((kr.key_result.weight, kr.progress) for kr in view.key_results)
            view.confidence = worst_confidence(kr.confidence for kr in view.key_results)
            return
        children = all_children.get(view.objective.id, [])
        if depth < 5:  # levels make a cycle impossible; the guard keeps a corrupt row from looping
            for child in children:
                settle(child, depth + 1)
        rolled = [child.progress for child in children if child.progress is not None]
        view.progress = sum(rolled) / len(rolled) if rolled else None
        view.confidence = worst_confidence(child.confidence for child in children)

    for view in views.values():
        settle(view)
    for parent_id, children in all_children.items():
        if parent_id in given_ids:
            views[parent_id].children = sort_siblings([child for child in children
                                                       if child.objective.id in given_ids])
    return {objective_id: views[objective_id] for objective_id in given_ids}


def sort_siblings(views: list[ObjectiveView]) -> list[ObjectiveView]:
    """Off track first, then at risk, then the rest; within each, the least progress first."""
    return sorted(views, key=lambda view: (view.severity, view.progress if view.progress is not None else 2,
                                           view.objective.title.lower(), view.objective.id))


def _add_hidden_children(everything: dict[int, Objective]) -> None:
    frontier = [objective.id for objective in everything.values() if not objective.key_results]
    for _level in range(3):  # company → district → store → person: at most three levels below
        if not frontier:
            return
        found = list(db.session.scalars(
            sa.select(Objective).options(*objective_options())
            .where(Objective.parent_id.in_(frontier), Objective.id.not_in(list(everything)),
                   Objective.status == "active")))
        for objective in found:
            everything[objective.id] = objective
        frontier = [objective.id for objective in found if not objective.key_results]


def _latest_check_ins(key_result_ids: list[int]) -> dict[int, CheckIn]:
    if not key_result_ids:
        return {}
    newest = (sa.select(sa.func.max(CheckIn.id)).where(CheckIn.key_result_id.in_(key_result_ids))
              .group_by(CheckIn.key_result_id))
    return {check_in.key_result_id: check_in
            for check_in in db.session.scalars(sa.select(CheckIn).where(CheckIn.id.in_(newest)))}


def _kpi_currents(objectives: list[Objective], today: date) -> dict[int, float | None]:
    """{key result id: the KPI's value so far} for the KPI-linked key results of `objectives`.

    Single-store scopes (store and personal objectives) share one `store_values` call per KPI and
    period; district and company scopes one `aggregate` call per KPI, period and set of stores."""
    linked = [(objective, kr) for objective in objectives for kr in objective.key_results
              if kr.kind == KeyResultKind.KPI and kr.kpi is not None]
    if not linked:
        return {}
    stores_by_district = defaultdict(list)
    all_store_ids = []
    for store_id, district_id in db.session.execute(sa.select(Store.id, Store.district_id).order_by(Store.id)):
        stores_by_district[district_id].append(store_id)
        all_store_ids.append(store_id)

    single: dict[tuple, list] = defaultdict(list)  # (kpi id, start, end) -> [(kr id, store id)]
    grouped: dict[tuple, list] = defaultdict(list)  # (kpi id, stores, start, end) -> [kr id]
    kpis = {}
    currents: dict[int, float | None] = {}
    for objective, kr in linked:
        start, end = objective.period_start, min(today, objective.period_end)
        currents[kr.id] = None
        if end < start:
            continue  # the period hasn't started: nothing measured yet
        kpis[kr.kpi.id] = kr.kpi
        if objective.level in (Level.STORE, Level.PERSON):
            store_id = objective.store_id if objective.level == Level.STORE else (
                objective.person.store_id if objective.person else None)
            if store_id is not None:
                single[(kr.kpi.id, start, end)].append((kr.id, store_id))
            continue
        store_ids = (tuple(all_store_ids) if objective.level == Level.COMPANY
                     else tuple(stores_by_district.get(objective.district_id, ())))
        grouped[(kr.kpi.id, store_ids, start, end)].append(kr.id)

    for (kpi_id, start, end), pairs in single.items():
        values = store_values(kpis[kpi_id], {store_id for _kr, store_id in pairs}, start, end)
        for kr_id, store_id in pairs:
            currents[kr_id] = values.get(store_id)
    for (kpi_id, store_ids, start, end), kr_ids in grouped.items():
        value = aggregate(kpis[kpi_id], store_ids, start, end)
        for kr_id in kr_ids:
            currents[kr_id] = value
    return currents

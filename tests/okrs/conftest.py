"""Factories for goals tests: objectives and key results with sensible defaults."""

from datetime import date

import pytest

from app.extensions import db
from app.kpis.aggregation import period_bounds
from app.okrs.models import CheckIn, KeyResult, Objective


def make_objective(level: str = "company", *, title: str = "Grow conversion", parent: Objective | None = None,
                   district=None, store=None, person=None, owner=None, start: date | None = None,
                   end: date | None = None, status: str = "active") -> Objective:
    quarter_start, quarter_end = period_bounds("quarter", date.today())
    start, end = start or quarter_start, end or quarter_end
    objective = Objective(title=title, level=level, parent_id=parent.id if parent else None,
                          district_id=district.id if district else None, store_id=store.id if store else None,
                          person_id=person.id if person else None, owner_id=owner.id if owner else None,
                          period_start=start, period_end=end, status=status)
    db.session.add(objective)
    db.session.flush()
    return objective


def make_kr(objective: Objective, *, title: str = "Result", kind: str = "number", start: float = 0,
            target: float = 100, current: float | None = 0, weight: float = 1, kpi=None) -> KeyResult:
    kr = KeyResult(objective_id=objective.id, title=title, kind=kind, start_value=start, target_value=target,
                   current_value=current, weight=weight, kpi_id=kpi.id if kpi else None,
                   position=len(objective.key_results))
    db.session.add(kr)
    db.session.flush()
    db.session.refresh(objective)
    return kr


def make_check_in(kr: KeyResult, confidence: str, person=None, comment: str = "") -> CheckIn:
    entry = CheckIn(key_result_id=kr.id, person_id=person.id if person else None, confidence=confidence,
                    comment=comment)
    db.session.add(entry)
    db.session.flush()
    return entry


@pytest.fixture
def goals():
    """The factories, as a fixture so tests needn't import from conftest."""
    return type("Goals", (), {"objective": staticmethod(make_objective), "kr": staticmethod(make_kr),
                              "check_in": staticmethod(make_check_in)})

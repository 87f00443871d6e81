"""A company → district → store → person OKR cascade for the current quarter, with KPI-linked key results
(so they move with the demo measurements) and check-ins of mixed confidence. Safe to run again: it does
nothing when the company objective for this quarter is already there. Flushes; the caller commits."""

import random
from datetime import date, timedelta

import sqlalchemy as sa

from app.core.models import utcnow
from app.extensions import db
from app.kpis.aggregation import period_bounds
from app.kpis.defaults import ensure_defaults
from app.kpis.models import KpiDefinition
from app.okrs.models import CheckIn, GoalTemplate, KeyResult, Objective
from app.org.models import District, Person, Role, Store

COMPANY_TITLE = "Every visitor leaves happy, and with a bag"


def load_okrs() -> None:
    start, end = period_bounds("quarter", date.today())
    if db.session.scalar(sa.select(Objective.id).where(Objective.title == COMPANY_TITLE,
                                                       Objective.period_start == start)):
        return
    hr = db.session.scalar(sa.select(Person).where(Person.email == "hr@demo.ascent"))
    dm = db.session.scalar(sa.select(Person).where(Person.email == "dm@demo.ascent"))
    staff = db.session.scalar(sa.select(Person).where(Person.email == "staff@demo.ascent"))
    if hr is None or dm is None or staff is None:
        return  # not the demo chain
    ensure_defaults()
    kpi = {definition.code: definition for definition in db.session.scalars(sa.select(KpiDefinition))}
    rng = random.Random(20261201)

    def objective(title, level, owner, parent=None, description="", **target) -> Objective:
        created = Objective(title=title, description=description, level=level, owner_id=owner.id if owner else None,
                            parent_id=parent.id if parent else None, period_start=start, period_end=end,
                            created_by_id=hr.id, **target)
        db.session.add(created)
        db.session.flush()
        return created

    def key_result(parent, title, kind="number", start_value=0.0, target=1.0, current=None, weight=1.0,
                   code=None, checks=()) -> KeyResult:
        created = KeyResult(objective_id=parent.id, title=title, kind=kind, start_value=start_value,
                            target_value=target, weight=weight, kpi_id=kpi[code].id if code else None,
                            current_value=None if kind == "kpi" else (start_value if current is None else current),
                            position=len(parent.key_results))
        db.session.add(created)
        db.session.flush()
        for days_ago, confidence, comment, who in checks:
            when = utcnow() - timedelta(days=days_ago, hours=rng.randint(1, 8))
            db.session.add(CheckIn(key_result_id=created.id, person_id=who.id, confidence=confidence,
                                   comment=comment, created_at=when))
        db.session.flush()
        return created

    company = objective(COMPANY_TITLE, "company", hr, description=(
        "Customers who feel welcome buy, come back and tell friends. This quarter we turn more visits into sales "
        "and make every visit a good one."))
    key_result(company, "Conversion rate from 11.5 % to 13 % across the chain", "kpi", 11.5, 13.0, weight=2,
               code="conversion_rate", checks=[(9, "on_track", "Weekends are strong; weekdays lag a little.", hr)])
    key_result(company, "Customer satisfaction from 4.2 to 4.5", "kpi", 4.2, 4.5, code="customer_satisfaction",
               checks=[(6, "at_risk", "Fitting-room waiting time drags the score down.", hr)])
    key_result(company, "Loyalty app live in every store", "boolean", 0, 1, current=0,
               checks=[(3, "on_track", "Rollout planned for the second half of the quarter.", hr)])

    district_goals = {}
    for district in db.session.scalars(sa.select(District).order_by(District.name)):
        manager = db.session.scalar(sa.select(Person).where(Person.role == Role.DISTRICT_MANAGER,
                                                            Person.district_id == district.id).order_by(Person.id))
        goal = objective(f"{district.name}: the best conversion in the chain", "district", manager, company,
                         district_id=district.id)
        mood = "at_risk" if district.id == dm.district_id else rng.choice(["on_track", "on_track", "at_risk"])
        key_result(goal, "Conversion rate to 13 % in the district", "kpi", 11.5, 13.0, weight=2,
                   code="conversion_rate",
                   checks=[(8, "on_track", "Good start.", manager or hr),
                           (2, mood, "Two stores are behind on weekdays." if mood == "at_risk" else "Holding up.",
                            manager or hr)])
        key_result(goal, "Store visits with written coaching notes", "number", 0, 24,
                   current=rng.randint(6, 14), checks=[(4, "on_track", "", manager or hr)])
        district_goals[district.id] = goal

    stores = list(db.session.scalars(sa.select(Store).where(Store.district_id == dm.district_id)
                                     .order_by(Store.code)))
    store_goals = {}
    moods = ["on_track", "at_risk", "off_track", "on_track"]
    for index, store in enumerate(stores):
        manager = db.session.scalar(sa.select(Person).where(Person.role == Role.STORE_MANAGER,
                                                            Person.store_id == store.id).order_by(Person.id))
        goal = objective(f"{store.name}: greet every customer within 30 seconds", "store", manager,
                         district_goals[dm.district_id], store_id=store.id)
        mood = moods[index % len(moods)]
        key_result(goal, "Conversion rate from 11.5 % to 13 %", "kpi", 11.5, 13.0, weight=2, code="conversion_rate",
                   checks=[(5, mood, {"on_track": "The greeting rota works.",
                                      "at_risk": "Short-staffed on Tuesdays.",
                                      "off_track": "Queues at the tills since the new layout."}[mood], manager)])
        key_result(goal, "Customer response time from 45 s to 30 s", "kpi", 45, 30, code="response_time",
                   checks=[(5, "on_track" if mood != "off_track" else "at_risk", "", manager)])
        key_result(goal, "Whole team trained on fitting-room service", "boolean", 0, 1,
                   current=1 if mood == "on_track" else 0)
        store_goals[store.id] = goal

    own_store_goal = store_goals.get(staff.store_id)
    loyalty = objective("Become the store's go-to for loyalty sign-ups", "person", staff, own_store_goal,
                        person_id=staff.id)
    key_result(loyalty, "Loyalty sign-ups", "number", 0, 40, current=17, weight=2,
               checks=[(10, "on_track", "Eight in the first two weeks.", staff),
                       (1, "at_risk", "Quiet week: I'll ask at every till.", staff)])
    key_result(loyalty, "Finish the clienteling course", "boolean", 0, 1, current=1,
               checks=[(4, "on_track", "Done, and I passed the quiz.", staff)])
    windows = objective("Own the window displays", "person", staff, own_store_goal, person_id=staff.id)
    key_result(windows, "Weekly window checks passed", "percentage", 0, 100, current=60,
               checks=[(2, "on_track", "", staff)])

    db.session.add(GoalTemplate(
        name="Quarterly store basics", level="store", title="Greet every customer within 30 seconds",
        description="The basics every store works on each quarter.",
        key_results=[{"title": "Conversion rate from 11.5 % to 13 %", "kind": "kpi", "start": 11.5, "target": 13.0,
                      "weight": 2, "kpi_code": "conversion_rate"},
                     {"title": "Customer response time from 45 s to 30 s", "kind": "kpi", "start": 45,
                      "target": 30, "weight": 1, "kpi_code": "response_time"}],
        created_by_id=hr.id))
    db.session.flush()

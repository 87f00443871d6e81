"""Demo review cycles: a template, last half-year's closed cycle (signed off, a few ratings calibrated)
and this half-year's cycle in self-review, both for dm@demo.ascent's district."""

import random
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.core.models import utcnow
from app.extensions import db
from app.org.models import Person, Role, Store
from app.reviews.models import Phase, Review, ReviewCycle, ReviewTemplate

TEMPLATE_NAME = "Store associate 2026"
COMPETENCIES = [
    ("customer_focus", "Customer focus", "Greets every customer, listens, finds the right product."),
    ("selling", "Selling", "Suggests the extra item, closes the sale, signs up loyalty members."),
    ("teamwork", "Teamwork", "Helps colleagues, shares what works, covers a gap in the rota."),
    ("store_standards", "Store standards", "Keeps shelves full and tidy, follows the visual guidelines."),
    ("reliability", "Reliability", "On time, does what was agreed, owns mistakes."),
]
QUESTIONS = ["What are you proudest of this period?", "What will you work on next period?",
             "What could your manager do to help you more?"]
ANSWERS = {
    "0": ["Our window display won the district challenge.", "I signed up 40 loyalty members in March.",
          "I trained the two new colleagues on the till."],
    "1": ["Upselling accessories with every pair of shoes.", "Handling complaints calmly at busy times.",
          "Learning the stock-count process."],
    "2": ["Regular 1:1s, even short ones.", "More notice of rota changes.", "Feedback right after a sale."],
}
MANAGER_NOTES = ["Consistent and well liked by customers.", "Strong seller; keep working on store standards.",
                 "Reliable team player, ready for more responsibility."]
REASONS = ["Aligned with the district: same results as peers rated one step higher.",
           "Mystery shop 100% twice: evidence supports a higher rating.",
           "Sales below target all period: the rating was generous compared with other stores."]


def _halves(today: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """(last half-year, this half-year)."""
    if today.month <= 6:
        return (date(today.year - 1, 7, 1), date(today.year - 1, 12, 31)), (date(today.year, 1, 1),
                                                                             date(today.year, 6, 30))
    return (date(today.year, 1, 1), date(today.year, 6, 30)), (date(today.year, 7, 1), date(today.year, 12, 31))


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0)


def load_reviews() -> None:
    if db.session.scalar(sa.select(ReviewTemplate.id).where(ReviewTemplate.name == TEMPLATE_NAME)):
        return
    dm = db.session.scalar(sa.select(Person).where(Person.email == "dm@demo.ascent"))
    hr = db.session.scalar(sa.select(Person).where(Person.email == "hr@demo.ascent"))
    if dm is None or dm.district_id is None:
        return
    rng = random.Random(20260701)
    template = ReviewTemplate(name=TEMPLATE_NAME, questions=QUESTIONS, created_by_id=hr.id if hr else None,
                              competencies=[{"key": k, "label": label, "description": d}
                                            for k, label, d in COMPETENCIES])
    db.session.add(template)
    db.session.flush()
    stores = list(db.session.scalars(sa.select(Store.id).where(Store.district_id == dm.district_id)))
    people = list(db.session.scalars(sa.select(Person).where(
        Person.store_id.in_(stores), Person.active.is_(True),
        Person.role.in_((Role.STAFF, Role.STORE_MANAGER))).order_by(Person.id)))
    (last_start, last_end), (this_start, this_end) = _halves(date.today())

    closed = ReviewCycle(
        name=f"{'First' if last_start.month == 1 else 'Second'} half {last_start.year}", period_start=last_start,
        period_end=last_end, template_id=template.id, phase=Phase.CLOSED, store_ids=stores,
        roles=[Role.STAFF, Role.STORE_MANAGER], self_due=last_end + timedelta(days=10),
        manager_due=last_end + timedelta(days=24), calibration_due=last_end + timedelta(days=31),
        sign_off_due=last_end + timedelta(days=45), created_by_id=hr.id if hr else None,
        launched_at=_noon(last_end), phase_changed_at=_noon(last_end + timedelta(days=46)))
    db.session.add(closed)
    db.session.flush()
    for person in people:
        if person.hire_date and person.hire_date > last_end:
            continue  # hired after the period: not in that cycle
        ratings = {key: rng.choice((2, 3, 3, 4, 4, 5)) for key, _l, _d in COMPETENCIES}
        manager = {key: max(1, min(5, value + rng.choice((-1, 0, 0, 0, 1)))) for key, value in ratings.items()}
        overall = round(sum(manager.values()) / len(manager))
        calibrated = rng.random() < 0.2
        db.session.add(Review(
            cycle_id=closed.id, person_id=person.id, manager_id=person.manager_id, store_id=person.store_id,
            self_ratings=ratings, self_overall=round(sum(ratings.values()) / len(ratings)),
            self_answers={index: rng.choice(texts) for index, texts in ANSWERS.items()},
            self_submitted_at=_noon(last_end + timedelta(days=rng.randint(2, 9))),
            manager_ratings=manager, overall_rating=overall,
            manager_answers={"0": rng.choice(MANAGER_NOTES), "1": rng.choice(ANSWERS["1"])},
            manager_submitted_at=_noon(last_end + timedelta(days=rng.randint(12, 23))),
            calibrated_rating=max(1, min(5, overall + rng.choice((-1, 1)))) if calibrated else None,
            calibration_reason=rng.choice(REASONS) if calibrated else None,
            calibrated_by_id=dm.id if calibrated else None,
            calibrated_at=_noon(last_end + timedelta(days=28)) if calibrated else None,
            signed_off_at=_noon(last_end + timedelta(days=rng.randint(33, 44))),
            person_comment=rng.choice((None, None, "Thanks, a fair review.", "Happy with the plan for next period."))))

    current = ReviewCycle(
        name=f"{'First' if this_start.month == 1 else 'Second'} half {this_start.year}", period_start=this_start,
        period_end=this_end, template_id=template.id, phase=Phase.SELF_REVIEW, store_ids=stores,
        roles=[Role.STAFF, Role.STORE_MANAGER], self_due=date.today() + timedelta(days=7),
        manager_due=date.today() + timedelta(days=21), calibration_due=date.today() + timedelta(days=28),
        sign_off_due=date.today() + timedelta(days=42), created_by_id=hr.id if hr else None,
        launched_at=utcnow() - timedelta(days=3), phase_changed_at=utcnow() - timedelta(days=3))
    db.session.add(current)
    db.session.flush()
    for person in people:
        submitted = rng.random() < 0.4 and person.email != "staff@demo.ascent"
        ratings = {key: rng.choice((3, 4, 4, 5)) for key, _l, _d in COMPETENCIES} if submitted else {}
        db.session.add(Review(
            cycle_id=current.id, person_id=person.id, manager_id=person.manager_id, store_id=person.store_id,
            self_ratings=ratings, self_overall=4 if submitted else None,
            self_answers={"0": rng.choice(ANSWERS["0"])} if submitted else {},
            self_submitted_at=utcnow() - timedelta(days=rng.randint(0, 2)) if submitted else None,
            manager_ratings={}, manager_answers={}))
    db.session.flush()

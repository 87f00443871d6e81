"""Review test data: a template, a cycle in any phase with reviews of the given people."""

from datetime import date

from app.extensions import db
from app.reviews.models import Review, ReviewCycle, ReviewTemplate

COMPETENCIES = [
    {"key": "customer_focus", "label": "Customer focus", "description": "Greets, listens, helps."},
    {"key": "teamwork", "label": "Teamwork", "description": ""},
]
QUESTIONS = ["What went well?", "What will you work on next?"]


def make_template(name: str = "Store associate 2026") -> ReviewTemplate:
    template = ReviewTemplate(name=name, competencies=COMPETENCIES, questions=QUESTIONS)
    db.session.add(template)
    db.session.flush()
    return template


def make_cycle(phase: str = "self_review", people=(), *, template: ReviewTemplate | None = None,
               name: str = "First half 2026", start: date = date(2026, 1, 1), end: date = date(2026, 6, 30),
               **values) -> ReviewCycle:
    template = template or make_template()
    cycle = ReviewCycle(name=name, period_start=start, period_end=end, template_id=template.id, phase=phase,
                        store_ids=[], roles=[], **values)
    db.session.add(cycle)
    db.session.flush()
    for person in people:
        make_review(cycle, person)
    return cycle


def make_review(cycle: ReviewCycle, person, **values) -> Review:
    values.setdefault("manager_id", person.manager_id)
    values.setdefault("store_id", person.store_id)
    review = Review(cycle_id=cycle.id, person_id=person.id, self_ratings={}, self_answers={}, manager_ratings={},
                    manager_answers={}, **values)
    db.session.add(review)
    db.session.flush()
    return review


def review_of(cycle: ReviewCycle, person) -> Review:
    import sqlalchemy as sa

    return db.session.scalar(sa.select(Review).where(Review.cycle_id == cycle.id, Review.person_id == person.id))


FULL_RATINGS = {"customer_focus": 4, "teamwork": 3}

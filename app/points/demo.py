"""Ninety days of ledger history for the demo chain: manager awards and point-of-sale awards,
written through the ledger itself so balances, caps and audit stay consistent."""

import random
from datetime import timedelta

import sqlalchemy as sa

from app.core.models import utcnow
from app.extensions import db
from app.org.models import Person, Role
from app.points import ledger
from app.points.models import PointEntry

MANAGER_REASONS = [
    "Helped a customer find the right size in three stores",
    "Stayed late to finish the window display",
    "Great upsell on the new loyalty card",
    "Trained the new colleague on the till",
    "Spotless fitting rooms all Saturday",
    "Solved a difficult return with a smile",
]
SALE_REASONS = ["Loyalty card sign-up", "Click & collect ready in under 10 minutes", "Top basket of the day"]


def load_points_history(days: int = 90) -> int:
    """Returns how many entries were written (0 when the history is already there)."""
    if db.session.scalar(sa.select(sa.func.count(PointEntry.id)).where(PointEntry.idempotency_key.like("demo:%"))):
        return 0
    rng = random.Random(90)
    people = db.session.scalars(sa.select(Person).where(Person.role == Role.STAFF, Person.active.is_(True),
                                                        Person.password_hash.is_not(None))).all()
    managers = {p.store_id: p for p in db.session.scalars(
        sa.select(Person).where(Person.role == Role.STORE_MANAGER))}
    now = utcnow()
    written = 0
    for person in people:
        energy = rng.uniform(0.15, 0.6)  # some people are far more active than others
        for day in range(days, 0, -1):
            if rng.random() > energy:
                continue
            manager = managers.get(person.store_id)
            if rng.random() < 0.35 and manager is not None:
                result = ledger.award(person, rng.choice((5, 10, 15, 20)), source_type="manual",
                                      reason=rng.choice(MANAGER_REASONS), awarded_by=manager,
                                      idempotency_key=f"demo:{person.id}:{day}:m")
            else:
                result = ledger.award(person, rng.choice((2, 3, 5)), source_type="api",
                                      source_id="POS", reason=rng.choice(SALE_REASONS),
                                      idempotency_key=f"demo:{person.id}:{day}:s")
            # Spread the history over the past days rather than stamping it all "now".
            result.entry.created_at = now - timedelta(days=day, hours=rng.randint(0, 8))
            written += 1
    db.session.flush()
    return written

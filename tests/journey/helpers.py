"""Small helpers shared by the journey, badge and streak tests."""

import itertools

import sqlalchemy as sa

from app.badges.models import BadgeDefinition
from app.extensions import db
from app.journey.models import Stage
from app.points import ledger

_keys = itertools.count(1)


def pay(person, points: int, source_type: str = "test"):
    return ledger.award(person, points, source_type=source_type, reason="Test points",
                        idempotency_key=f"test-pay:{next(_keys)}")


def stage(key: str) -> Stage:
    return db.session.scalar(sa.select(Stage).where(Stage.key == key))


def badge(key: str) -> BadgeDefinition:
    return db.session.scalar(sa.select(BadgeDefinition).where(BadgeDefinition.key == key))

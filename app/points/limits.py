"""The company's maxima for rule-paid awards: what one mission completion and one challenge prize may pay.
HR and admins set them on the settings screen; the mission and challenge forms refuse more, and the ledger
refuses to pay more (app.points.ledger.authored_maximum). One row; without it the defaults apply.

Plain arguments; flushes, the caller commits."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import audit
from app.core.database import dialect_insert
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.extensions import db
from app.org.models import ORG_WIDE_ROLES, Person
from app.points.models import AwardLimits

DEFAULT_MISSION_MAX = 200
DEFAULT_PRIZE_MAX = 500
# Ceilings HR can't raise the maxima past: beyond them one mission or one prize outweighs weeks of work.
MISSION_CEILING = 500
PRIZE_CEILING = 1000
_ROW_ID = 1


@dataclass(frozen=True)
class Limits:
    mission_max: int
    prize_max: int


def current() -> Limits:
    row = db.session.execute(sa.select(AwardLimits.mission_max, AwardLimits.prize_max)
                             .where(AwardLimits.id == _ROW_ID)).first()
    return Limits(*row) if row else Limits(DEFAULT_MISSION_MAX, DEFAULT_PRIZE_MAX)


def save(actor: Person, *, mission_max: int | None, prize_max: int | None) -> Limits:
    """Set both maxima. Bad input raises ServiceError (field named) and changes nothing. Missions and
    challenges already written keep their figure; the ledger pays them at most the new maximum."""
    if actor.role not in ORG_WIDE_ROLES:
        raise ServiceError(_("Only HR and administrators set the award maxima."))
    if mission_max is None or not 1 <= mission_max <= MISSION_CEILING:
        raise ServiceError(_("A mission maximum is a whole number from 1 to %(n)d.", n=MISSION_CEILING),
                           field="mission_max")
    if prize_max is None or not 0 <= prize_max <= PRIZE_CEILING:
        raise ServiceError(_("A prize maximum is a whole number from 0 to %(n)d.", n=PRIZE_CEILING),
                           field="prize_max")
    before = current()
    # Two first saves at once must not collide on the one row: make sure it exists, then change it.
    db.session.execute(dialect_insert(AwardLimits).values(
        id=_ROW_ID, mission_max=before.mission_max, prize_max=before.prize_max, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["id"]))
    db.session.execute(sa.update(AwardLimits).where(AwardLimits.id == _ROW_ID).values(
        mission_max=mission_max, prize_max=prize_max, updated_by_id=actor.id, updated_at=utcnow()),
        execution_options={"synchronize_session": False})
    audit.record("points.limits_changed", actor_id=actor.id, target_type="award_limits", target_id=_ROW_ID,
                 before={"mission_max": before.mission_max, "prize_max": before.prize_max},
                 after={"mission_max": mission_max, "prize_max": prize_max})
    return Limits(mission_max, prize_max)

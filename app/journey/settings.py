"""HR edits the stage criteria. Bad input raises ServiceError and changes nothing."""

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import audit
from app.core.errors import ServiceError
from app.core.text import required_text, squash_spaces
from app.extensions import db
from app.journey.models import Stage
from app.org.models import Person

MAX_POINTS = 10_000_000
MAX_LEVEL_POINTS = 100_000


def update_stage(actor: Person, stage: Stage, *, name: str, description: str, min_lifetime_points: int,
                 required_badge_keys: list[str], required_mission_ids: list[int | None],
                 requires_endorsement: bool, level_points: int) -> Stage:
    """Validate everything first, then write: a refused change leaves the stage as it was. Badges and
    missions are picked from lists of active ones (a requirement already set may stay after it's withdrawn);
    anything else (a stale page, a crafted post, a value that isn't an id: None) is refused."""

    name = required_text(name, max_length=60, field="name",
                         required_message=_("Give the stage a name."),
                         too_long_message=_("Keep the name under %(n)d characters.", n=60))
    description = squash_spaces(description)
    if len(description) > 280:
        raise ServiceError(_("Keep the description under %(n)d characters.", n=280), field="description")
    if not 0 <= min_lifetime_points <= MAX_POINTS:
        raise ServiceError(_("Points must be between 0 and %(n)d.", n=MAX_POINTS),
                           field="min_lifetime_points")
    if not 1 <= level_points <= MAX_LEVEL_POINTS:
        raise ServiceError(_("Points per level must be between 1 and %(n)d.", n=MAX_LEVEL_POINTS),
                           field="level_points")
    ordered = list(db.session.scalars(sa.select(Stage).order_by(Stage.position)))
    index = next(i for i, s in enumerate(ordered) if s.id == stage.id)
    is_first = index == 0
    has_criteria = min_lifetime_points or required_badge_keys or required_mission_ids or requires_endorsement
    if is_first and has_criteria:
        raise ServiceError(_("Everyone starts in the first stage: it can't have entry criteria."),
                           field="min_lifetime_points")
    before = ordered[index - 1] if index > 0 else None
    after = ordered[index + 1] if index + 1 < len(ordered) else None
    if before is not None and min_lifetime_points < before.min_lifetime_points:
        raise ServiceError(_("%(stage)s can't need fewer points than %(before)s (%(n)d).",
                             stage=name, before=before.display_name, n=before.min_lifetime_points),
                           field="min_lifetime_points")
    if after is not None and min_lifetime_points > after.min_lifetime_points:
        raise ServiceError(_("%(stage)s can't need more points than %(after)s (%(n)d).",
                             stage=name, after=after.display_name, n=after.min_lifetime_points),
                           field="min_lifetime_points")
    keys = list(dict.fromkeys(required_badge_keys))
    if not set(keys) <= set(stage.required_badge_keys) | _active_badge_keys(keys):
        raise ServiceError(_("Choose the badges from the list: one you picked isn't an active badge."),
                           field="required_badge_keys")
    mission_ids = list(dict.fromkeys(required_mission_ids))
    kept = {int(m) for m in stage.required_mission_ids}
    if None in mission_ids or not set(mission_ids) <= kept | _active_mission_ids(mission_ids):
        raise ServiceError(_("Choose the missions from the list: one you picked isn't an active mission."),
                           field="required_mission_ids")
    before_values = _values(stage)
    stage.name = name
    stage.description = description
    stage.min_lifetime_points = min_lifetime_points
    stage.required_badge_keys = keys
    stage.required_mission_ids = mission_ids
    stage.requires_endorsement = requires_endorsement
    stage.level_points = level_points
    db.session.flush()
    audit.record("journey.stage_updated", actor_id=actor.id, target_type="stage", target_id=stage.id,
                 before=before_values, after=_values(stage))
    return stage


def _active_badge_keys(keys: list[str]) -> set[str]:
    from app.badges.models import BadgeDefinition

    return set(db.session.scalars(sa.select(BadgeDefinition.key).where(
        BadgeDefinition.key.in_(keys), BadgeDefinition.active.is_(True)))) if keys else set()


def _active_mission_ids(ids: list[int | None]) -> set[int]:
    from app.missions.models import Mission

    ids = [mission_id for mission_id in ids if mission_id is not None]
    return set(db.session.scalars(sa.select(Mission.id).where(
        Mission.id.in_(ids), Mission.active.is_(True)))) if ids else set()


def _values(stage: Stage) -> dict:
    return {"name": stage.name, "min_lifetime_points": stage.min_lifetime_points,
            "required_badge_keys": list(stage.required_badge_keys),
            "required_mission_ids": list(stage.required_mission_ids),
            "requires_endorsement": stage.requires_endorsement, "level_points": stage.level_points}

"""The four default stages. The migration seeds its own frozen copy (in English); this one serves demo data
and tests, and stands in (unsaved) when a database has no stages at all. `localize_builtins` rewrites the
names and descriptions HR hasn't changed into the company's language (app/org/company.py)."""

import sqlalchemy as sa

from app.core.i18n import localize_defaults
from app.extensions import db
from app.journey.models import DEFAULT_STAGE_DESCRIPTIONS, DEFAULT_STAGE_NAMES, Stage
from app.org.company import add_builtins

# key, name, description, position, min points, badges, endorsement, level points
DEFAULT_STAGES = [
    ("onboarding", "Onboarding", "Your first weeks: culture, the store's goals, first trainings.",
     1, 0, [], False, 50),
    ("engagement", "Engagement",
     "Onboarding done: earn points through missions, KPIs, feedback and training.",
     2, 150, [], False, 250),
    ("leader", "Leader", "Sustained performance, leadership badges and your manager's endorsement.",
     3, 1500, ["mentor"], True, 250),
    ("ambassador", "Ambassador", "Represent the company, mentor others and co-design changes.",
     4, 5000, ["mentor", "idea_spark"], True, 500),
]


def _build(stage_id: int | None, row: tuple) -> Stage:
    key, name, description, position, points, badges, endorsement, level_points = row
    return Stage(id=stage_id, key=key, name=name, description=description, position=position,
                 min_lifetime_points=points, required_badge_keys=list(badges), required_mission_ids=[],
                 requires_endorsement=endorsement, level_points=level_points)


def unsaved_defaults() -> list[Stage]:
    """Stand-ins with negative ids, never added to the session: reading a journey works before any
    stage exists, and nothing can be stored against them."""
    return [_build(-index, row) for index, row in enumerate(DEFAULT_STAGES, start=1)]


def seed_default_stages(language: str | None = None) -> int:
    """Add the default stages that are missing (by key), in `language` when given (English otherwise).
    Returns how many were added."""
    existing = set(db.session.scalars(sa.select(Stage.key)))
    return add_builtins([_build(None, row) for row in DEFAULT_STAGES if row[0] not in existing], language)


def localize_builtins() -> int:
    """The default stages' unchanged English names and descriptions, in the current locale. How many texts."""
    english = {key: {"name": name, "description": description} for key, name, description, *_ in DEFAULT_STAGES}
    translations = {**dict(DEFAULT_STAGE_NAMES.values()), **DEFAULT_STAGE_DESCRIPTIONS}
    changed = localize_defaults(db.session.scalars(sa.select(Stage).where(Stage.key.in_(english))), english,
                                translations)
    db.session.flush()
    return changed

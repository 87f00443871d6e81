"""The built-in badge set (images under static/badges/). The migration seeds a frozen copy; demo data
and tests seed from here. Built-in names and descriptions are translated while HR leaves them as is: on
screen in the reader's language, and stored in the company's once `localize_builtins` has run
(app/org/company.py)."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.badges.models import BadgeDefinition
from app.core.i18n import localize_defaults
from app.extensions import db
from app.org.company import add_builtins

# key, name, description, tier, criterion, threshold, event type, granters, monthly limit, expiry days, points
# Every badge here must be earnable: an automatic rule names an event some feature really records (points,
# streaks, missions, kudos), anything else is given by hand. Nothing in Ascent records training modules or
# adopted ideas, so "Quick learner", "Idea spark" and "Innovator" are HR's to give (migration 0021 moved
# them); should a learning or ideas feature record those events one day, they can go back to counting.
MANUAL_SINCE_0021 = ("quick_learner", "idea_spark", "innovator")
BUILTIN_BADGES = [
    ("first_steps", "First steps", "Earn your first 50 points.",
     "bronze", "lifetime_points", 50, None, [], None, None, 0),
    ("rising_star", "Rising star", "Reach 500 lifetime points.",
     "silver", "lifetime_points", 500, None, [], None, None, 20),
    ("high_flyer", "High flyer", "Reach 2,000 lifetime points.",
     "gold", "lifetime_points", 2000, None, [], None, None, 50),
    ("on_a_roll", "On a roll", "Be active 3 days in a row.",
     "bronze", "streak", 3, None, [], None, None, 5),
    ("week_warrior", "Week warrior", "Keep a 7-day streak.",
     "silver", "streak", 7, None, [], None, None, 15),
    ("unstoppable", "Unstoppable", "Keep a 30-day streak.",
     "gold", "streak", 30, None, [], None, None, 50),
    ("first_mission", "Mission one", "Complete your first mission.",
     "bronze", "event_count", 1, "mission_completed", [], None, None, 0),
    ("mission_master", "Mission master", "Complete 50 missions.",
     "gold", "event_count", 50, "mission_completed", [], None, None, 50),
    ("team_player", "Team player", "Receive 5 kudos from colleagues.",
     "bronze", "event_count", 5, "kudos_received", [], None, None, 5),
    ("crowd_favourite", "Crowd favourite", "Receive 25 kudos from colleagues.",
     "silver", "event_count", 25, "kudos_received", [], None, None, 20),
    ("quick_learner", "Quick learner", "Complete 3 training modules.",
     "bronze", "manual", None, None, ["hr"], None, None, 10),
    ("idea_spark", "Idea spark", "Have an idea adopted by the company.",
     "silver", "manual", None, None, ["hr"], None, None, 25),
    ("innovator", "Innovator", "Have 5 ideas adopted.",
     "gold", "manual", None, None, ["hr"], None, None, 75),
    ("mentor", "Mentor", "Guided a new hire through their first weeks.",
     "silver", "manual", None, None, ["managers", "hr"], 3, None, 30),
    ("helping_hand", "Helping hand", "Went out of their way to help a colleague.",
     "bronze", "manual", None, None, ["managers", "hr", "peers"], 2, 90, 10),
    ("customer_hero", "Customer hero", "Turned a customer's bad day into a good one.",
     "silver", "manual", None, None, ["managers", "hr", "peers"], 2, None, 15),
    ("store_champion", "Store champion", "The store's standout of the month.",
     "gold", "manual", None, None, ["managers", "hr"], 1, 31, 40),
    ("brand_ambassador", "Brand ambassador", "Represented the company at an event or in the press.",
     "gold", "manual", None, None, ["hr"], None, None, 50),
]

# What each built-in name and description reads as in the person's language.
TRANSLATED = {
    "First steps": _l("First steps"),
    "Earn your first 50 points.": _l("Earn your first 50 points."),
    "Rising star": _l("Rising star"),
    "Reach 500 lifetime points.": _l("Reach 500 lifetime points."),
    "High flyer": _l("High flyer"),
    "Reach 2,000 lifetime points.": _l("Reach 2,000 lifetime points."),
    "On a roll": _l("On a roll"),
    "Be active 3 days in a row.": _l("Be active 3 days in a row."),
    "Week warrior": _l("Week warrior"),
    "Keep a 7-day streak.": _l("Keep a 7-day streak."),
    "Unstoppable": _l("Unstoppable"),
    "Keep a 30-day streak.": _l("Keep a 30-day streak."),
    "Mission one": _l("Mission one"),
    "Complete your first mission.": _l("Complete your first mission."),
    "Mission master": _l("Mission master"),
    "Complete 50 missions.": _l("Complete 50 missions."),
    "Team player": _l("Team player"),
    "Receive 5 kudos from colleagues.": _l("Receive 5 kudos from colleagues."),
    "Crowd favourite": _l("Crowd favourite"),
    "Receive 25 kudos from colleagues.": _l("Receive 25 kudos from colleagues."),
    "Quick learner": _l("Quick learner"),
    "Complete 3 training modules.": _l("Complete 3 training modules."),
    "Idea spark": _l("Idea spark"),
    "Have an idea adopted by the company.": _l("Have an idea adopted by the company."),
    "Innovator": _l("Innovator"),
    "Have 5 ideas adopted.": _l("Have 5 ideas adopted."),
    "Mentor": _l("Mentor"),
    "Guided a new hire through their first weeks.": _l("Guided a new hire through their first weeks."),
    "Helping hand": _l("Helping hand"),
    "Went out of their way to help a colleague.": _l("Went out of their way to help a colleague."),
    "Customer hero": _l("Customer hero"),
    "Turned a customer's bad day into a good one.": _l("Turned a customer's bad day into a good one."),
    "Store champion": _l("Store champion"),
    "The store's standout of the month.": _l("The store's standout of the month."),
    "Brand ambassador": _l("Brand ambassador"),
    "Represented the company at an event or in the press.":
        _l("Represented the company at an event or in the press."),
}


def translated(text: str) -> str:
    found = TRANSLATED.get(text)
    return str(found) if found is not None else text


def seed_builtin_badges(language: str | None = None) -> int:
    """Add the built-in badges that are missing (by key), in `language` when given (English otherwise).
    Returns how many were added."""
    existing = set(db.session.scalars(sa.select(BadgeDefinition.key)))
    added = []
    for position, row in enumerate(BUILTIN_BADGES, start=1):
        key, name, description, tier, criterion, threshold, event_type, granters, limit, expiry, points = row
        if key in existing:
            continue
        added.append(BadgeDefinition(
            key=key, name=name, description=description, image=f"{key}.svg", tier=tier, criterion=criterion,
            threshold=threshold, event_type=event_type, granters=list(granters), monthly_limit=limit,
            expires_after_days=expiry, points=points, position=position, active=True))
    return add_builtins(added, language)


def localize_builtins() -> int:
    """The built-in badges' unchanged English names and descriptions, in the current locale. How many texts."""
    english = {key: {"name": name, "description": description} for key, name, description, *_ in BUILTIN_BADGES}
    changed = localize_defaults(
        db.session.scalars(sa.select(BadgeDefinition).where(BadgeDefinition.key.in_(english))), english, TRANSLATED)
    db.session.flush()
    return changed

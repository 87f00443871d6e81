"""What badges show on the associate's home (the journey's latest-badges card, app/journey/__init__.py)."""

from app.badges import queries
from app.org.models import Person


def home_card_context(person: Person) -> dict:
    return {"latest_badges": queries.latest_badges(person.id, limit=4), "badge_count": queries.badge_count(person.id)}

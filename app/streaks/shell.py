"""What streaks show on the associate's home (the journey's streak card, app/journey/__init__.py)."""

from app.org.models import Person
from app.streaks.queries import streak_status


def home_card_context(person: Person) -> dict:
    return {"streak": streak_status(person)}

"""What the journey shows on people's homes (declared in app/journey/__init__.py)."""

from app.journey import queries
from app.org.models import Person


def home_card_context(person: Person) -> dict:
    """Every card of the associate's journey column (points, celebration, journey, streak, latest badges):
    they read the same rows, so one context reads them once (queries.home_cards)."""
    return queries.home_cards(person)


def stage_ups_context(manager: Person) -> dict:
    return {"stage_ups": queries.recent_stage_ups(manager)}

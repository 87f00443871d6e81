"""The home's kept cards (HomeCard.kept, app/core/features.py) follow the person's own points: an award or a
correction to their points makes their next page read the cards again, in this process at once. What other
people's points do to theirs (a colleague passing them on the board) shows within SHORT_CACHE_SECONDS."""

from app.core import features
from app.core.signals import PointsAwarded, PointsReversed, points_awarded, points_reversed


def on_points_awarded(_sender, *, event: PointsAwarded) -> None:
    features.forget_kept_cards(event.person.id)


def on_points_reversed(_sender, *, event: PointsReversed) -> None:
    features.forget_kept_cards(event.original.person_id)


def connect() -> None:
    points_awarded.connect(on_points_awarded)
    points_reversed.connect(on_points_reversed)

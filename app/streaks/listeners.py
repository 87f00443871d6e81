"""Every recorded activity (a mission done, a training finished, feedback given) feeds the streak."""

from app.core.signals import ActivityRecorded, activity_recorded
from app.streaks import services


def on_activity_recorded(_sender, *, event: ActivityRecorded) -> None:
    services.record_activity(event.person, event.activity, event.on)


def connect() -> None:
    activity_recorded.connect(on_activity_recorded)

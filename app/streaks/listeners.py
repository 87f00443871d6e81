"""Every recorded activity (a mission done, a training finished, feedback given) feeds the streak."""

from app.core.signals import activity_recorded
from app.streaks import services


@activity_recorded.connect
def _on_activity(_sender, *, person, activity="activity", on=None, **_extra) -> None:
    services.record_activity(person, activity, on)

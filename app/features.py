"""The features of Ascent, in the order they are installed. The order is a contract: signal receivers are
connected in it, and app/core/signals.py calls them in connection order: points_awarded runs badges →
journey → leaderboards → challenges, mission_completed badges → journey → feed, badge_granted journey →
nudges → feed (the journey's stage check waits for the end of the event, so it sees every badge granted).
A feature's shell entries sort by their own `order`, not by this list. Adding a feature is one line here
(docs/architecture.md, "How to add a feature")."""

from importlib import import_module

FEATURES = (
    "auth", "home", "org", "pwa", "points", "badges", "journey", "streaks", "rewards", "api", "missions",
    "jobs", "nudges", "push", "leaderboards", "challenges", "leagues", "screens", "kpis", "okrs", "feedback",
    "feed", "oneonones", "reviews",
)


def load() -> list:
    return [import_module(f"app.{name}").feature for name in FEATURES]

"""The features of Ascent, in the order they are installed. The order is a contract: signal receivers are
connected in it (so the ledger's receivers run badges → journey → streaks → … every time), and a feature's
shell entries sort by their own `order`, not by this list. Adding a feature is one line here
(docs/architecture.md, "How to add a feature")."""

from importlib import import_module

FEATURES = (
    "auth", "home", "org", "pwa", "points", "badges", "journey", "streaks", "rewards", "api", "missions",
    "jobs", "nudges", "push", "leaderboards", "challenges", "leagues", "screens", "kpis", "okrs", "feedback",
    "feed", "oneonones", "reviews",
)


def load() -> list:
    return [import_module(f"app.{name}").feature for name in FEATURES]

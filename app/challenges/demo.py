"""Demo challenges on top of the demo chain: a running store-against-store points challenge in
dm@demo.ascent's district, a running individual race in sm@demo.ascent's store, and a finished one whose
results and prizes went through the real close (so the ledger, badges and results agree).
Run it after the points history. Safe to run again: it adds nothing when challenges exist."""

from datetime import timedelta

import sqlalchemy as sa

from app.challenges import authoring, lifecycle
from app.challenges.models import Audience, Challenge, Format, Kind, Metric, Status
from app.core.models import utcnow
from app.core.timezones import default_zone_name, today_in, zone_named
from app.extensions import db
from app.org.models import Person, Store


def _challenge(author: Person, stores: list[Store], *, title: str, description: str, kind: str, fmt: str,
               starts_in: int, days: int, status: str, target: float | None = None, winners: int = 3,
               reward_points: int = 50, audience: str = Audience.STORE) -> Challenge:
    timezone = stores[0].timezone or default_zone_name()
    starts_on = today_in(zone_named(timezone)) + timedelta(days=starts_in)
    ends_on = starts_on + timedelta(days=days - 1)
    starts_at, ends_at = authoring.utc_bounds(starts_on, ends_on, timezone)
    challenge = Challenge(title=title, description=description, kind=kind, metric=Metric.POINTS, format=fmt,
                          target=target, winners_count=winners, reward_points=reward_points, audience=audience,
                          district_id=stores[0].district_id if audience == Audience.DISTRICT else None,
                          starts_on=starts_on, ends_on=ends_on, timezone=timezone, starts_at=starts_at,
                          ends_at=ends_at, status=status, created_by_id=author.id,
                          # Published before its first day: counting starts at the window's start.
                          published_at=min(utcnow(), starts_at))
    challenge.stores = stores
    db.session.add(challenge)
    db.session.flush()
    return challenge


def load_challenges() -> int:
    """Returns how many challenges were added (0 when there are some already). Flushes; the caller commits."""
    if db.session.scalar(sa.select(sa.func.count(Challenge.id))):
        return 0
    dm = db.session.scalar(sa.select(Person).where(Person.email == "dm@demo.ascent"))
    sm = db.session.scalar(sa.select(Person).where(Person.email == "sm@demo.ascent"))
    if dm is None or sm is None or sm.store is None:
        return 0
    district_stores = list(db.session.scalars(sa.select(Store).where(Store.district_id == dm.district_id)
                                              .order_by(Store.name)))
    added = 0
    if len(district_stores) >= 2:
        _challenge(dm, district_stores, title="District points cup",
                   description="Which store earns the most points per person this week? The winning store's "
                               "whole team gets 40 points.",
                   kind=Kind.STORES, fmt=Format.RANKING, starts_in=-3, days=7, status=Status.RUNNING, winners=1,
                   reward_points=40, audience=Audience.DISTRICT)
        added += 1
    _challenge(sm, [sm.store], title="Race to 150",
               description="First three to earn 150 points in ten days win 30 extra points.",
               kind=Kind.INDIVIDUAL, fmt=Format.RACE, target=150, starts_in=-4, days=10,
               status=Status.RUNNING, winners=3, reward_points=30)
    finished = _challenge(sm, [sm.store], title="Spring weekend sprint",
                          description="Most points over the weekend: the top three win 25 points.",
                          kind=Kind.INDIVIDUAL, fmt=Format.RANKING, starts_in=-16, days=3,
                          status=Status.RUNNING, winners=3, reward_points=25)
    lifecycle.close_challenge(finished.id)
    added += 2
    db.session.flush()
    return added

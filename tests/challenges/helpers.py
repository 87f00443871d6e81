"""Factories for challenge tests: challenges with any dates (straight into the table, past dates
included), points and finished missions at chosen moments."""

import itertools
import uuid
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.challenges.models import Audience, Challenge, Format, Kind, Metric, Status
from app.core.models import utcnow
from app.extensions import db
from app.missions.models import AssignmentStatus, Mission, MissionAssignment
from app.points import ledger
from app.points.models import PointEntry

_sequence = itertools.count(1)


def make_challenge(stores, *, created_by=None, kind=Kind.INDIVIDUAL, metric=Metric.POINTS, fmt=Format.RANKING,
                   target=None, winners=3, reward_points=50, badge=None, kpi=None, status=Status.RUNNING,
                   starts_at: datetime | None = None, ends_at: datetime | None = None,
                   title: str | None = None) -> Challenge:
    now = utcnow()
    starts_at = starts_at or now - timedelta(days=2)
    ends_at = ends_at or now + timedelta(days=2)
    challenge = Challenge(
        title=title or f"Challenge {next(_sequence)}", description="", kind=kind, metric=metric,
        kpi_id=kpi.id if kpi else None, format=fmt, target=target, winners_count=winners,
        reward_points=reward_points, reward_badge_id=badge.id if badge else None,
        audience=Audience.STORE if len(stores) == 1 else Audience.DISTRICT,
        district_id=None if len(stores) == 1 else stores[0].district_id,
        starts_on=starts_at.date(), ends_on=ends_at.date(), timezone="UTC", starts_at=starts_at, ends_at=ends_at,
        status=status, created_by_id=created_by.id if created_by else None)
    challenge.stores = list(stores)
    db.session.add(challenge)
    db.session.flush()
    return challenge


def earn(person, points: int, at: datetime | None = None, source_type: str = "manual") -> PointEntry:
    result = ledger.award(person, points, source_type=source_type, reason="Test points",
                          idempotency_key=f"test:{uuid.uuid4().hex}")
    if at is not None:
        db.session.execute(sa.update(PointEntry).where(PointEntry.id == result.entry.id).values(created_at=at),
                           execution_options={"synchronize_session": False})
        db.session.refresh(result.entry)
    return result.entry


def complete_mission(person, at: datetime) -> MissionAssignment:
    mission = Mission(title=f"Mission {next(_sequence)}", description="", points=5, evidence_type="tick",
                      store_id=person.store_id, start_date=date.today())
    db.session.add(mission)
    db.session.flush()
    assignment = MissionAssignment(mission_id=mission.id, person_id=person.id, period_start=date.today(),
                                   status=AssignmentStatus.DONE, completed_at=at)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def ago(**delta) -> datetime:
    return utcnow() - timedelta(**delta)

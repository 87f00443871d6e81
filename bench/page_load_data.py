"""The data bench/page_load.py runs on: the generated chain (bench.scale_data), made once and kept between
runs; who signs in; and the open mission assignments the completion scenario uses up.

Kept copies: bench/results/data/page_load_<people>.db and the PostgreSQL database ascent_bench_<people>. A
copy is built under a temporary name and renamed when complete, so an interrupted build is never mistaken
for a finished one. The mission scenario adds a mission and completes its assignments in the kept copy:
a few thousand ledger entries on top of the million, which `--fresh` clears."""

from __future__ import annotations

import functools
import math
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.config import normalise_database_url
from bench.report import RESULTS
from bench.scale_data import PASSWORD, database, generate

__all__ = ["PASSWORD", "Logins", "MissionRun", "check_completions", "describe", "logins", "open_assignments",
           "prepare"]

DATA_DIR = RESULTS / "data"
PEOPLE_PER_STORE = 50      # 10k people in 200 stores, as issue 8 sizes the large chain
ENTRIES_PER_PERSON = 100   # and a million ledger entries
# The most mission completions per second this machine could serve: each simulated person gets enough
# open assignments that none runs out during the run (running out is reported as failures).
MAX_COMPLETIONS_PER_S = 400


# -- Building or reusing a copy --------------------------------------------------------------------------

def prepare(kind: str, people: int, *, fresh: bool, postgres_url: str) -> str:
    """The URL of a `kind` ("sqlite" or "postgresql") database holding a chain of `people` people, generated
    now only if no complete copy is kept (or `fresh`)."""
    if kind == "sqlite":
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        kept = DATA_DIR / f"page_load_{people}.db"
        if kept.exists() and not fresh and database.at_head(f"sqlite:///{kept}"):
            return f"sqlite:///{kept}"
        building = DATA_DIR / f"page_load_{people}.building-{uuid.uuid4().hex[:8]}.db"
        _generate(f"sqlite:///{building}", people)
        for suffix in ("-wal", "-shm"):
            kept.with_name(kept.name + suffix).unlink(missing_ok=True)
        building.replace(kept)
        return f"sqlite:///{kept}"
    name = f"ascent_bench_{people}"
    admin = sa.create_engine(normalise_database_url(postgres_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
        if not exists or fresh or not database.at_head(_with_database(postgres_url, name)):
            building = f"{name}_building_{uuid.uuid4().hex[:8]}"
            _generate(_with_database(postgres_url, building), people)
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                connection.execute(sa.text(f'ALTER DATABASE "{building}" RENAME TO "{name}"'))
    finally:
        admin.dispose()
    return _with_database(postgres_url, name)


def _generate(database_url: str, people: int) -> None:
    print(f"generating {people:,} people into {database_url} (minutes for 10k)", flush=True)
    generate(database_url, stores=max(1, people // PEOPLE_PER_STORE), people=people,
             entries=people * ENTRIES_PER_PERSON, seed=1)


def _with_database(url: str, name: str) -> str:
    return sa.make_url(url).set(database=name).render_as_string(hide_password=False)


@functools.cache
def _app(database_url: str):
    from app import create_app

    return create_app(database.app_config(database_url, tempfile.mkdtemp(prefix="ascent-page-load-app-")))


def _session(database_url: str):
    """An app context bound to `database_url`, for reading and preparing the data."""
    return _app(database_url).app_context()


def describe(database_url: str) -> str:
    from app.extensions import db
    from app.org.models import Person, Store
    from app.points.models import PointEntry

    with _session(database_url):
        count = {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (Store, Person, PointEntry)}
    return f"{count['Store']:,} stores, {count['Person']:,} people, {count['PointEntry']:,} ledger entries"


# -- Who signs in ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Logins:
    readers: list[str]            # associates who load their home and their store's board
    writers: list[str]            # other associates, who complete missions
    district_managers: list[str]  # repeated when there are fewer districts than simulated people


def logins(database_url: str, count: int) -> Logins:
    """Sign-in names found in the data (so any chain works): readers and writers are distinct associates,
    so a run that completes missions leaves the readers' pages as they were."""
    from app.extensions import db
    from app.org.models import Person, Role

    def names(role: str) -> list[str]:
        query = (sa.select(sa.func.coalesce(Person.email, Person.employee_number))
                 .where(Person.role == role, Person.active.is_(True), Person.password_hash.is_not(None))
                 .order_by(Person.id))
        if role == Role.STAFF:
            query = query.where(Person.store_id.is_not(None))
        return list(db.session.scalars(query))

    with _session(database_url):
        staff, managers = names(Role.STAFF), names(Role.DISTRICT_MANAGER)
    if len(staff) < 2 * count or not managers:
        raise RuntimeError(f"the data has {len(staff)} associates and {len(managers)} district managers who can "
                           f"sign in; {2 * count} associates and one district manager are needed")
    return Logins(readers=staff[:count], writers=staff[-count:],
                  district_managers=[managers[n % len(managers)] for n in range(count)])


# -- Missions to complete --------------------------------------------------------------------------------

@dataclass(frozen=True)
class MissionRun:
    mission_id: int
    assignments: dict[str, list[int]]  # sign-in name -> that person's open assignments of the mission


def open_assignments(database_url: str, identifiers: list[str], *, users: int, seconds: float) -> MissionRun:
    """A fresh one-off "tick" mission paying 5 points, and enough open assignments of it for each person
    that nobody runs out during the run. The mission's audience is the onboarding journey, so the app's own
    roll-over never hands it to anyone else; the assignments are inserted in bulk, one per past day (the
    rule is one per mission, person and period; the app's services would give each person one)."""
    from app.extensions import db
    from app.missions.models import AssignmentStatus, Audience, EvidenceType, Mission, MissionAssignment, Recurrence
    from app.org.models import Person

    per_person = math.ceil(seconds * MAX_COMPLETIONS_PER_S / users) + 10
    today = datetime.now(UTC).date() - timedelta(days=1)  # yesterday: already "today or before" in any zone
    with _session(database_url):
        mission = Mission(title=f"Load test {uuid.uuid4().hex[:6]}", description="Made by bench.page_load.",
                          evidence_type=EvidenceType.TICK, points=5, audience=Audience.JOURNEY,
                          start_date=today - timedelta(days=per_person), recurrence=Recurrence.NONE)
        db.session.add(mission)
        db.session.flush()
        people = dict(db.session.execute(
            sa.select(sa.func.coalesce(Person.email, Person.employee_number), Person.id)
            .where(sa.or_(Person.email.in_(identifiers), Person.employee_number.in_(identifiers)))).all())
        now = datetime.now(UTC).replace(tzinfo=None)
        rows = [{"mission_id": mission.id, "person_id": people[identifier], "period_start": today - timedelta(days=n),
                 "due_date": None, "status": AssignmentStatus.OPEN, "assigned_at": now}
                for identifier in identifiers for n in range(per_person)]
        db.session.execute(sa.insert(MissionAssignment), rows)
        found = db.session.execute(sa.select(MissionAssignment.person_id, MissionAssignment.id)
                                   .where(MissionAssignment.mission_id == mission.id)).all()
        mission_id = mission.id
        db.session.commit()
    by_person: dict[int, list[int]] = {}
    for person_id, assignment_id in found:
        by_person.setdefault(person_id, []).append(assignment_id)
    return MissionRun(mission_id, {identifier: by_person[people[identifier]] for identifier in identifiers})


def check_completions(database_url: str, run: MissionRun, succeeded: int) -> dict:
    """Every POST that answered 303 must have completed its assignment and paid it once: the done assignments
    of the run's mission and their ledger entries must both equal the successful requests (a 303 for one
    already done, or for a submit the app refused, would show up here)."""
    from app.extensions import db
    from app.missions.models import AssignmentStatus, MissionAssignment
    from app.points.models import PointEntry

    with _session(database_url):
        done = db.session.scalar(sa.select(sa.func.count()).select_from(MissionAssignment).where(
            MissionAssignment.mission_id == run.mission_id, MissionAssignment.status == AssignmentStatus.DONE))
        paid = db.session.scalar(
            sa.select(sa.func.count()).select_from(PointEntry)
            .join(MissionAssignment, PointEntry.idempotency_key
                  == sa.literal("mission:") + sa.cast(MissionAssignment.id, sa.String(20)))
            .where(MissionAssignment.mission_id == run.mission_id))
    return {"completed": done, "paid": paid, "completion_mismatch": (done != succeeded) + (paid != done)}

"""CPU per award, in process: what one `POST /api/v1/awards` costs the server, against the floor of
writing the same rows with raw SQL.

    .venv/bin/python -m bench.award_cpu                         # SQLite, then PostgreSQL
    .venv/bin/python -m bench.award_cpu --quick                 # 60 awards per case
    .venv/bin/python -m bench.award_cpu --databases sqlite --awards 500
    .venv/bin/python -m bench.award_cpu --database-url postgresql://postgres@127.0.0.1:5432/mydb

Each request goes through the Flask test client with a real API token, timed on this thread's CPU clock
(`time.thread_time`: other load on a shared machine barely moves it), so it counts the whole request as a
worker thread spends it: routing, the token, the award, its receivers, the commit and the after-commit
callbacks. Jobs are queued as a production web process queues them (to the SQLite job queue beside the
database; no consumer runs), so an enqueue counts and a job's own work doesn't.

Two cases:
- "no colleague passed": awards to people far ahead on their store's week board;
- "passes colleagues": each award lifts its receiver past the 5 colleagues just above them.
Receivers already hold every lifetime badge their total reaches, so no award here grants one.

The floor is everything an award must write, as raw DBAPI statements in one transaction: the entry, the
balance upsert, the three board-score upserts (one multi-row statement, as the app sends them) and the
API's idempotency record. "ratio" is the award's p50 over the floor's p50.

Writes bench/results/award_cpu.json and .md."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime

from bench.award_throughput import POSTGRES_URL, _drop_postgres
from bench.live_fanout import SECRET, _fresh_postgres, _percentile
from bench.report import machine, write_results

CALM = 20      # receivers far apart on a quiet store's week board
COLLEAGUES = 5  # people just above each receiver in the busy store
AWARD = 10      # points per measured award
WARMUP = 30


def _app(database_url: str, workdir: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET, "REDIS_URL": None,
                       "JOBS_IMMEDIATE": False, "JOBS_SQLITE_PATH": f"{workdir}/jobs.db",
                       "POINTS_DAILY_CAP": 10**9, "POINTS_MAX_PER_AWARD": 10**8,
                       "API_RATE_LIMIT": "1000000 per minute", "RATELIMIT_STORAGE_URI": "memory://"})


class Bench:
    def __init__(self, database_url: str, workdir: str, awards: int):
        from flask_migrate import upgrade

        from app.extensions import db

        self.awards = awards
        self.app = _app(database_url, workdir)
        self.client = self.app.test_client()
        self.statements = 0
        with self.app.app_context():
            upgrade(revision="heads")
            self._seed()
            self.engine = db.engine
        from sqlalchemy import event

        @event.listens_for(self.engine, "before_cursor_execute")
        def _count(*_args):
            self.statements += 1

    def _seed(self) -> None:
        from app.api import tokens
        from app.extensions import db
        from app.org.models import District, Person, Role, Store

        district = District(code="BENCH", name="Bench district")
        db.session.add(district)
        db.session.flush()
        calm, busy = (Store(code=f"BENCH-{n}", name=f"Bench store {n}", district_id=district.id) for n in (1, 2))
        db.session.add_all([calm, busy])
        db.session.flush()

        def person(number: str, store: Store) -> Person:
            return Person(employee_number=number, full_name=f"Bench {number}", email=None, role=Role.STAFF,
                          store_id=store.id, locale="en", active=True)

        self.calm = [person(f"C{n:04d}", calm) for n in range(CALM)]
        self.colleagues = [person(f"K{n:04d}", busy) for n in range(COLLEAGUES)]
        self.receivers = [person(f"R{n:05d}", busy) for n in range(self.awards)]
        self.floor_person = person("F0000", calm)
        db.session.add_all([*self.calm, *self.colleagues, *self.receivers, self.floor_person])
        created = tokens.create_token(None, "Bench till", all_stores=True, store_ids=[])
        db.session.commit()
        self.secret, self.token_id = created.secret, created.token.id
        self.calm = [p.employee_number for p in self.calm]
        self.colleagues = [p.id for p in self.colleagues]
        self.receivers = [p.employee_number for p in self.receivers]
        self.floor_person = (self.floor_person.id, calm.id)

    def award(self, number: str, points: int) -> tuple[float, int]:
        """(CPU ms, statements) of one award request."""
        self.statements = 0
        started = time.thread_time()
        response = self.client.post("/api/v1/awards", json={
            "employee_number": number, "points": points, "reason": "Bench award", "source": "bench"},
            headers={"Authorization": f"Bearer {self.secret}", "Idempotency-Key": uuid.uuid4().hex})
        elapsed = (time.thread_time() - started) * 1000
        if response.status_code != 201:
            raise RuntimeError(f"award refused: {response.status_code} {response.get_data(as_text=True)[:300]}")
        return elapsed, self.statements

    def warm(self) -> None:
        # Far apart: 10 points never close a gap of 100,000. Past every lifetime badge and stage threshold.
        for n, number in enumerate(self.calm):
            self.award(number, 100_000 * (n + 1))
        # Every receiver's first award, in the order they will be measured: each then reached the same
        # score later than the one measured before it, so none ranks above the next one measured.
        for number in self.receivers:
            self.award(number, 5_000)
        self._place_colleagues_above()
        for n in range(WARMUP):
            self.award(self.calm[n % len(self.calm)], AWARD)

    def _place_colleagues_above(self) -> None:
        """The 5 colleagues just above the receivers on this week's board (1 to 5 points ahead)."""
        import sqlalchemy as sa

        from app.extensions import db
        from app.leaderboards import periods
        from app.leaderboards.models import BoardScore
        from app.org.models import Person

        with self.app.app_context():
            receiver = db.session.scalar(sa.select(Person.id).where(Person.employee_number == self.receivers[0]))
            row = db.session.execute(sa.select(BoardScore).where(
                BoardScore.person_id == receiver, BoardScore.period == periods.WEEK)).scalar_one()
            for n, person_id in enumerate(self.colleagues, start=1):
                db.session.execute(sa.delete(BoardScore).where(BoardScore.person_id == person_id))
                db.session.add(BoardScore(person_id=person_id, period=periods.WEEK, period_start=row.period_start,
                                          store_id=row.store_id, district_id=row.district_id,
                                          points=row.points + n, reached_at=row.reached_at))
            db.session.commit()

    def case(self, name: str, numbers: list[str]) -> dict:
        timings, statements = [], []
        for number in numbers:
            elapsed, count = self.award(number, AWARD)
            timings.append(elapsed)
            statements.append(count)
        return {"case": name, "awards": len(timings), "cpu_ms_p50": round(statistics.median(timings), 2),
                "cpu_ms_p95": round(_percentile(timings, 95), 2),
                "statements": round(statistics.mean(statements), 1)}

    def floor(self, repeats: int) -> dict:
        """The same rows as an award writes, as raw DBAPI statements, one transaction each."""
        from app.leaderboards import periods

        sqlite = self.engine.dialect.name == "sqlite"
        mark = "?" if sqlite else "%s"

        def sql(text: str) -> str:
            return text.replace("%s", mark)

        entry = sql("INSERT INTO point_entries (person_id, store_id, amount, kind, source_type, source_id, reason,"
                    " idempotency_key, capped, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                    " RETURNING id")
        balance = sql("INSERT INTO point_balances (person_id, lifetime, balance, updated_at) VALUES (%s, %s, %s, %s)"
                      " ON CONFLICT (person_id) DO UPDATE SET lifetime = point_balances.lifetime + excluded.lifetime,"
                      " balance = point_balances.balance + excluded.balance, updated_at = excluded.updated_at"
                      " RETURNING lifetime, balance")
        scores = sql("INSERT INTO board_scores (person_id, period, period_start, store_id, district_id, points,"
                     " reached_at) VALUES " + ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * 3) +
                     " ON CONFLICT (person_id, period, period_start) DO UPDATE SET"
                     " points = board_scores.points + excluded.points, store_id = excluded.store_id,"
                     " district_id = excluded.district_id, reached_at = excluded.reached_at"
                     " RETURNING period, points")
        record = sql("INSERT INTO api_awards (token_id, idempotency_key, request_hash, entry_id, created_at)"
                     " VALUES (%s, %s, %s, %s, %s)")
        person_id, store_id = self.floor_person
        from app.core.timezones import zone_named

        with self.app.app_context():
            starts = periods.starts(datetime.now(UTC).replace(tzinfo=None), zone_named(None))
        connection = self.engine.raw_connection()
        timings = []
        try:
            for n in range(repeats):
                now = datetime.now(UTC).replace(tzinfo=None)
                stamp = now.isoformat(sep=" ") if sqlite else now
                key = uuid.uuid4().hex
                started = time.thread_time()
                cursor = connection.cursor()
                if sqlite:
                    cursor.execute("BEGIN IMMEDIATE")
                cursor.execute(entry, (person_id, store_id, AWARD, "earn", "api", "bench", "Bench award",
                                       f"floor:{key}", True, stamp))
                entry_id = cursor.fetchone()[0]
                cursor.execute(balance, (person_id, AWARD, AWARD, stamp))
                cursor.fetchall()
                rows = []
                for period, start in starts.items():
                    rows += [person_id, period, start.isoformat() if sqlite else start, store_id, None, AWARD, stamp]
                cursor.execute(scores, rows)
                cursor.fetchall()
                cursor.execute(record, (self.token_id, key, "0" * 64, entry_id, stamp))
                if sqlite:
                    cursor.execute("COMMIT")
                else:
                    connection.commit()
                cursor.close()
                timings.append((time.thread_time() - started) * 1000)
                if n == 0:
                    timings.clear()  # the first one prepares the statements
        finally:
            connection.close()
        return {"case": "raw SQL floor", "awards": len(timings), "cpu_ms_p50": round(statistics.median(timings), 3),
                "cpu_ms_p95": round(_percentile(timings, 95), 3), "statements": 5}


def run(database: str, awards: int, database_url: str | None = None) -> list[dict]:
    workdir = tempfile.mkdtemp(prefix="ascent-award-cpu-")
    made = None
    if database_url is None:
        database_url = f"sqlite:///{workdir}/bench.db" if database == "sqlite" else _fresh_postgres(POSTGRES_URL)
        made = database_url if database == "postgresql" else None
    try:
        bench = Bench(database_url, workdir, awards)
        bench.warm()
        calm = bench.case("no colleague passed", [bench.calm[n % CALM] for n in range(awards)])
        busy = bench.case("passes colleagues", bench.receivers)
        floor = bench.floor(awards + 1)
        bench.engine.dispose()
    finally:
        if made:
            _drop_postgres(made)
    rows = [calm, busy, floor]
    for row in rows:
        row["database"] = database
        row["ratio"] = round(row["cpu_ms_p50"] / floor["cpu_ms_p50"], 1)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    parser.add_argument("--database-url", help="an existing, empty database to use instead of a temporary one")
    parser.add_argument("--awards", type=int, default=400, help="measured awards per case")
    parser.add_argument("--quick", action="store_true", help="60 awards per case")
    arguments = parser.parse_args()
    awards = 60 if arguments.quick else arguments.awards
    rows = []
    if arguments.database_url:
        database = "sqlite" if arguments.database_url.startswith("sqlite") else "postgresql"
        rows += run(database, awards, arguments.database_url)
    else:
        for database in arguments.databases:
            rows += run(database, awards)
    columns = ["database", "case", "awards", "cpu_ms_p50", "cpu_ms_p95", "statements", "ratio"]
    write_results("award_cpu", rows, columns,
                  targets="≤ 3 ms CPU per award (p50) on SQLite; statements per award independent of how many "
                          "badges and challenges exist")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()

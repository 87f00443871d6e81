"""Award throughput and ledger integrity: 50 concurrent clients post awards through the integration API
for 30 s, with 20% of the requests replaying an earlier Idempotency-Key and without replays; then the
ledger is checked: no confirmed award lost, none paid twice, cached balances and the all-time board
equal to the sums recomputed from the entries.

    .venv/bin/python -m bench.award_throughput                       # SQLite, then PostgreSQL
    .venv/bin/python -m bench.award_throughput --quick               # a 5 s smoke run of each
    .venv/bin/python -m bench.award_throughput --databases sqlite --seconds 10
    .venv/bin/python -m bench.award_throughput --profile             # one award's statements, CPU per award
    .venv/bin/python -m bench.award_throughput --batch-size 100      # batches through POST /awards/batch

Servers run as the README says production does: one gunicorn process with threads for the embedded
SQLite setup, and two single-worker processes' worth (`-w 2`: the API keeps no socket state, so no
sticky proxy is needed) for PostgreSQL. Replays are drawn from keys every client has sent recently,
some still in flight, so a repeat can race its original. "server CPU ms/award" is the CPU the gunicorn
processes spent per award sent: on a busy machine it is steadier than the rate.

Batch mode (`--batch-size N`): fewer clients (8 unless --clients says) each post batches of N awards to
POST /api/v1/awards/batch, the replayed share of each batch drawn from recent keys as above (no key twice
in one batch: the endpoint refuses that). Every item of a 200 answer is confirmed; the ledger is checked
the same way. Results go to award_throughput_batch.

Writes bench/results/award_throughput.json and .md (award_throughput_batch.* in batch mode)."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections import deque
from pathlib import Path

import psutil

from bench.harness import gunicorn
from bench.live_fanout import SECRET, _fresh_postgres, _percentile
from bench.report import machine, write_results

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PEOPLE = 1000
RECENT_KEYS = 500  # replays pick from the keys sent last, so some repeats race their original
WORKERS = {"sqlite": 1, "postgresql": 2}  # gunicorn processes; see the module docstring
CLIENTS = {"single": 50, "batch": 8}  # batches are 100 awards each: 8 keep the server as busy as 50 singles


def _app(database_url: str, **settings):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET, "REDIS_URL": None,
                       "JOBS_IMMEDIATE": True, **settings})


def seed(database_url: str, people: int) -> tuple[str, list[str]]:
    from flask_migrate import upgrade

    from app.api import tokens
    from app.extensions import db
    from app.org.models import District, Person, Role, Store

    app = _app(database_url)
    with app.app_context():
        upgrade(revision="heads")
        district = District(code="BENCH", name="Bench district")
        db.session.add(district)
        db.session.flush()
        stores = [Store(code=f"BENCH-{n}", name=f"Bench store {n}", district_id=district.id) for n in range(10)]
        db.session.add_all(stores)
        db.session.flush()
        rows = [Person(employee_number=f"B{n:06d}", full_name=f"Bench Person {n}", email=None, role=Role.STAFF,
                       store_id=stores[n % 10].id, locale="en", active=True) for n in range(people)]
        db.session.add_all(rows)
        secret = tokens.create_token(None, "Bench till", all_stores=True, store_ids=[]).secret
        numbers = [person.employee_number for person in rows]
        db.session.commit()
        db.engine.dispose()
    return secret, numbers


def verify(database_url: str, confirmed: dict[str, int]) -> dict:
    """Compare the ledger with what the server confirmed (key -> points) and with its own caches."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.leaderboards import periods
    from app.leaderboards.models import BoardScore
    from app.points import ledger
    from app.points.models import PointEntry

    app = _app(database_url)
    with app.app_context():
        paid: dict[str, list[int]] = {}
        for key, amount in db.session.execute(sa.select(PointEntry.idempotency_key, PointEntry.amount)
                                              .where(PointEntry.source_type == "api")):
            paid.setdefault(key.split(":", 2)[2], []).append(amount)  # "api:<token id>:<client key>"
        earned = dict(db.session.execute(sa.select(PointEntry.person_id, sa.func.sum(PointEntry.amount))
                                         .group_by(PointEntry.person_id)).tuples().all())
        board = dict(db.session.execute(sa.select(BoardScore.person_id, BoardScore.points)
                                        .where(BoardScore.period == periods.ALL_TIME)).tuples().all())
        balance_mismatches = len(ledger.verify())
        db.engine.dispose()
    return {
        "entries": sum(len(amounts) for amounts in paid.values()),
        "lost": sum(1 for key in confirmed if key not in paid),
        "lost_points": sum(points for key, points in confirmed.items() if key not in paid),
        "paid_twice": sum(len(amounts) - 1 for amounts in paid.values()),
        "wrong_amount": sum(1 for key, amounts in paid.items() if key in confirmed and amounts[0] != confirmed[key]),
        "unconfirmed": sum(1 for key in paid if key not in confirmed),
        "balance_mismatches": balance_mismatches,
        "board_mismatches": sum(1 for person_id in earned.keys() | board.keys()
                                if earned.get(person_id, 0) != board.get(person_id, 0)),
    }


def _drop_postgres(database_url: str) -> None:
    """Drop a database `_fresh_postgres` made, so runs don't pile up on a shared server."""
    import sqlalchemy as sa

    url = sa.make_url(database_url)
    engine = sa.create_engine(url.set(drivername="postgresql+psycopg", database="postgres"),
                              isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    engine.dispose()


def _server_cpu_seconds(port: int) -> float:
    """User + system CPU of the gunicorn master and workers serving `port` (found by their command line)."""
    total = 0.0
    for process in psutil.process_iter(["cmdline"]):
        if f"127.0.0.1:{port}" in " ".join(process.info["cmdline"] or []):
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
    return total


class Load:
    """The clients: each keeps one HTTP/1.1 connection (http.client costs a fraction of `requests`'
    CPU, which matters when the load generator shares two cores with the server)."""

    def __init__(self, port: int, token: str, numbers: list[str], replay_share: float, batch_size: int = 0):
        self.port, self.token, self.numbers, self.replay_share = port, token, numbers, replay_share
        self.batch_size = batch_size  # 0: one award per request to POST /awards
        self.lock = threading.Lock()
        self.recent: deque[tuple[str, dict, int]] = deque(maxlen=RECENT_KEYS)
        self.confirmed: dict[str, int] = {}  # key -> points, as the server confirmed (201, or 200 replayed)
        self.latencies: list[float] = []
        self.counts = {"created": 0, "replayed": 0, "errors": 0}
        self.first_error = ""

    def _next(self, chooser: random.Random, taken: dict | None = None) -> tuple[str, dict, int]:
        """A recent award again (never one already in `taken`, this batch's), or a new one."""
        with self.lock:
            if self.recent and chooser.random() < self.replay_share:
                request = chooser.choice(self.recent)
                if not taken or request[0] not in taken:
                    return request
        points = chooser.randint(1, 20)
        award = {"employee_number": chooser.choice(self.numbers), "points": points, "reason": "Bench award",
                 "source": "bench"}
        request = (f"bench-{uuid.uuid4().hex}", award, points)
        with self.lock:
            self.recent.append(request)  # visible to replays before its own answer: repeats can race it
        return request

    def _post(self, connection, path: str, body: bytes, headers: dict) -> tuple[int, bytes, object]:
        try:
            connection.request("POST", path, body=body, headers={
                "Authorization": f"Bearer {self.token}", "Content-Type": "application/json", **headers})
            response = connection.getresponse()
            return response.status, response.read(), connection
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            return 0, repr(error).encode(), http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def _failed(self, status: int, text: bytes) -> None:
        self.counts["errors"] += 1
        self.first_error = self.first_error or f"{status} {text[:120].decode(errors='replace')}"

    def client(self, seed_value: int, deadline: float) -> None:
        chooser = random.Random(seed_value)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            if self.batch_size:
                connection = self._send_batch(connection, chooser, started)
                continue
            key, award, points = self._next(chooser)
            status, text, connection = self._post(connection, "/api/v1/awards", json.dumps(award).encode(),
                                                  {"Idempotency-Key": key})
            with self.lock:
                self.latencies.append(time.perf_counter() - started)
                if status in (200, 201):
                    self.counts["created" if status == 201 else "replayed"] += 1
                    self.confirmed[key] = points
                else:
                    self._failed(status, text)
        connection.close()

    def _send_batch(self, connection, chooser: random.Random, started: float):
        batch: dict[str, tuple[dict, int]] = {}
        while len(batch) < self.batch_size:
            key, award, points = self._next(chooser, batch)
            batch[key] = (award, points)
        body = json.dumps({"awards": [{"idempotency_key": key, **award} for key, (award, _points) in batch.items()]})
        status, text, connection = self._post(connection, "/api/v1/awards/batch", body.encode(), {})
        with self.lock:
            self.latencies.append(time.perf_counter() - started)
            if status != 200:
                self._failed(status, text)
                return connection
            for item in json.loads(text)["awards"]:
                self.counts[item["status"]] += 1
                self.confirmed[item["idempotency_key"]] = batch[item["idempotency_key"]][1]
        return connection


def run(database: str, clients: int, seconds: float, replay_share: float, threads: int, people: int,
        batch_size: int = 0) -> dict:
    workdir = tempfile.mkdtemp(prefix="ascent-bench-")
    database_url = f"sqlite:///{workdir}/bench.db" if database == "sqlite" else _fresh_postgres(POSTGRES_URL)
    token, numbers = seed(database_url, people)
    # Jobs are queued as production web processes queue them (no consumer runs during the bench).
    environment = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "ASCENT_INSTANCE_PATH": workdir,
                   "JOBS_IMMEDIATE": "0", "JOBS_SQLITE_PATH": f"{workdir}/jobs.db", "REDIS_URL": "",
                   "POINTS_DAILY_CAP": "1000000", "POINTS_MAX_PER_AWARD": "1000",
                   "API_RATE_LIMIT": "1000000 per minute"}
    load = Load(0, token, numbers, replay_share, batch_size)
    workers = WORKERS[database]
    with gunicorn(environment, workers=workers, threads=threads, log=Path(workdir) / "gunicorn.log") as base_url:
        load.port = int(base_url.rsplit(":", 1)[1])
        cpu_before = _server_cpu_seconds(load.port)
        deadline = time.monotonic() + seconds
        started = time.monotonic()
        pool = [threading.Thread(target=load.client, args=(n, deadline)) for n in range(clients)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        elapsed = time.monotonic() - started
        server_cpu = _server_cpu_seconds(load.port) - cpu_before
    checked = verify(database_url, load.confirmed)
    if database == "postgresql":
        _drop_postgres(database_url)
    requests_made = len(load.latencies)
    answered = load.counts["created"] + load.counts["replayed"]
    return {
        "database": database, "replayed_share": f"{replay_share:.0%}", "server": f"-w {workers} --threads {threads}",
        "batch_size": batch_size or 1, "clients": clients, "seconds": round(elapsed, 1),
        "awards_per_s": round(load.counts["created"] / elapsed), "requests_per_s": round(requests_made / elapsed),
        "replayed": load.counts["replayed"], "errors": load.counts["errors"],
        "p50_ms": round(statistics.median(load.latencies) * 1000, 1) if requests_made else None,
        "p95_ms": round(_percentile(load.latencies, 95) * 1000, 1) if requests_made else None,
        "server_cpu_ms_per_request": round(server_cpu * 1000 / requests_made, 2) if requests_made else None,
        "server_cpu_ms_per_award": round(server_cpu * 1000 / answered, 3) if answered else None,
        **checked, "first_error": load.first_error,
    }


def profile(database: str) -> dict:
    """One award in process: its statements with timings, then CPU per award (the least of 5 batches of
    100, on this thread's clock, so other load on the machine barely moves it) and a cProfile summary."""
    import cProfile
    import io
    import pstats

    from sqlalchemy import event

    from app.extensions import db

    workdir = tempfile.mkdtemp(prefix="ascent-profile-")
    database_url = f"sqlite:///{workdir}/bench.db" if database == "sqlite" else _fresh_postgres(POSTGRES_URL)
    token, numbers = seed(database_url, 200)
    app = _app(database_url, POINTS_DAILY_CAP=10**9, POINTS_MAX_PER_AWARD=1000, API_RATE_LIMIT="1000000 per minute")
    client = app.test_client()
    statements: list[tuple[float, str]] = []
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _started(connection, _cursor, _statement, _parameters, _context, _many):
        connection.info["bench_started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _finished(connection, _cursor, statement, _parameters, _context, _many):
        elapsed = (time.perf_counter() - connection.info.pop("bench_started")) * 1000
        statements.append((elapsed, " ".join(statement.split())))

    def award(n: int, key: str | None = None):
        return client.post("/api/v1/awards", headers={"Authorization": f"Bearer {token}",
                                                      "Idempotency-Key": key or uuid.uuid4().hex},
                           json={"employee_number": numbers[n % len(numbers)], "points": 5, "reason": "Bench award",
                                 "source": "bench"})

    for n in range(50):  # warm the statement caches and give people some history
        award(n)
    statements.clear()
    assert award(7, key="profiled").status_code == 201
    new_key = list(statements)
    statements.clear()
    assert award(7, key="profiled").status_code == 200
    replay = list(statements)
    batches = []
    for batch in range(5):
        started = time.thread_time()
        for n in range(100):
            award(n + batch)
        batches.append((time.thread_time() - started) * 10)  # ms per award
    profiler = cProfile.Profile(time.thread_time)
    profiler.enable()
    for n in range(200):
        award(n)
    profiler.disable()
    summary = io.StringIO()
    pstats.Stats(profiler, stream=summary).sort_stats("cumulative").print_stats(r"/app/", 25)
    print(f"\n== {database}: one award with a new key ({len(new_key)} statements, COMMIT not shown)")
    for elapsed, text in new_key:
        print(f"{elapsed:7.3f} ms  {text[:150]}")
    print(f"\n== {database}: the same key again ({len(replay)} statements)")
    for elapsed, text in replay:
        print(f"{elapsed:7.3f} ms  {text[:150]}")
    print(summary.getvalue())
    with app.app_context():
        db.engine.dispose()
    if database == "postgresql":
        _drop_postgres(database_url)
    return {"database": database, "statements_new_key": len(new_key), "statements_replay": len(replay),
            "cpu_ms_per_award": round(min(batches), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    parser.add_argument("--clients", type=int, help=f"concurrent clients (default {CLIENTS['single']}; "
                                                      f"{CLIENTS['batch']} with --batch-size)")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--replay-shares", type=float, nargs="+", default=[0.2, 0.0],
                        help="share of requests that repeat a recent key; one run per share")
    parser.add_argument("--threads", type=int, default=16, help="threads per gunicorn process")
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 5 s per case, 200 people")
    parser.add_argument("--profile", action="store_true", help="profile one award in process instead")
    parser.add_argument("--batch-size", type=int, default=0,
                        help="awards per request through POST /awards/batch (0: single awards, POST /awards)")
    arguments = parser.parse_args()
    if arguments.profile:
        rows = [profile(database) for database in arguments.databases]
        print(json.dumps(rows, indent=2))
        return
    if arguments.quick:
        arguments.seconds, arguments.people = 5, 200
    mode = "batch" if arguments.batch_size else "single"
    clients = arguments.clients or CLIENTS[mode]
    rows = []
    for database in arguments.databases:
        for share in arguments.replay_shares:
            row = run(database, clients, arguments.seconds, share, arguments.threads, arguments.people,
                      arguments.batch_size)
            print(row, flush=True)
            rows.append(row)
    columns = ["database", "replayed_share", "server", "batch_size", "clients", "seconds", "awards_per_s",
               "requests_per_s", "replayed", "errors", "p50_ms", "p95_ms", "server_cpu_ms_per_request",
               "server_cpu_ms_per_award", "entries", "lost", "paid_twice", "wrong_amount", "balance_mismatches",
               "board_mismatches"]
    if mode == "batch":
        write_results("award_throughput_batch", rows, columns,
                      targets="≥ 3,000 awards/s through POST /awards/batch on SQLite and on PostgreSQL with 20% "
                              "replayed keys; zero lost, zero paid twice, balances equal to the recomputed sums")
    else:
        write_results("award_throughput", rows, columns,
                      targets="≥ 500 awards/s on SQLite and on PostgreSQL with 20% replayed keys; zero lost, zero "
                              "paid twice, balances equal to the recomputed sums")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()

"""Award throughput and ledger integrity: 50 concurrent clients post awards through the integration API
for 30 s, a share of them replaying an earlier Idempotency-Key; then the ledger is checked: nothing lost,
nothing paid twice, cached balances equal to the recomputed sums.

    .venv/bin/python -m bench.award_throughput                       # SQLite, then PostgreSQL
    .venv/bin/python -m bench.award_throughput --databases sqlite --seconds 10

Writes bench/results/award_throughput.json and .md."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import threading
import time
import uuid

import requests

from bench.harness import gunicorn
from bench.live_fanout import SECRET, _fresh_postgres, _percentile
from bench.report import machine, write_results

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def seed(database_url: str, people: int) -> tuple[str, list[str]]:
    from flask_migrate import upgrade

    from app import create_app
    from app.api import tokens
    from app.extensions import db
    from app.org.models import District, Person, Role, Store

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET, "REDIS_URL": None,
                      "JOBS_IMMEDIATE": True})
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


def verify(database_url: str) -> dict:
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db
    from app.points import ledger
    from app.points.models import PointEntry

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET, "REDIS_URL": None})
    with app.app_context():
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(PointEntry))
        total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(PointEntry.amount), 0)))
        mismatches = len(ledger.verify())
        db.engine.dispose()
    return {"entries": entries, "points": total, "balance_mismatches": mismatches}


def run(database: str, clients: int, seconds: float, replay_share: float, workers: int, threads: int) -> dict:
    workdir = tempfile.mkdtemp(prefix="ascent-bench-")
    database_url = f"sqlite:///{workdir}/bench.db" if database == "sqlite" else _fresh_postgres(POSTGRES_URL)
    token, numbers = seed(database_url, 1000)
    environment = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "ASCENT_INSTANCE_PATH": workdir,
                   "JOBS_IMMEDIATE": "1", "POINTS_DAILY_CAP": "1000000", "POINTS_MAX_PER_AWARD": "1000"}
    paid_keys: dict[str, int] = {}  # key -> points, as the server confirmed (201 or replayed)
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    counts = {"created": 0, "replayed": 0}
    with gunicorn(environment, workers=workers, threads=threads) as base_url:
        deadline = time.monotonic() + seconds

        def client(seed_value: int) -> None:
            chooser = random.Random(seed_value)
            mine: list[tuple[str, dict]] = []
            with requests.Session() as http:
                while time.monotonic() < deadline:
                    if mine and chooser.random() < replay_share:
                        key, body = chooser.choice(mine)
                    else:
                        key = f"bench-{uuid.uuid4().hex}"
                        body = {"employee_number": chooser.choice(numbers), "points": chooser.randint(1, 20),
                                "reason": "Bench award", "source": "bench"}
                        mine.append((key, body))
                    started = time.perf_counter()
                    response = http.post(f"{base_url}/api/v1/awards", json=body, timeout=30,
                                         headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})
                    elapsed = time.perf_counter() - started
                    with lock:
                        latencies.append(elapsed)
                        if response.status_code in (200, 201):
                            counts["created" if response.status_code == 201 else "replayed"] += 1
                            paid_keys[key] = body["points"]
                        else:
                            errors.append(f"{response.status_code} {response.text[:120]}")

        started = time.monotonic()
        pool = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        elapsed = time.monotonic() - started
    checked = verify(database_url)
    expected_points = sum(paid_keys.values())
    return {
        "database": database, "clients": clients, "seconds": round(elapsed, 1),
        "requests_per_s": round(len(latencies) / elapsed),
        "awards_per_s": round(counts["created"] / elapsed),
        "replayed": counts["replayed"], "errors": len(errors),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(_percentile(latencies, 95) * 1000, 1),
        "entries": checked["entries"], "distinct_keys_paid": len(paid_keys),
        "lost_points": expected_points - checked["points"],
        "paid_twice": checked["entries"] - len(paid_keys),
        "balance_mismatches": checked["balance_mismatches"],
        "first_error": errors[0] if errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--replay-share", type=float, default=0.2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=16, help="threads per process")
    arguments = parser.parse_args()
    rows = []
    for database in arguments.databases:
        row = run(database, arguments.clients, arguments.seconds, arguments.replay_share, arguments.workers,
                  arguments.threads)
        print(row, flush=True)
        rows.append(row)
    columns = ["database", "clients", "seconds", "requests_per_s", "awards_per_s", "replayed", "errors", "p50_ms",
               "p95_ms", "entries", "distinct_keys_paid", "lost_points", "paid_twice", "balance_mismatches"]
    write_results("award_throughput", rows, columns,
                  targets="≥ 500 awards/s on SQLite and on PostgreSQL with 20% replayed keys; zero lost, zero "
                          "paid twice, balances equal to the recomputed sums")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()

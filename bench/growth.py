"""Growth: the same pages and board queries at 1k, 10k and 50k people. The per-request cost must grow no
worse than logarithmically with the chain, and the number of queries per request must not grow at all.

The chain grows the way chains do, by adding stores: about 50 people a store and ten stores a district
at every size, and a constant ENTRIES_PER_PERSON ledger entries each (so 50k stays practical: 1.5M
entries). Store and district boards therefore stay the same size, the company board grows with the
chain. KPI measurements cover the last KPI_DAYS days (the district dashboard reads this month, the
month before and a 14-day sparkline).

Timed in process with Flask's test client against the generated database (no server, no network),
signed in by writing Flask-Login's session as the tests' sign_in fixture does:
    home              GET /home as staff1
    my rank           leaderboards.queries.standing(staff1): the home card's "my rank" (store, this week)
    <board> <viewer>  GET /board/?scope=<board>&period=all (htmx fragment) for the store and district of
                      staff1 and for the company, each as its top, middle and bottom member (picked by rank
                      on that board in the generated data: the bottom one counts everyone above them)
    company rank      leaderboards.queries.board(bottom member, company, all time) alone
    district          GET /kpis/district (htmx fragment) as dm1

    .venv/bin/python -m bench.growth                                  # 1k, 10k, 50k on SQLite
    .venv/bin/python -m bench.growth --database postgresql
    .venv/bin/python -m bench.growth --quick                          # 1k and 5k, fewer requests

Writes bench/results/growth.json and .md."""

from __future__ import annotations

import argparse
import math
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from app.config import normalise_database_url
from bench.report import write_results
from bench.scale_data import database, generate

ENTRIES_PER_PERSON = 30
PEOPLE_PER_STORE = 50
KPI_DAYS = 92
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


class QueryCounter:
    def __init__(self, engine: sa.Engine):
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


def _measure(run: Callable[[], None], counter: QueryCounter, requests: int, warmup: int = 3,
             budget_seconds: float = 30.0) -> dict:
    """p50/p95 of `requests` runs after `warmup` ones. A case slower than the budget stops early (with at
    least 3 samples, marked in `samples`): a request that takes seconds is the finding, not a thousand
    of them."""
    for _ in range(warmup):
        started = time.perf_counter()
        run()
        if time.perf_counter() - started > budget_seconds / 10:
            break
    times, queries = [], set()
    spent = 0.0
    while len(times) < requests and (len(times) < 3 or spent < budget_seconds):
        before = counter.count
        started = time.perf_counter()
        run()
        elapsed = time.perf_counter() - started
        spent += elapsed
        times.append(elapsed * 1000)
        queries.add(counter.count - before)
    return {"p50": statistics.median(times), "p95": _percentile(times, 0.95), "samples": len(times),
            "queries": min(queries) if len(queries) == 1 else f"{min(queries)}–{max(queries)}"}


def _signed_in(app, person_id: int):
    from app.extensions import db
    from app.org.models import Person

    with app.app_context():
        user_id = db.session.get(Person, person_id).get_id()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    return client


def _person_id(email: str) -> int:
    from app.extensions import db
    from app.org.models import Person

    return db.session.scalar(sa.select(Person.id).where(Person.email == email))


def board_viewers(staff_id: int) -> dict[str, dict[str, int]]:
    """For the all-time store and district boards of `staff_id` and the company's: the person ranked
    first, the one in the middle and the last one, by the board's order (points, then who reached them
    first, then id). Run in an app context."""
    from app.extensions import db
    from app.leaderboards import periods
    from app.leaderboards.models import BoardScore

    home = db.session.execute(sa.select(BoardScore.store_id, BoardScore.district_id).where(
        BoardScore.person_id == staff_id, BoardScore.period == periods.ALL_TIME)).one()
    scopes = {"store": BoardScore.store_id == home.store_id, "district": BoardScore.district_id == home.district_id,
              "company": sa.true()}
    viewers = {}
    for board, scope in scopes.items():
        ranked = db.session.scalars(
            sa.select(BoardScore.person_id).where(
                scope, BoardScore.period == periods.ALL_TIME, BoardScore.period_start == periods.ALL_TIME_START,
                BoardScore.active.is_(True), BoardScore.hidden_wide.is_(False), BoardScore.points > 0)
            .order_by(BoardScore.points.desc(), BoardScore.reached_at, BoardScore.person_id)).all()
        viewers[board] = {"top": ranked[0], "middle": ranked[len(ranked) // 2], "bottom": ranked[-1]}
    return viewers


def _get(client, path: str, htmx: bool = False) -> Callable[[], None]:
    headers = {"HX-Request": "true"} if htmx else {}

    def run() -> None:
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
    return run


def _in_context(app, call: Callable) -> Callable[[], None]:
    """A query function as a request would run it: a fresh session, so nothing is cached between runs."""
    from app.extensions import db

    def run() -> None:
        with app.app_context():
            call()
            db.session.remove()
    return run


def measure_size(database_url: str, requests: int) -> list[dict]:
    from app import create_app
    from app.extensions import db
    from app.leaderboards import queries
    from app.org.models import Person

    app = create_app(database.app_config(database_url))
    with app.app_context():
        counter = QueryCounter(db.engine)
        staff_id, manager_id = _person_id("staff1@scale.ascent"), _person_id("dm1@scale.ascent")
        viewers = board_viewers(staff_id)

    cases = {"home": _get(_signed_in(app, staff_id), "/home"),
             "my rank": _in_context(app, lambda: queries.standing(db.session.get(Person, staff_id)))}
    for board, picked in viewers.items():
        for position, person_id in picked.items():
            cases[f"{board} {position}"] = _get(_signed_in(app, person_id), f"/board/?scope={board}&period=all",
                                                htmx=True)
    bottom = viewers["company"]["bottom"]
    cases["company rank"] = _in_context(app, lambda: queries.board(db.session.get(Person, bottom), "company", "all"))
    cases["district"] = _get(_signed_in(app, manager_id), "/kpis/district", htmx=True)
    rows = [{"request": name, **_measure(run, counter, requests)} for name, run in cases.items()]
    with app.app_context():
        db.engine.dispose()
    return rows


def run(sizes: list[int], backend: str, requests: int, entries_per_person: int) -> list[dict]:
    workdir = Path(tempfile.mkdtemp(prefix="ascent-growth-"))
    results: list[dict] = []
    baseline: dict[str, float] = {}
    queries_seen: dict[str, set] = {}
    for people in sizes:
        stores = max(4, people // PEOPLE_PER_STORE)
        if backend == "sqlite":
            url = f"sqlite:///{workdir / f'growth-{people}.db'}"
        else:
            url = sa.make_url(normalise_database_url(POSTGRES_URL)).set(
                database=f"ascent_growth_{people}").render_as_string(hide_password=False)
        print(f"\n{people:,} people, {stores} stores, {people * entries_per_person:,} entries on {backend}",
              flush=True)
        made = generate(url, stores=stores, people=people, entries=people * entries_per_person,
                        kpi_days=KPI_DAYS)
        try:
            bound = math.log(people) / math.log(sizes[0])
            for row in measure_size(url, requests):
                name = row["request"]
                baseline.setdefault(name, row["p50"])
                queries_seen.setdefault(name, set()).add(row["queries"])
                results.append({
                    "database": backend, "people": f"{people:,}", "stores": stores, "entries": f"{made['entries']:,}",
                    "request": name, "p50 ms": round(row["p50"], 2), "p95 ms": round(row["p95"], 2),
                    "p50 ratio": round(row["p50"] / baseline[name], 2),
                    "log bound": round(bound, 2), "queries": row["queries"],
                    "samples": row["samples"]})
                ratio = row["p50"] / baseline[name]
                print(f"  {name:<16} p50 {row['p50']:7.2f} ms  p95 {row['p95']:7.2f} ms  ratio {ratio:5.2f} "
                      f"(log bound {bound:4.2f}{', over' if ratio > bound else ''})  queries {row['queries']}",
                      flush=True)
        finally:
            if backend == "postgresql":
                database.drop_postgres(url)
            else:
                for suffix in ("", "-wal", "-shm"):
                    Path(sa.make_url(url).database + suffix).unlink(missing_ok=True)
    grown = {name: seen for name, seen in queries_seen.items() if len(seen) > 1}
    print("\nqueries per request constant across sizes" if not grown else
          f"\nqueries per request changed with the size: {grown}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per case and size")
    parser.add_argument("--entries-per-person", type=int, default=ENTRIES_PER_PERSON)
    parser.add_argument("--quick", action="store_true", help="1k and 5k people, 15 requests: a smoke run")
    args = parser.parse_args()
    sizes = [1000, 5000] if args.quick else sorted(args.people)
    requests = 15 if args.quick else args.requests
    rows = run(sizes, args.database, requests, args.entries_per_person)
    write_results("growth", rows, ["database", "people", "stores", "entries", "request", "p50 ms", "p95 ms",
                                   "p50 ratio", "log bound", "queries", "samples"],
                  targets=f"per-request p50 grows no faster than log(people) (the 'log bound' column: "
                          f"log n / log {sizes[0]:,}); queries per request constant across sizes. "
                          f"{args.entries_per_person} ledger entries a person, {PEOPLE_PER_STORE} people a store, "
                          f"{requests} timed requests per case after 3 warm-ups (fewer, see samples, when a case "
                          f"takes more than 30 s), in process (Flask test client).")


if __name__ == "__main__":
    main()

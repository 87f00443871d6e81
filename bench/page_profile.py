"""The Python cost of one request to the hot pages (issue 8), in process: no server, no network, no load
generator, so the figures say what the app itself spends per request and where.

    .venv/bin/python -m bench.page_profile                                  # 10k-person SQLite copy, 200 each
    .venv/bin/python -m bench.page_profile --quick                          # smoke run: 1k people, 30 each
    .venv/bin/python -m bench.page_profile --database-url postgresql://postgres@127.0.0.1:5432/ascent_bench_10000
    .venv/bin/python -m bench.page_profile --profile board                  # plus cProfile's top entries

The app is create_app() on the generated chain (bench/page_load's kept copy, made by bench.page_load_data
when missing), with production settings (no debug, no template auto-reload). Each page is requested by a
test client signed in the way the tests' `sign_in` fixture does it (Flask-Login's session written directly),
a few times to warm caches, then `--requests` times. Per page: CPU milliseconds per request (this process's
CPU time: what the page costs a core; neighbours busy on the same cores still inflate it, so compare runs
made back to back), wall milliseconds, milliseconds spent inside the database calls and the number of
statements. On SQLite the database runs in this process: its work is CPU time too, and part of it happens
while rows are fetched, after the timed call, so "sql_ms" is a floor there. Writes
bench/results/page_profile.json and .md."""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import tempfile
import time
from dataclasses import dataclass

import sqlalchemy as sa

from bench.page_load_data import prepare
from bench.report import machine, write_results
from bench.scale_data.database import app_config

WARM_UP = 5
COLUMNS = ["page", "path", "requests", "cpu_ms_p50", "cpu_ms_p90", "wall_ms_p50", "sql_ms_p50", "statements",
           "bytes"]


@dataclass(frozen=True)
class Page:
    name: str
    role: str  # who asks for it
    description: str
    fragment: bool = False  # asked for as htmx does (HX-Request), so only the fragment renders


PAGES = {
    "me": Page("me", "staff", "associate's Me page: the fixed cost of any signed-in page"),
    "home": Page("home", "staff", "associate's home"),
    "board": Page("board", "staff", "store board fragment (htmx refresh)", fragment=True),
    "district": Page("district", "district_manager", "district KPI dashboard"),
}


class StatementTimer:
    """Counts the statements sent to the database and the time spent inside those calls."""

    def __init__(self, engine: sa.Engine):
        self.engine, self.count, self.seconds, self._started = engine, 0, 0.0, 0.0

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._before)
        sa.event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *_exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._before)
        sa.event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(self, *_args):
        self._started = time.perf_counter()

    def _after(self, *_args):
        self.count += 1
        self.seconds += time.perf_counter() - self._started


def _people(app) -> dict[str, object]:
    """The people who ask: the first associate with a store, and the first district manager."""
    from app.extensions import db
    from app.org.models import Person, Role

    with app.test_request_context():  # a GET's read transaction: no write lock on a copy others may use
        def first(role: str, *conditions):
            return db.session.scalar(sa.select(Person).where(Person.role == role, Person.active.is_(True),
                                                             *conditions).order_by(Person.id).limit(1))

        staff = first(Role.STAFF, Person.store_id.is_not(None))
        manager = first(Role.DISTRICT_MANAGER, Person.district_id.is_not(None))
        if staff is None or manager is None:
            raise RuntimeError("the data needs an associate with a store and a district manager")
        return {"staff": (staff.get_id(), staff.store_id), "district_manager": (manager.get_id(), None)}


def _client(app, user_id: str):
    client = app.test_client()
    with client.session_transaction() as session:  # as tests/conftest.py's sign_in does
        session["_user_id"] = user_id
        session["_fresh"] = True
    return client


def _path(page: Page, store_id: int | None) -> str:
    return {"me": "/me", "home": "/home", "board": f"/board/?scope=store&period=week&id={store_id}",
            "district": "/kpis/district"}[page.name]


def measure(app, page: Page, client, path: str, count: int) -> dict:
    from app.extensions import db

    headers = {"HX-Request": "true", "HX-Target": "board"} if page.fragment else {}
    size = 0
    for _ in range(WARM_UP):
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
        size = len(response.data)
    cpu, wall, sql, statements = [], [], [], []
    with app.app_context():
        engine = db.engine
    for _ in range(count):
        with StatementTimer(engine) as timer:
            cpu_started, wall_started = time.process_time(), time.perf_counter()
            response = client.get(path, headers=headers)
            cpu.append(time.process_time() - cpu_started)
            wall.append(time.perf_counter() - wall_started)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
        sql.append(timer.seconds)
        statements.append(timer.count)

    def ms(values, quantile=50):
        return round(statistics.quantiles(values, n=100)[quantile - 1] * 1000, 2) if len(values) > 1 \
            else round(values[0] * 1000, 2)

    return {"page": page.description, "path": path, "requests": count, "cpu_ms_p50": ms(cpu), "cpu_ms_p90": ms(cpu, 90),
            "wall_ms_p50": ms(wall), "sql_ms_p50": ms(sql), "statements": max(statements), "bytes": size}


def profile(page: Page, client, path: str, count: int, top: int) -> None:
    headers = {"HX-Request": "true", "HX-Target": "board"} if page.fragment else {}
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        client.get(path, headers=headers)
    profiler.disable()
    print(f"\n== {page.name}: {path}, {count} requests, top {top} by cumulative time ==")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)
    print(f"== {page.name}: top {top} by own time ==")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a generated chain (default: bench/page_load's kept SQLite copy)")
    parser.add_argument("--people", type=int, default=10_000, help="size of the kept copy to use or generate")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page")
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES))
    parser.add_argument("--profile", choices=list(PAGES), help="also print cProfile's top entries for this page")
    parser.add_argument("--top", type=int, default=35, help="entries --profile prints")
    parser.add_argument("--quick", action="store_true", help="smoke run: the 1k-person copy, 30 requests a page")
    parser.add_argument("--output", default="page_profile", help="result name under bench/results/")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.people, arguments.requests = min(arguments.people, 1000), min(arguments.requests, 30)
    database_url = arguments.database_url or prepare("sqlite", arguments.people, fresh=False, postgres_url="")
    from app import create_app

    app = create_app(app_config(database_url, tempfile.mkdtemp(prefix="ascent-page-profile-")))
    people = _people(app)
    rows = []
    for name in arguments.pages:
        page = PAGES[name]
        user_id, store_id = people[page.role]
        client = _client(app, user_id)
        path = _path(page, store_id or people["staff"][1])
        row = measure(app, page, client, path, arguments.requests)
        print(row, flush=True)
        rows.append({"database": sa.make_url(database_url).get_backend_name(), **row})
        if arguments.profile == name:
            profile(page, client, path, arguments.requests, arguments.top)
    write_results(arguments.output, rows, ["database", *COLUMNS],
                  targets="CPU per request ≤ 5–8 ms for each page (issue 8: p95 ≤ 25 ms at 4 users on 2 cores)")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()

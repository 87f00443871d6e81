"""Pages under load (issue 8): gunicorn as production runs it, on loopback, driven by locust in a closed loop
(no wait between requests) with signed-in people: the associate's home, the store board fragment htmx
refreshes, the district KPI dashboard and the mission completion POST, each at 4 and 50 concurrent people,
on SQLite and on PostgreSQL.

    .venv/bin/python -m bench.page_load                                   # the issue's run (10k people)
    .venv/bin/python -m bench.page_load --quick                           # a smoke run in a few minutes
    .venv/bin/python -m bench.page_load --databases sqlite --users 4 --seconds 10 --scenarios home

Data: bench.scale_data's `generate` (200 stores, 10k people, 1M ledger entries for --people 10000), made
once and kept (bench/results/data/page_load_<people>.db, PostgreSQL database ascent_bench_<people>) unless
--fresh. Servers: gunicorn -w 1 on SQLite, -w 2 on PostgreSQL (see server_shape), threads for every user.
Writes bench/results/page_load.json and .md."""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench import page_load_data as load_data
from bench.harness import PROJECT_ROOT, gunicorn, signed_in_session
from bench.live_fanout import SECRET
from bench.report import machine, write_results

LOCUST = str(Path(sys.executable).with_name("locust"))
LOCUSTFILE = Path(__file__).resolve().with_name("locustfile.py")
START_TIMEOUT_S = 180
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

SCENARIOS = ("home", "board", "district", "mission")
PAGES = {"home": "staff home: GET /home", "board": "store board fragment: GET /board/ (htmx)",
         "district": "district dashboard: GET /kpis/district", "mission": "mission done: POST /missions/<id>/submit"}
COLUMNS = ["database", "server", "page", "users", "seconds", "requests", "requests_per_s", "p50_ms", "p95_ms",
           "p99_ms", "max_ms", "failures", "completed", "paid"]
TARGETS = ("with the large data set (200 stores, 10k people, 1M ledger entries) on a 2-core machine, on SQLite "
           "and on PostgreSQL: at 4 concurrent users p95 ≤ 25 ms for home and the board fragment, ≤ 50 ms for "
           "the district dashboard; at 50 concurrent users ≥ 300 requests/s for home with p95 ≤ 250 ms "
           "(at saturation latency = users ÷ throughput: quote both, promise neither alone)")


# -- Server ----------------------------------------------------------------------------------------------

def server_shape(database: str, workers: int | None, users: list[int]) -> tuple[int, int]:
    """(processes, threads per process). SQLite: the README's one process. PostgreSQL: two processes, one
    per core; the README's several single-worker processes behind a sticky proxy exist for Socket.IO, and
    for plain HTTP gunicorn's shared socket spreads requests just as well, without a proxy's extra hop."""
    processes = workers or (1 if database == "sqlite" else 2)
    # Enough threads that no request waits for one: each process may get every user's request at once.
    return processes, max(max(users), 8)


def server_environment(database_url: str, workdir: str) -> dict[str, str]:
    # No REDIS_URL: nothing on these pages needs it (socket hints stay in-process; jobs are queued in a
    # SQLite file, as in the embedded default, kept in this run's folder so no queue outlives the run).
    # The sign-ins before a run come from one address in a burst, which the login rate limit would refuse.
    return {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "ASCENT_INSTANCE_PATH": workdir,
            "JOBS_SQLITE_PATH": str(Path(workdir) / "jobs.db"), "LOGIN_RATE_LIMIT": "100000 per minute",
            "REDIS_URL": ""}


# -- Sessions --------------------------------------------------------------------------------------------

_CSRF_HEADER = re.compile(r'"X-CSRFToken":\s*"([^"]+)"')
_BOARD_URL = re.compile(r'<section class="board" id="board"[^>]*?hx-get="([^"]+)"')


def sign_in(base_url: str, identifier: str, *, board: bool = False) -> dict:
    """A person signed in through the login form: cookies, the CSRF token htmx would send, and the URL the
    board section refreshes itself from (what its hx-get says)."""
    with signed_in_session(base_url, identifier, load_data.PASSWORD) as session:
        home = session.get(f"{base_url}/home", timeout=30)
        token = _CSRF_HEADER.search(html.unescape(home.text))  # hx-headers JSON, HTML-escaped in the page
        if home.status_code != 200 or token is None:
            raise RuntimeError(f"{identifier}: no home page with a CSRF token ({home.status_code})")
        slot = {"identifier": identifier, "csrf_token": token.group(1)}
        if board:
            page = session.get(f"{base_url}/board/", timeout=30)
            found = _BOARD_URL.search(page.text)
            if found is None:
                raise RuntimeError(f"{identifier}: the board page has no self-refreshing section")
            slot["board_path"] = html.unescape(found.group(1))
        slot["cookies"] = dict(session.cookies.items())
    return slot


def sign_in_all(base_url: str, identifiers: list[str], *, board: bool = False) -> list[dict]:
    """One session per distinct name (district managers repeat when the districts are fewer than the
    simulated people: those share their manager's session), in the order of `identifiers`."""
    distinct = list(dict.fromkeys(identifiers))
    # A few at a time: the app caps concurrent password hashing (PASSWORD_HASH_CONCURRENCY) anyway.
    with ThreadPoolExecutor(max_workers=4) as pool:
        slots = dict(zip(distinct, pool.map(lambda name: sign_in(base_url, name, board=board), distinct),
                         strict=True))
    return [slots[identifier] for identifier in identifiers]


# -- One locust run --------------------------------------------------------------------------------------

def percentile(buckets: dict[str, int], percent: float) -> int | None:
    """From locust's response-time histogram (ms, rounded to 2 significant digits above 100 ms)."""
    total = sum(buckets.values())
    if not total:
        return None
    wanted = total * percent / 100
    seen = 0
    for value, count in sorted((int(float(value)), count) for value, count in buckets.items()):
        seen += count
        if seen >= wanted:
            return value
    return None


def run_locust(base_url: str, scenario: str, sessions: list[dict], users: int, seconds: float,
               workdir: str) -> dict:
    plan = Path(workdir) / f"plan-{scenario}-{users}.json"
    plan.write_text(json.dumps({"scenario": scenario, "sessions": sessions}))
    stats_file = Path(workdir) / f"stats-{scenario}-{users}.json"
    # All users start at once and the stats restart when they have: the figures cover the steady state.
    command = [LOCUST, "-f", str(LOCUSTFILE), "--headless", "--host", base_url, "-u", str(users),
               "-r", str(users), "-t", f"{seconds:g}s", "--reset-stats", "--only-summary",
               "--stop-timeout", "5", "--json-file", str(stats_file.with_suffix("")), "--loglevel", "WARNING",
               "--csv", str(stats_file.with_suffix("")), "--exit-code-on-error", "0"]
    completed = subprocess.run(command, cwd=PROJECT_ROOT, env={**os.environ, "ASCENT_LOAD_PLAN": str(plan)},
                               capture_output=True, text=True, timeout=seconds + 120)
    if completed.returncode != 0 or not stats_file.exists():
        raise RuntimeError(f"locust failed ({completed.returncode}): {completed.stderr[-2000:]}")
    entries = [entry for entry in json.loads(stats_file.read_text()) if entry["num_requests"]]
    requests_made = sum(entry["num_requests"] for entry in entries)
    failures = sum(entry["num_failures"] for entry in entries)
    buckets: dict[str, int] = {}
    for entry in entries:
        for value, count in entry["response_times"].items():
            buckets[value] = buckets.get(value, 0) + count
    started = min((entry["start_time"] for entry in entries), default=0)
    ended = max((entry["last_request_timestamp"] or started for entry in entries), default=0)
    elapsed = max(ended - started, 1e-9)
    return {"scenario": scenario, "users": users, "seconds": round(elapsed, 1), "requests": requests_made,
            "requests_per_s": round(requests_made / elapsed, 1), "p50_ms": percentile(buckets, 50),
            "p95_ms": percentile(buckets, 95), "p99_ms": percentile(buckets, 99),
            "max_ms": round(max((entry["max_response_time"] for entry in entries), default=0)), "failures": failures,
            "first_failure": _first_failure(stats_file.with_name(stats_file.stem + "_failures.csv"))}


def _first_failure(failures_csv: Path) -> str:
    """The commonest failure locust recorded ("" when none): its message and how often it happened."""
    if not failures_csv.exists():
        return ""
    with failures_csv.open() as rows:
        found = sorted(csv.DictReader(rows), key=lambda row: -int(row["Occurrences"]))
    return f"{found[0]['Error']} ×{found[0]['Occurrences']}" if found else ""


# -- One database ----------------------------------------------------------------------------------------

def run_database(kind: str, arguments: argparse.Namespace) -> list[dict]:
    database_url = load_data.prepare(kind, arguments.people, fresh=arguments.fresh, postgres_url=POSTGRES_URL)
    return measure(kind, database_url, scenarios=arguments.scenarios, users=arguments.users,
                   seconds=arguments.seconds, workers=arguments.workers,
                   workdir=tempfile.mkdtemp(prefix="ascent-page-load-"))


def measure(kind: str, database_url: str, *, scenarios: list[str], users: list[int], seconds: float,
            workers: int | None, workdir: str) -> list[dict]:
    """Serve `database_url`, sign everyone in, then one locust run per scenario and number of users."""
    logins = load_data.logins(database_url, max(users))
    processes, threads = server_shape(kind, workers, users)
    server = f"gunicorn -w {processes} --threads {threads}"
    print(f"{kind}: {server}, data {load_data.describe(database_url)}", flush=True)
    rows = []
    # Importing the app has taken over 30 s (the harness's default wait) with busy neighbours on both cores.
    with gunicorn(server_environment(database_url, workdir), workers=processes, threads=threads,
                  start_timeout=START_TIMEOUT_S, log=Path(workdir) / "gunicorn.log") as base_url:
        groups = {}  # scenario -> the signed-in people who run it
        if {"home", "board"} & set(scenarios):
            groups["home"] = groups["board"] = sign_in_all(base_url, logins.readers, board="board" in scenarios)
        if "district" in scenarios:
            groups["district"] = sign_in_all(base_url, logins.district_managers)
        if "mission" in scenarios:
            groups["mission"] = sign_in_all(base_url, logins.writers)
        for scenario in scenarios:
            group = groups[scenario]
            _warm_up(base_url, scenario, group)
            for count in users:
                sessions, prepared = group[:count], None
                if scenario == "mission":
                    prepared = load_data.open_assignments(database_url, [slot["identifier"] for slot in sessions],
                                                          users=count, seconds=seconds)
                    sessions = [{**slot, "assignments": prepared.assignments[slot["identifier"]]}
                                for slot in sessions]
                row = run_locust(base_url, scenario, sessions, count, seconds, workdir)
                if prepared is not None:
                    row.update(load_data.check_completions(database_url, prepared, row["requests"] - row["failures"]))
                row = {"database": kind, "server": server, "page": PAGES[scenario], **row}
                print(row, flush=True)
                rows.append(row)
    return rows


def _warm_up(base_url: str, scenario: str, group: list[dict]) -> None:
    """A few requests first, so template compilation and cold caches don't land in the measured window
    (the mission scenario warms up with its people's home pages: a POST would use up an assignment)."""
    for slot in group[:3]:
        if scenario == "board":
            requests.get(base_url + slot["board_path"], cookies=slot["cookies"], headers={"HX-Request": "true"},
                         timeout=30)
        else:
            path = "/kpis/district" if scenario == "district" else "/home"
            requests.get(base_url + path, cookies=slot["cookies"], timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    parser.add_argument("--scenarios", nargs="+", choices=SCENARIOS, default=list(SCENARIOS))
    parser.add_argument("--users", nargs="+", type=int, default=[4, 50], help="concurrent simulated people")
    parser.add_argument("--seconds", type=float, default=30, help="measured seconds per run")
    parser.add_argument("--people", type=int, default=10_000,
                        help="size of the generated chain (200 stores and 1M ledger entries per 10k people)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn processes (default: 1 SQLite, 2 PG)")
    parser.add_argument("--fresh", action="store_true", help="generate the data again even if a copy is kept")
    parser.add_argument("--quick", action="store_true", help="smoke run: 10 s per run on a 1k-person chain")
    parser.add_argument("--output", default="page_load", help="result name under bench/results/")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.seconds, arguments.people = min(arguments.seconds, 10), min(arguments.people, 1000)
    rows = []
    for database in arguments.databases:
        rows.extend(run_database(database, arguments))
    write_results(arguments.output, rows, COLUMNS, targets=TARGETS)
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()

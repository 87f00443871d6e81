"""Award-to-screen latency: how long after an award is posted do N connected Socket.IO clients hear
"board-changed"? Run as production runs: gunicorn (threads) on loopback, one process or two processes
with Redis as message queue; the clients are python-socketio asyncio clients in separate processes, each
an associate with the store board on screen (it watches the board's room, as static/js/app.js does).

Three tests on the same connected clients (the largest size runs all three, smaller ones latency only):
- latency: one award every --interval seconds; p50/p95/max and memory per socket;
- sustained: --rate awards per second (10) for --sustained-seconds; does delivery keep up (latency of the
  last awards ≈ the first, the last hint arrives right after the last award: no backlog)?
- soak: awards at ~1/s for --soak-minutes (10); the server's memory per socket sampled every 30 s.

    .venv/bin/python -m bench.live_fanout                          # 1, 100, 1000 clients; 1 and 2 processes
    .venv/bin/python -m bench.live_fanout --quick                  # smoke: 20 clients, a few seconds each
    .venv/bin/python -m bench.live_fanout --clients 1000 --modes single --soak-minutes 3
    .venv/bin/python -m bench.live_fanout --clients 1000 --rate 50 --sustained-seconds 30 --soak-minutes 0

Writes bench/results/live_fanout, live_sustained and live_soak (.json, .md). Two-process mode needs Redis
on 127.0.0.1:6379 (a fresh SOCKETIO_CHANNEL per run: nothing is flushed)."""

from __future__ import annotations

import argparse
import asyncio
import bisect
import multiprocessing
import os
import queue
import resource
import statistics
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.harness import gunicorn
from bench.report import machine, write_results

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "bench-secret-key-not-for-production"
TICKS = os.sysconf("SC_CLK_TCK")


def raise_open_files_limit() -> None:
    """Each socket is a file descriptor on both ends: lift the soft limit to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# -- Seeding ------------------------------------------------------------------------------------------

def seed(database_url: str, instance: str, people: int) -> tuple[list[str], str, str, str]:
    """A store with `people` associates; returns (their session cookies, an API token, an employee number,
    the room their board page watches)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.api import tokens
    from app.extensions import db
    from app.leaderboards import live
    from app.org.models import District, Person, Role, Store

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET, "REDIS_URL": None,
                      "JOBS_IMMEDIATE": True})
    with app.app_context():
        upgrade(revision="heads")
        district = District(code="BENCH", name="Bench district")
        db.session.add(district)
        db.session.flush()
        store = Store(code="BENCH-1", name="Bench store", district_id=district.id)
        db.session.add(store)
        db.session.flush()
        rows = [Person(employee_number=f"B{n:06d}", full_name=f"Bench Person {n}", email=None, role=Role.STAFF,
                       store_id=store.id, locale="en", active=True) for n in range(people + 1)]
        db.session.add_all(rows)
        db.session.flush()
        secret = tokens.create_token(None, "Bench till", all_stores=True, store_ids=[]).secret
        serializer = app.session_interface.get_signing_serializer(app)
        cookie_name = app.config["SESSION_COOKIE_NAME"]
        # Signed exactly as Flask-Login stores a sign-in: no argon2 verify per simulated phone.
        cookies = [f"{cookie_name}={serializer.dumps({'_user_id': person.get_id(), '_fresh': True})}"
                   for person in rows[1:]]
        awarded = rows[0].employee_number
        watch = live.watch_room("store", store.id)
        db.session.commit()
        db.engine.dispose()
    return cookies, secret, awarded, watch


# -- Clients (separate processes) -----------------------------------------------------------------------

def _client_process(urls: list[str], cookies: list[str], watch: str, ready, results, commands) -> None:
    raise_open_files_limit()
    asyncio.run(_clients(urls, cookies, watch, ready, results, commands))


async def _clients(urls: list[str], cookies: list[str], watch: str, ready, results, commands) -> None:
    """Connect, record when each client hears a hint; on "collect" hand the times over and start afresh."""
    import socketio

    clients, arrivals = [], []
    for index, cookie in enumerate(cookies):
        heard: list[float] = []
        # A busy server can take longer than engineio's default 5 s to accept a websocket.
        client = socketio.AsyncClient(reconnection=False, request_timeout=60)
        client.on("board-changed", lambda _data=None, heard=heard: heard.append(time.time()))
        try:
            await client.connect(urls[index % len(urls)], headers={"Cookie": cookie}, transports=["websocket"],
                                 wait_timeout=60)
            if await client.call("watch", {"rooms": [watch]}, timeout=60) != [watch]:
                raise socketio.exceptions.ConnectionError("the store board's room was refused")
        except (socketio.exceptions.ConnectionError, socketio.exceptions.TimeoutError, TimeoutError):
            continue  # reported: the run's "clients" is how many connected
        clients.append(client)
        arrivals.append(heard)
        if index % 50 == 49:
            await asyncio.sleep(0.05)  # don't stampede the accept queue
    ready.put(len(clients))
    while True:
        try:
            command = commands.get_nowait()
        except queue.Empty:
            await asyncio.sleep(0.1)
            continue
        results.put([list(heard) for heard in arrivals])
        for heard in arrivals:
            heard.clear()
        if command == "stop":
            break
    for client in clients:
        await client.disconnect()


# -- Processes and what they cost ----------------------------------------------------------------------

def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def _server_pids(port_urls: list[str]) -> list[int]:
    """gunicorn processes (master and worker) serving these URLs."""
    pids = []
    for url in port_urls:
        port = url.rsplit(":", 1)[1]
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if f"127.0.0.1:{port}" in command and "gunicorn" in command:
                pids.append(int(entry.name))
    return pids


@dataclass
class Live:
    """Servers up, clients connected: what the tests need to post awards and read what was heard."""
    mode: str
    award_url: str
    token: str
    awarded: str
    connected: int
    server_pids: list[int]
    client_pids: list[int]
    rss_before_kb: int
    results: object
    commands: list

    def kb_per_socket(self) -> float:
        grown = sum(_rss_kb(pid) for pid in self.server_pids) - self.rss_before_kb
        return round(grown / max(self.connected, 1), 1)

    def cpu(self) -> tuple[float, list[float]]:
        return (sum(_cpu_seconds(pid) for pid in self.server_pids),
                [_cpu_seconds(pid) for pid in self.client_pids])

    def collect(self, command: str = "collect") -> list[list[float]]:
        for channel in self.commands:
            channel.put(command)
        return [heard for _ in self.commands for heard in self.results.get(timeout=300)]


@contextmanager
def connected(mode: str, clients: int, client_processes: int):
    workdir = tempfile.mkdtemp(prefix="ascent-bench-")
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir}/bench.db"
    if database_url.startswith("postgresql"):
        database_url = _fresh_postgres(database_url)
    cookies, token, awarded, watch = seed(database_url, workdir, clients)
    environment = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "ASCENT_INSTANCE_PATH": workdir,
                   "JOBS_IMMEDIATE": "1", "SOCKETIO_CHANNEL": f"bench-{uuid.uuid4().hex[:8]}",
                   # One person receives every award of a 10-minute soak: lift the daily cap and API limit.
                   "POINTS_DAILY_CAP": "1000000000", "API_RATE_LIMIT": "1000000 per minute"}
    if mode == "two":
        environment["REDIS_URL"] = REDIS_URL
    processes = 2 if mode == "two" else 1
    # Threading mode holds one thread per open websocket, and the listening process holds them all.
    threads = clients + 50
    with ExitStack() as stack:
        urls = [stack.enter_context(gunicorn(environment, threads=threads, log=Path(workdir) / f"server{n}.log"))
                for n in range(processes)]
        socket_urls = urls[1:] if mode == "two" else urls  # across processes: award on one, listen on other
        pids = _server_pids(socket_urls)
        rss_before = sum(_rss_kb(pid) for pid in pids)
        context = multiprocessing.get_context("spawn")
        ready, results = context.Queue(), context.Queue()
        shares = [share for n in range(client_processes) if (share := cookies[n::client_processes])]
        commands = [context.Queue() for _ in shares]
        workers = [context.Process(target=_client_process, args=(socket_urls, share, watch, ready, results, channel))
                   for share, channel in zip(shares, commands, strict=True)]
        for worker in workers:
            worker.start()
        count = sum(ready.get(timeout=600) for _ in workers)
        time.sleep(1.0)
        live = Live("one process" if mode == "single" else "two processes + Redis", urls[0], token, awarded,
                    count, pids, [worker.pid for worker in workers], rss_before, results, commands)
        try:
            yield live
        finally:
            live.collect("stop")
            for worker in workers:
                worker.join(timeout=30)


# -- Posting awards -----------------------------------------------------------------------------------

def post_awards(live: Live, count: int, interval: float, posters: int = 1) -> tuple[list[float], list[float]]:
    """`count` awards, the k-th due `k * interval` s after the first; `posters` threads keep the pace when
    one award takes longer than the interval. Returns when each was posted and when its answer came."""
    sent, answered = [0.0] * count, [0.0] * count
    next_award = iter(range(count))
    lock = threading.Lock()
    origin = time.time() + 0.05

    def poster() -> None:
        with requests.Session() as http:
            while (number := _next(next_award, lock)) is not None:
                time.sleep(max(0.0, origin + number * interval - time.time()))
                sent[number] = time.time()
                http.post(f"{live.award_url}/api/v1/awards", json={
                    "employee_number": live.awarded, "points": 1, "reason": "Bench award", "source": "bench"},
                    headers={"Authorization": f"Bearer {live.token}",
                             "Idempotency-Key": f"bench-{uuid.uuid4().hex}"}, timeout=60).raise_for_status()
                answered[number] = time.time()

    threads = [threading.Thread(target=poster) for _ in range(posters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sent, answered


def _next(numbers, lock: threading.Lock) -> int | None:
    with lock:
        return next(numbers, None)


def _latencies(sent: list[float], arrivals: list[list[float]], *, bounded: bool) -> list[list[float]]:
    """Per award, each client's wait for the first hint heard after it was posted. `bounded`: only hints
    before the next award count (one award a second); unbounded when hints are coalesced (10 a second)."""
    per_award: list[list[float]] = [[] for _ in sent]
    bounds = sent[1:] + [float("inf")]
    for heard in arrivals:
        heard = sorted(heard)
        for number, (started, until) in enumerate(zip(sent, bounds, strict=True)):
            index = bisect.bisect_left(heard, started)
            if index < len(heard) and (not bounded or heard[index] < until):
                per_award[number].append(heard[index] - started)
    return per_award


def _summary(values: list[float]) -> dict:
    if not values:
        return {"p50_ms": None, "p95_ms": None, "max_ms": None}
    return {"p50_ms": _ms(statistics.median(values)), "p95_ms": _ms(_percentile(values, 95)),
            "max_ms": _ms(max(values))}


def _load(live: Live, before: tuple[float, list[float]], seconds: float) -> dict:
    """CPU use over the test, as % of one core: the gunicorn process(es) and the busiest client process.
    Near 100% on either side says which one was the limit (a Python process uses at most one core)."""
    server_after, clients_after = live.cpu()
    busiest = max((after - was for after, was in zip(clients_after, before[1], strict=True)), default=0.0)
    return {"server_cpu_pct": round((server_after - before[0]) / seconds * 100),
            "client_cpu_pct_max": round(busiest / seconds * 100), "load_avg": round(os.getloadavg()[0], 1)}


# -- The three tests ----------------------------------------------------------------------------------

def latency(live: Live, awards: int, interval: float) -> dict:
    kb_per_socket = live.kb_per_socket()
    before, started = live.cpu(), time.time()
    sent, _answered = post_awards(live, awards, interval)
    time.sleep(2.0)
    load = _load(live, before, time.time() - started)
    flat = [value for values in _latencies(sent, live.collect(), bounded=True) for value in values]
    return {"mode": live.mode, "clients": live.connected, "awards": awards, **_summary(flat),
            "delivered": len(flat), "expected": awards * live.connected, "kb_per_socket": kb_per_socket, **load}


def sustained(live: Live, rate: float, seconds: float) -> dict:
    count = max(10, int(rate * seconds))
    before, started = live.cpu(), time.time()
    sent, answered = post_awards(live, count, 1.0 / rate, posters=8)
    posted_in = sent[-1] - sent[0]
    time.sleep(3.0)
    load = _load(live, before, time.time() - started)
    arrivals = live.collect()
    per_award = _latencies(sent, arrivals, bounded=False)
    tenth = max(1, count // 10)
    first = [value for values in per_award[:tenth] for value in values]
    last = [value for values in per_award[-tenth:] for value in values]
    # A backlog shows as hints still arriving long after the last award was answered.
    drain = max((max(heard) for heard in arrivals if heard), default=answered[-1]) - answered[-1]
    covered = sum(len(values) for values in per_award)
    achieved = (count - 1) / posted_in if posted_in else 0.0
    first_p95, last_p95 = (_percentile(first, 95) if first else None), (_percentile(last, 95) if last else None)
    keeps_up = bool(achieved >= 0.9 * rate and last_p95 is not None and covered == count * live.connected
                    and last_p95 <= 1.5 * first_p95 + 0.1 and drain < 1.0)
    posts = [done - began for began, done in zip(sent, answered, strict=True)]
    return {"mode": live.mode, "clients": live.connected, "awards": count, "awards_per_s": round(achieved, 1),
            "post_p50_ms": _ms(statistics.median(posts)), "post_p95_ms": _ms(_percentile(posts, 95)),
            **_summary([value for values in per_award for value in values]),
            "first_p95_ms": _ms(first_p95) if first_p95 is not None else None,
            "last_p95_ms": _ms(last_p95) if last_p95 is not None else None,
            "drain_ms": _ms(drain), "covered": covered, "expected": count * live.connected,
            "hints_per_client": round(sum(len(heard) for heard in arrivals) / max(len(arrivals), 1)),
            "keeps_up": "yes" if keeps_up else "NO", **load}


def soak(live: Live, minutes: float, sample_every: float = 30.0) -> dict:
    """Awards at ~1/s for `minutes`; memory per socket sampled every `sample_every` s."""
    before, started = live.cpu(), time.time()
    samples = [live.kb_per_socket()]
    sent: list[float] = []
    while (count := int(min(sample_every, started + minutes * 60 - time.time()))) >= 1:
        sent += post_awards(live, count, 1.0)[0]
        samples.append(live.kb_per_socket())
        time.sleep(max(0.0, sent[-1] + 0.95 - time.time()))  # keep ~1 s between batches' awards too
    time.sleep(2.0)
    load = _load(live, before, time.time() - started)
    flat = [value for values in _latencies(sent, live.collect(), bounded=True) for value in values]
    first, last = samples[0], samples[-1]
    # Threads' buffers fill over the first minutes: the second half says whether it has levelled off.
    middle = samples[len(samples) // 2]
    return {"mode": live.mode, "clients": live.connected, "minutes": minutes, "awards": len(sent),
            **_summary(flat), "delivered": len(flat), "expected": len(sent) * live.connected,
            "first_kb_per_socket": first, "last_kb_per_socket": last, "peak_kb_per_socket": max(samples),
            "flat": "yes" if abs(last - first) <= 0.1 * first else "NO",
            "second_half_change_pct": round((last - middle) / middle * 100, 1) if middle else None, **load,
            "samples_kb_per_socket": samples}


# -- Helpers and the command line -----------------------------------------------------------------------

def _percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(percent / 100 * (len(ordered) - 1))))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _fresh_postgres(admin_url: str) -> str:
    import sqlalchemy as sa

    name = f"ascent_bench_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1),
                              isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


TABLES = {  # name: (columns, targets)
    "live_fanout": (["mode", "clients", "awards", "p50_ms", "p95_ms", "max_ms", "delivered", "expected",
                     "kb_per_socket", "server_cpu_pct", "client_cpu_pct_max", "load_avg"],
                    "p95 ≤ 250 ms at 1,000 clients on one process, ≤ 300 ms across two processes through Redis; "
                    "≤ 150 KB per socket"),
    "live_sustained": (["mode", "clients", "awards", "awards_per_s", "post_p50_ms", "post_p95_ms", "p50_ms",
                        "p95_ms", "first_p95_ms", "last_p95_ms", "drain_ms", "covered", "expected", "keeps_up",
                        "server_cpu_pct", "client_cpu_pct_max", "load_avg"],
                       "10 board changes per second sustained without backlog"),
    "live_soak": (["mode", "clients", "minutes", "awards", "p95_ms", "delivered", "expected",
                   "first_kb_per_socket", "last_kb_per_socket", "peak_kb_per_socket", "flat",
                   "second_half_change_pct", "server_cpu_pct", "client_cpu_pct_max"],
                  "≤ 150 KB per socket, flat (within 10%) over a 10-minute soak"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--modes", nargs="+", choices=("single", "two"), default=["single", "two"])
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--awards", type=int, default=20, help="latency test: awards, one per --interval")
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--rate", type=float, default=10.0, help="sustained test: awards per second")
    parser.add_argument("--sustained-seconds", type=float, default=30.0, help="0 skips the sustained test")
    parser.add_argument("--soak-minutes", type=float, default=10.0, help="0 skips the soak")
    parser.add_argument("--soak-sample-seconds", type=float, default=30.0)
    parser.add_argument("--quick", action="store_true", help="smoke run: 20 clients, one process, seconds")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.clients, arguments.modes, arguments.awards = [20], ["single"], 5
        arguments.sustained_seconds, arguments.soak_minutes, arguments.soak_sample_seconds = 3.0, 0.2, 4.0
    raise_open_files_limit()
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    for mode in arguments.modes:
        for clients in arguments.clients:
            largest = clients == max(arguments.clients)
            with connected(mode, clients, arguments.client_processes) as live:
                tables["live_fanout"].append(latency(live, arguments.awards, arguments.interval))
                print(tables["live_fanout"][-1], flush=True)
                if largest and arguments.sustained_seconds > 0:
                    tables["live_sustained"].append(sustained(live, arguments.rate, arguments.sustained_seconds))
                    print(tables["live_sustained"][-1], flush=True)
                if largest and arguments.soak_minutes > 0:
                    tables["live_soak"].append(soak(live, arguments.soak_minutes, arguments.soak_sample_seconds))
                    print(tables["live_soak"][-1], flush=True)
            for name, rows in tables.items():  # after each run: a crash later keeps what was measured
                if rows:
                    write_results(name, rows, TABLES[name][0], targets=TABLES[name][1])
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()

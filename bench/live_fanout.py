"""Award-to-screen latency: how long after an award is posted do N connected Socket.IO clients hear
"board-changed"? Run as production runs: gunicorn (threads) on loopback, one process or two processes
with Redis as message queue; the clients are python-socketio asyncio clients in separate processes.

    .venv/bin/python -m bench.live_fanout                    # 1, 100, 1000 clients; one and two processes
    .venv/bin/python -m bench.live_fanout --clients 100 --modes single --awards 10

Prints p50/p95/max per run and the server's memory per connected socket; writes
bench/results/live_fanout.json and .md. Needs Redis on 127.0.0.1:6379 for the two-process mode."""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import requests

from bench.harness import gunicorn
from bench.report import machine, write_results

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "bench-secret-key-not-for-production"
CLIENT_PROCESSES = 4


# -- Seeding ------------------------------------------------------------------------------------------

def seed(database_url: str, instance: str, people: int) -> tuple[list[str], str, str]:
    """A store with `people` associates; returns (their session cookies, an API token, an employee number)."""
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
        db.session.commit()
        db.engine.dispose()
    return cookies, secret, awarded


# -- Clients (separate processes) -----------------------------------------------------------------------

def _client_process(urls: list[str], cookies: list[str], ready, results, stop) -> None:
    asyncio.run(_clients(urls, cookies, ready, results, stop))


async def _clients(urls: list[str], cookies: list[str], ready, results, stop) -> None:
    import socketio

    clients, arrivals = [], []
    for index, cookie in enumerate(cookies):
        heard: list[float] = []
        client = socketio.AsyncClient(reconnection=False)
        client.on("board-changed", lambda _data=None, heard=heard: heard.append(time.time()))
        await client.connect(urls[index % len(urls)], headers={"Cookie": cookie}, transports=["websocket"],
                             wait_timeout=30)
        clients.append(client)
        arrivals.append(heard)
        if index % 50 == 49:
            await asyncio.sleep(0.05)  # don't stampede the accept queue
    ready.put(len(clients))
    while not stop.is_set():
        await asyncio.sleep(0.1)
    results.put(arrivals)
    for client in clients:
        await client.disconnect()


# -- One run ------------------------------------------------------------------------------------------

def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def _server_pids(port_urls: list[str]) -> list[int]:
    """gunicorn worker pids of the servers listening on these URLs (children of their masters)."""
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


def run(mode: str, clients: int, awards: int, interval: float) -> dict:
    workdir = tempfile.mkdtemp(prefix="ascent-bench-")
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir}/bench.db"
    if database_url.startswith("postgresql"):
        database_url = _fresh_postgres(database_url)
    cookies, token, awarded = seed(database_url, workdir, clients)
    environment = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "ASCENT_INSTANCE_PATH": workdir,
                   "JOBS_IMMEDIATE": "1", "SOCKETIO_CHANNEL": f"bench-{uuid.uuid4().hex[:8]}"}
    if mode == "two":
        environment["REDIS_URL"] = REDIS_URL
    processes = 2 if mode == "two" else 1
    # Threading mode holds one thread per open websocket: give each process room for its share.
    threads = clients // processes + 50
    with ExitStack() as stack:
        urls = [stack.enter_context(gunicorn(environment, threads=threads, log=Path(workdir) / f"server{n}.log"))
                for n in range(processes)]
        award_url = urls[0]
        socket_urls = urls[1:] if mode == "two" else urls  # across processes: award on one, listen on other
        pids = _server_pids(socket_urls)
        rss_before = sum(_rss_kb(pid) for pid in pids)

        context = multiprocessing.get_context("spawn")
        ready, results, stop = context.Queue(), context.Queue(), context.Event()
        shares = [cookies[n::CLIENT_PROCESSES] for n in range(CLIENT_PROCESSES)]
        workers = [context.Process(target=_client_process, args=(socket_urls, share, ready, results, stop))
                   for share in shares if share]
        for worker in workers:
            worker.start()
        connected = sum(ready.get(timeout=300) for _ in workers)
        time.sleep(1.0)
        rss_after = sum(_rss_kb(pid) for pid in pids)

        sent = []
        with requests.Session() as http:
            for _award in range(awards):
                started = time.time()
                response = http.post(f"{award_url}/api/v1/awards", json={
                    "employee_number": awarded, "points": 1, "reason": "Bench award", "source": "bench"},
                    headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"bench-{uuid.uuid4().hex}"},
                    timeout=30)
                response.raise_for_status()
                sent.append(started)
                time.sleep(max(0.0, interval - (time.time() - started)))
        time.sleep(2.0)
        stop.set()
        arrivals = [heard for _ in workers for heard in results.get(timeout=120)]
        for worker in workers:
            worker.join(timeout=30)
    latencies = _latencies(sent, arrivals)
    return {
        "mode": "one process" if mode == "single" else "two processes + Redis",
        "clients": connected, "awards": awards,
        "p50_ms": _ms(statistics.median(latencies)) if latencies else None,
        "p95_ms": _ms(_percentile(latencies, 95)) if latencies else None,
        "max_ms": _ms(max(latencies)) if latencies else None,
        "delivered": len(latencies), "expected": awards * connected,
        "kb_per_socket": round((rss_after - rss_before) / max(connected, 1), 1),
    }


def _latencies(sent: list[float], arrivals: list[list[float]]) -> list[float]:
    """For each client and award: the first hint heard after the award was posted and before the next
    one (a client hears one per room it is in: store, district, company)."""
    latencies = []
    bounds = sent[1:] + [float("inf")]
    for heard in arrivals:
        for started, until in zip(sent, bounds, strict=True):
            first = next((at for at in heard if started <= at < until), None)
            if first is not None:
                latencies.append(first - started)
    return latencies


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--modes", nargs="+", choices=("single", "two"), default=["single", "two"])
    parser.add_argument("--awards", type=int, default=20)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between awards")
    arguments = parser.parse_args()
    rows = []
    for mode in arguments.modes:
        for clients in arguments.clients:
            row = run(mode, clients, arguments.awards, arguments.interval)
            print(f"{row['mode']:>22} {row['clients']:>5} clients: p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms"
                  f"  max {row['max_ms']} ms  delivered {row['delivered']}/{row['expected']}"
                  f"  {row['kb_per_socket']} KB/socket", flush=True)
            rows.append(row)
    columns = ["mode", "clients", "awards", "p50_ms", "p95_ms", "max_ms", "delivered", "expected", "kb_per_socket"]
    write_results("live_fanout", rows, columns, targets="p95 ≤ 250 ms at 1,000 clients on one process, "
                  "≤ 300 ms across two processes through Redis; ≤ 150 KB per socket")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()

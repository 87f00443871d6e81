"""Login cost: one argon2id verify (what a sign-in pays), and what the concurrency cap does to a burst of
sign-ins (each waits for a slot instead of all of them thrashing CPU and memory at once).

    .venv/bin/python -m bench.login            # writes bench/results/login.json and .md"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

from app.auth import passwords
from bench.live_fanout import _percentile
from bench.report import machine, write_results


def single_verifies(count: int) -> list[float]:
    stored = passwords.hash_password("correct horse battery")
    timings = []
    for _attempt in range(count):
        started = time.perf_counter()
        assert passwords.verify_password(stored, "correct horse battery")
        timings.append(time.perf_counter() - started)
    return timings


def burst(cap: int, attempts: int) -> dict:
    """`attempts` sign-ins arriving at once with `cap` verifies allowed to run together."""
    passwords.set_concurrency(cap)
    stored = passwords.hash_password("correct horse battery")
    waits: list[float] = []
    lock = threading.Lock()

    def sign_in() -> None:
        started = time.perf_counter()
        passwords.verify_password(stored, "correct horse battery")
        with lock:
            waits.append(time.perf_counter() - started)

    threads = [threading.Thread(target=sign_in) for _ in range(attempts)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"case": f"burst of {attempts}, cap {cap}", "verifies_per_s": round(attempts / elapsed, 1),
            "p50_ms": round(statistics.median(waits) * 1000, 1), "p95_ms": round(_percentile(waits, 95) * 1000, 1),
            "max_ms": round(max(waits) * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verifies", type=int, default=30)
    parser.add_argument("--burst", type=int, default=20)
    arguments = parser.parse_args()
    timings = single_verifies(arguments.verifies)
    rows = [{"case": "one verify at a time", "verifies_per_s": round(len(timings) / sum(timings), 1),
             "p50_ms": round(statistics.median(timings) * 1000, 1),
             "p95_ms": round(_percentile(timings, 95) * 1000, 1), "max_ms": round(max(timings) * 1000, 1)}]
    for cap in (1, 2, 4):
        rows.append(burst(cap, arguments.burst))
    write_results("login", rows, ["case", "verifies_per_s", "p50_ms", "p95_ms", "max_ms"],
                  targets="≤ 100 ms per verify; the cap (PASSWORD_HASH_CONCURRENCY, default 2) bounds CPU and "
                          "memory: 64 MiB per running verify")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()

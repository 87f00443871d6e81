"""Login cost: one argon2id verify (what a sign-in pays), and what the concurrency cap does to a burst of
sign-ins (each waits for a slot instead of all of them thrashing CPU and memory at once).

    .venv/bin/python -m bench.login            # writes bench/results/login.json and .md
    .venv/bin/python -m bench.login --quick    # a smoke run

Per row: the verify itself ("verify", time inside argon2) and what a sign-in waits in all ("wait + verify",
slot included), and the most verifies seen running at once: it must never exceed the cap."""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time

from app.auth import passwords
from bench.report import machine, write_results

PASSWORD = "correct horse battery"


class RunningCounter:
    """Wraps the app's argon2 hasher: times each verify and records how many run at the same moment."""

    def __init__(self, hasher):
        self._hasher = hasher
        self._lock = threading.Lock()
        self.running = 0
        self.peak = 0
        self.verify_times: list[float] = []

    def verify(self, stored: str, password: str) -> bool:
        with self._lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        started = time.perf_counter()
        try:
            return self._hasher.verify(stored, password)
        finally:
            elapsed = time.perf_counter() - started
            with self._lock:
                self.running -= 1
                self.verify_times.append(elapsed)

    def __getattr__(self, name):
        return getattr(self._hasher, name)


def _measure(cap: int, attempts: int, at_once: bool) -> dict:
    """`attempts` sign-ins through passwords.verify_password with `cap` slots: one after another, or all
    arriving together (a shift starting, a store's tablets signing in)."""
    passwords.set_concurrency(cap)
    stored = passwords.hash_password(PASSWORD)
    counter = RunningCounter(passwords._hasher)
    passwords._hasher = counter
    waits: list[float] = []
    lock = threading.Lock()

    def sign_in() -> None:
        started = time.perf_counter()
        assert passwords.verify_password(stored, PASSWORD)
        with lock:
            waits.append(time.perf_counter() - started)

    started, cpu_before = time.perf_counter(), time.process_time()
    try:
        if at_once:
            threads = [threading.Thread(target=sign_in) for _ in range(attempts)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        else:
            for _attempt in range(attempts):
                sign_in()
    finally:
        passwords._hasher = counter._hasher
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    case = f"burst of {attempts}" if at_once else "one at a time"
    return {"case": case, "cap": cap, "verifies_per_s": round(attempts / elapsed, 1),
            "verify_p50_ms": _ms(statistics.median(counter.verify_times)),
            "verify_p95_ms": _ms(_percentile(counter.verify_times, 95)),
            "total_p50_ms": _ms(statistics.median(waits)), "total_p95_ms": _ms(_percentile(waits, 95)),
            "total_max_ms": _ms(max(waits)), "most_at_once": counter.peak,
            # CPU, unlike wall time, hardly moves when other work shares the cores.
            "cpu_ms_per_verify": _ms(cpu / attempts)}


def _percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(percent / 100 * (len(ordered) - 1))))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def configured_cap() -> int:
    """What the app uses: PASSWORD_HASH_CONCURRENCY (app/config.py, default 2)."""
    return int(os.environ.get("PASSWORD_HASH_CONCURRENCY", "2"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verifies", type=int, default=30)
    parser.add_argument("--burst", type=int, default=20)
    parser.add_argument("--caps", type=int, nargs="+", default=None,
                        help="caps to compare under the burst (default: 1, the configured cap, 4)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 5 verifies, a burst of 6")
    arguments = parser.parse_args()
    verifies, attempts = (5, 6) if arguments.quick else (arguments.verifies, arguments.burst)
    cap = configured_cap()
    caps = arguments.caps or sorted({1, cap, 4})
    rows = [_measure(cap, verifies, at_once=False)]
    rows += [_measure(each, attempts, at_once=True) for each in caps]
    for row in rows:
        if row["most_at_once"] > row["cap"]:
            raise SystemExit(f"the cap did not hold: {row}")
    write_results("login", rows, ["case", "cap", "verifies_per_s", "verify_p50_ms", "verify_p95_ms",
                                  "total_p50_ms", "total_p95_ms", "total_max_ms", "most_at_once",
                                  "cpu_ms_per_verify"],
                  targets=f"≤ 100 ms per verify; at most the cap (PASSWORD_HASH_CONCURRENCY, configured "
                          f"{cap}) verifies at once: each holds 64 MiB of argon2 memory")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()

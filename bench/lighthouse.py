"""Lighthouse on the staff home page: performance, accessibility and best-practices scores (median of
several runs) with the metrics behind the performance score, on the mobile preset (Lighthouse's default:
a mid-range phone on a throttled 4G connection, simulated) and the desktop preset.

The app is served as in production (gunicorn, see bench/harness.py) from a fresh SQLite file holding the
demo chain that `make run` loads (`flask demo`), and Lighthouse opens /home as staff@demo.ascent: the
session cookie travels in --extra-headers.

    .venv/bin/python -m bench.lighthouse              # 3 runs per preset: bench/results/lighthouse.json and .md
    .venv/bin/python -m bench.lighthouse --quick      # 1 run, mobile only (a smoke run)

Needs `npm install` (lighthouse 12.2.3, package.json) and Debian's chromium at /usr/bin/chromium."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import requests

from bench.harness import PROJECT_ROOT, cookie_header, gunicorn, signed_in_session
from bench.report import machine, write_results

LIGHTHOUSE = PROJECT_ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
FLASK = str(Path(sys.executable).with_name("flask"))
DEMO_PASSWORD = "ascent-demo"  # app.org.demo.DEMO_PASSWORD
CATEGORIES = ("performance", "accessibility", "best-practices")
# audit id -> (column, unit): the metrics the performance score is made of, as the issue asks.
METRICS = {
    "first-contentful-paint": ("fcp_ms", "ms"),
    "largest-contentful-paint": ("lcp_ms", "ms"),
    "total-blocking-time": ("tbt_ms", "ms"),
    "cumulative-layout-shift": ("cls", ""),
    "speed-index": ("speed_index_ms", "ms"),
}
TARGETS = {"performance": 90, "accessibility": 95, "best-practices": 95}


def demo_environment(directory: Path) -> dict[str, str]:
    """Settings for a throw-away installation in `directory`: its own SQLite files and secret, no Redis,
    and a login limit a benchmark (or a test signing in as five roles) will not hit."""
    return {
        "DATABASE_URL": f"sqlite:///{directory / 'ascent.db'}",
        "JOBS_SQLITE_PATH": str(directory / "ascent-jobs.db"),
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "REDIS_URL": "",
        "JOBS_REDIS_URL": "",
        "SOCKETIO_CHANNEL": f"ascent-bench-{uuid.uuid4().hex}",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "FLASK_DEBUG": "0",
    }


def load_demo(environment: dict[str, str]) -> float:
    """Migrate and load the demo chain with the real commands, as `make run` does. Returns the seconds
    it took (about a minute: the 90 days of points history are most of it)."""
    started = time.perf_counter()
    env = {**os.environ, **environment}
    for command in (["db", "upgrade"], ["demo"]):
        completed = subprocess.run([FLASK, "--app", "wsgi", *command], cwd=PROJECT_ROOT, env=env,
                                   capture_output=True, text=True)
        if completed.returncode != 0:
            raise RuntimeError(f"`flask {' '.join(command)}` failed:\n{completed.stderr[-3000:]}")
    return time.perf_counter() - started


@contextlib.contextmanager
def demo_server(directory: Path, *, threads: int = 8) -> Iterator[str]:
    """The demo chain served by gunicorn from `directory`; yields the base URL."""
    environment = demo_environment(directory)
    load_demo(environment)
    with gunicorn(environment, threads=threads, log=directory / "gunicorn.log") as base_url:
        yield base_url


def claim_celebrations(session: requests.Session, base_url: str) -> None:
    """Sara's first visit celebrates her latest badge: the page claims it with an htmx POST after load and
    the card pushes the page down (a one-off layout shift). Claim it first, as her first visit would, so
    every run measures the everyday home page."""
    page = session.get(f"{base_url}/home", timeout=30)
    page.raise_for_status()
    token = re.search(r'X-CSRFToken(?:"|&#34;): (?:"|&#34;)([^"&]+)', page.text)  # hx-headers on <body>
    if token is None:
        raise RuntimeError("no CSRF token in the home page's hx-headers")
    session.post(f"{base_url}/journey/celebrations", headers={"X-CSRFToken": token.group(1), "HX-Request": "true"},
                 timeout=30).raise_for_status()


def run_lighthouse(url: str, cookie: str, preset: str, output: Path) -> dict:
    """One Lighthouse run; returns its JSON report (lhr)."""
    command = [str(LIGHTHOUSE), url, f"--chrome-path={CHROMIUM}",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
               f"--only-categories={','.join(CATEGORIES)}", "--output=json", f"--output-path={output}",
               f"--extra-headers={json.dumps({'Cookie': cookie})}", "--quiet"]
    if preset == "desktop":
        command.append("--preset=desktop")  # mobile is Lighthouse's default (there is no "mobile" preset)
    completed = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    if completed.returncode != 0 or not output.exists():
        raise RuntimeError(f"lighthouse failed ({completed.returncode}):\n{completed.stderr[-2000:]}")
    report = json.loads(output.read_text())
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse could not load {url}: {report['runtimeError']}")
    if not report["finalDisplayedUrl"].endswith("/home"):
        raise RuntimeError(f"lighthouse ended on {report['finalDisplayedUrl']}: the session cookie was refused")
    return report


def summarise(report: dict) -> dict:
    row = {category: round(report["categories"][category]["score"] * 100) for category in CATEGORIES}
    for audit, (column, unit) in METRICS.items():
        value = report["audits"][audit]["numericValue"]
        row[column] = round(value) if unit == "ms" else round(value, 3)
    return row


def failing_audits(report: dict) -> list[str]:
    """Audits that cost points, for the console: what to fix next."""
    lines = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 0.9:
                lines.append(f"  {category}: {audit['id']} ({audit['score']}): {audit['title']}")
    return lines


def median_row(preset: str, runs: list[dict]) -> dict:
    row = {"preset": preset, "runs": len(runs)}
    for column in runs[0]:
        values = [run[column] for run in runs]
        middle = statistics.median(values)
        row[column] = round(middle, 3) if isinstance(values[0], float) else round(middle)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per preset; the median is reported")
    parser.add_argument("--presets", default="mobile,desktop", help="comma-separated: mobile, desktop")
    parser.add_argument("--quick", action="store_true", help="one mobile run (a smoke run)")
    arguments = parser.parse_args()
    runs, presets = arguments.runs, arguments.presets.split(",")
    if arguments.quick:
        runs, presets = 1, ["mobile"]
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `npm install --no-audit --no-fund`")

    with tempfile.TemporaryDirectory(prefix="ascent-lighthouse-") as temporary:
        directory = Path(temporary)
        print("loading the demo chain (about a minute) ...", flush=True)
        with demo_server(directory) as base_url:
            session = signed_in_session(base_url, "staff@demo.ascent", DEMO_PASSWORD)
            claim_celebrations(session, base_url)
            cookie = cookie_header(session)
            rows = []
            for preset in presets:
                results = []
                for run in range(runs):
                    report = run_lighthouse(f"{base_url}/home", cookie, preset, directory / f"{preset}-{run}.json")
                    results.append(summarise(report))
                    print(f"{preset} run {run + 1}: {results[-1]}", flush=True)
                    if run == 0:
                        print("\n".join(failing_audits(report)) or "  (no failing audits)", flush=True)
                rows.append(median_row(preset, results))
    columns = ["preset", "runs", *CATEGORIES, *(column for column, _unit in METRICS.values())]
    write_results("lighthouse", rows, columns,
                  targets="median of 3 runs per preset: performance ≥ 90, accessibility ≥ 95, "
                          "best practices ≥ 95 (Lighthouse 12.2.3, /home as staff@demo.ascent)")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()

"""Real server processes for benchmarks and multi-process tests: gunicorn as production runs it
(README: one worker per process, threads), signing in over HTTP, and Socket.IO clients holding that
session. Nothing here is imported by the app."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(base_url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server at {base_url} exited with {process.returncode}")
        try:
            if requests.get(f"{base_url}/login", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server at {base_url} did not answer within {timeout:.0f} s")


@contextlib.contextmanager
def gunicorn(environment: dict[str, str], *, threads: int = 100, workers: int = 1, log: Path | None = None,
             worker_class: str | None = None, start_timeout: float = 30.0) -> Iterator[str]:
    """Serve wsgi:app on a free loopback port; yields the base URL. `environment` is added to ours.
    `start_timeout`: seconds to wait for the first answer (more on a machine shared with busy neighbours)."""
    port = free_port()
    # gunicorn's gthread worker accepts at most --worker-connections (default 1,000) at once: each open
    # websocket is one, so 1,000 sockets plus the award requests need more.
    command = [GUNICORN, "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{port}",
               "--worker-connections", str(max(1000, threads * 2)),
               "--graceful-timeout", "5", "--log-level", "warning"]
    if worker_class:
        command += ["-k", worker_class]
    command.append("wsgi:app")
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115  (closed below)
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env={**os.environ, **environment},
                               stdout=output, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base_url, process, start_timeout)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            output.close()


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def signed_in_session(base_url: str, identifier: str, password: str) -> requests.Session:
    """A requests session signed in through the real login form (CSRF token included)."""
    session = requests.Session()
    page = session.get(f"{base_url}/login", timeout=10)
    token = _CSRF.search(page.text)
    if token is None:
        raise RuntimeError("no CSRF token on the login page")
    response = session.post(f"{base_url}/login", data={"identifier": identifier, "password": password,
                                                        "csrf_token": token.group(1)},
                            allow_redirects=False, timeout=30)
    if response.status_code not in (302, 303):
        raise RuntimeError(f"signing in as {identifier} failed: {response.status_code}")
    return session


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{name}={value}" for name, value in session.cookies.items())

"""Web push throughput: encrypted, VAPID-signed pushes per second through the app's own sender
(app.push.sender.send, what the push job calls per device) to a local push service, with 32 senders.

The push service is a threaded http.server in a separate process (so its CPU is not billed to the
sender): it refuses a POST without a VAPID Authorization header or with another Content-Encoding than
aes128gcm, answers 404/410 for "gone" subscriptions, decrypts a sample with the subscription's private
key (http_ece) and checks the payload arrived intact, and answers 201.

    .venv/bin/python -m bench.push_throughput                 # 1 and 32 senders, 1,000 pushes each
    .venv/bin/python -m bench.push_throughput --quick         # a smoke run (200 pushes)

Writes bench/results/push_throughput.json and .md."""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import queue
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.report import machine, write_results

GONE_PREFIX = "/push/gone-"


# -- Subscriptions (the browsers' side) -------------------------------------------------------------

@dataclass
class FakeBrowser:
    """One subscribed device: a P-256 key pair and a 16-byte auth secret, as the Push API makes them."""
    path: str
    private_pem: bytes
    auth_secret: bytes
    public_b64: str = ""

    @classmethod
    def make(cls, path: str) -> FakeBrowser:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        public = key.public_key().public_bytes(serialization.Encoding.X962,
                                               serialization.PublicFormat.UncompressedPoint)
        return cls(path, pem, os.urandom(16), _b64url(public))

    def info(self, base_url: str) -> dict:
        return {"endpoint": f"{base_url}{self.path}",
                "keys": {"p256dh": self.public_b64, "auth": _b64url(self.auth_secret)}}


def _b64url(raw: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def payload_for(path: str, number: int) -> dict:
    """A notification-sized payload whose `check` ties its text to the device it was meant for."""
    body = f"Message {number}: you earned a badge. Open Ascent to see where you stand this week."
    return {"title": "New badge: Team player", "body": body, "url": f"/notifications/{number}", "tag": path,
            "check": _check(path, body)}


def _check(path: str, body: str) -> str:
    return hashlib.sha256(f"{path}|{body}".encode()).hexdigest()[:16]


# -- The push service (a separate process) ------------------------------------------------------------

def _serve(browsers: dict[str, tuple[bytes, bytes]], decrypt_every: int, port_box, stop, stats_box) -> None:
    import http_ece
    from cryptography.hazmat.primitives import serialization
    from py_vapid import Vapid02

    keys = {path: (serialization.load_pem_private_key(pem, None), secret) for path, (pem, secret) in
            browsers.items()}
    lock = threading.Lock()
    stats = {"received": 0, "no_vapid": 0, "wrong_encoding": 0, "gone": 0, "decrypted": 0, "intact": 0,
             "corrupt": 0, "bad_signature": 0}

    def count(name: str) -> int:
        with lock:
            stats[name] += 1
            return stats[name]

    def examine(path: str, headers, body: bytes) -> int:
        """The status a push service would answer, checking what it can."""
        number = count("received")
        authorization = headers.get("Authorization", "")
        if not authorization.startswith("vapid t=") or ",k=" not in authorization.replace(", ", ","):
            count("no_vapid")
            return 401
        if headers.get("Content-Encoding") != "aes128gcm":
            count("wrong_encoding")
            return 415
        if path.startswith(GONE_PREFIX):
            count("gone")
            return 404 if number % 2 else 410
        if path not in keys or number % decrypt_every:
            return 201
        private_key, secret = keys[path]
        count("decrypted")
        try:
            payload = json.loads(http_ece.decrypt(body, private_key=private_key, auth_secret=secret,
                                                  version="aes128gcm"))
        except Exception:  # noqa: BLE001  (any failure to decrypt is what we are counting)
            count("corrupt")
            return 400
        if payload.get("tag") != path or payload.get("check") != _check(path, payload.get("body", "")):
            count("corrupt")
            return 400
        if not Vapid02.verify(authorization):
            count("bad_signature")
            return 403
        count("intact")
        return 201

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the senders reuse their connections, as with FCM

        def do_POST(self):  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = examine(self.path, self.headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cpu_before = time.process_time()  # after imports and key loading: only serving is billed
    port_box.put(server.server_address[1])
    stop.wait()
    server.shutdown()
    stats["cpu_s"] = time.process_time() - cpu_before
    stats_box.put(stats)


class PushService:
    """The receiver process: `with PushService(browsers, decrypt_every) as service:` then service.url."""

    def __init__(self, browsers: list[FakeBrowser], decrypt_every: int):
        context = multiprocessing.get_context("spawn")
        self._port, self._stats, self._stop = context.Queue(), context.Queue(), context.Event()
        keys = {browser.path: (browser.private_pem, browser.auth_secret) for browser in browsers}
        self._process = context.Process(target=_serve, args=(keys, decrypt_every, self._port, self._stop,
                                                             self._stats), daemon=True)
        self.url = ""
        self.stats: dict = {}

    def __enter__(self) -> PushService:
        self._process.start()
        self.url = f"http://127.0.0.1:{self._port.get(timeout=60)}"
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        try:
            self.stats = self._stats.get(timeout=30)
        finally:
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.kill()


# -- Sending through the app ---------------------------------------------------------------------------

@dataclass
class SendLog:
    latencies: list[float] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    gone_misread: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _sender_thread(app, work: queue.Queue, log: SendLog) -> None:
    from app.push import sender

    with app.app_context():
        while True:
            try:
                info, payload, gone = work.get_nowait()
            except queue.Empty:
                return
            started = time.perf_counter()
            result = sender.send(info, payload)
            elapsed = time.perf_counter() - started
            expected = sender.Outcome.GONE if gone else sender.Outcome.DELIVERED
            with log.lock:
                log.latencies.append(elapsed)
                log.outcomes[result.outcome] = log.outcomes.get(result.outcome, 0) + 1
                if result.outcome != expected:
                    log.errors.append(f"{info['endpoint']}: {result.outcome} {result.status} {result.detail}")


def bench_app(workdir: str):
    """An app configured like production's job worker, its VAPID key in a throwaway folder."""
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/bench.db", "SECRET_KEY": "bench-push",
                       "REDIS_URL": None, "JOBS_IMMEDIATE": True,
                       # The local receiver stands in for the push service; the sender refuses other hosts.
                       "PUSH_SERVICE_HOSTS": "127.0.0.1",
                       "VAPID_PRIVATE_KEY_FILE": f"{workdir}/vapid_private.pem"})


def run(*, messages: int, senders: int, subscriptions: int = 100, gone: int = 10, decrypt_every: int = 25,
        app=None) -> dict:
    """Send `messages` pushes spread over `subscriptions` devices (plus one to each of `gone` devices whose
    service answers 404/410) with `senders` threads calling the app's sender. Returns the figures."""
    app = app or bench_app(tempfile.mkdtemp(prefix="ascent-push-"))
    browsers = [FakeBrowser.make(f"/push/device-{n}") for n in range(subscriptions)]
    gone_browsers = [FakeBrowser.make(f"{GONE_PREFIX}{n}") for n in range(gone)]
    with app.app_context():
        from app.push.vapid import signing_key

        signing_key()  # made and loaded once, as a long-running worker has it
    log = SendLog()
    with PushService(browsers, decrypt_every) as service:
        work: queue.Queue = queue.Queue()
        for number in range(messages):
            browser = browsers[number % len(browsers)]
            work.put((browser.info(service.url), payload_for(browser.path, number), False))
        for number, browser in enumerate(gone_browsers):
            work.put((browser.info(service.url), payload_for(browser.path, number), True))
        total = work.qsize()
        threads = [threading.Thread(target=_sender_thread, args=(app, work, log)) for _ in range(senders)]
        cpu_before, wall_before = time.process_time(), time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        cpu = time.process_time() - cpu_before
        wall = time.perf_counter() - wall_before
    received = service.stats
    return {
        "senders": senders, "messages": total,
        "pushes_per_s": round(total / wall, 1),
        "p50_ms": round(statistics.median(log.latencies) * 1000, 1),
        "p95_ms": round(_percentile(log.latencies, 95) * 1000, 1),
        "max_ms": round(max(log.latencies) * 1000, 1),
        "cpu_ms_per_push": round(cpu / total * 1000, 2),
        "receiver_cpu_ms_per_push": round(received["cpu_s"] / total * 1000, 2),
        "delivered": log.outcomes.get("delivered", 0), "gone_404_410": log.outcomes.get("gone", 0),
        "errors": len(log.errors), "received": received["received"],
        "decrypted": received["decrypted"], "intact": received["intact"],
        "refused": received["no_vapid"] + received["wrong_encoding"] + received["corrupt"]
        + received["bad_signature"],
        "error_samples": log.errors[:5],
    }


def _percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(percent / 100 * (len(ordered) - 1))))]


COLUMNS = ["senders", "messages", "pushes_per_s", "p50_ms", "p95_ms", "max_ms", "cpu_ms_per_push",
           "receiver_cpu_ms_per_push", "delivered", "gone_404_410", "errors", "decrypted", "intact"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--senders", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--subscriptions", type=int, default=100)
    parser.add_argument("--gone", type=int, default=10, help="devices whose push service answers 404/410")
    parser.add_argument("--decrypt-every", type=int, default=25, help="the receiver decrypts every Nth push")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 200 pushes")
    arguments = parser.parse_args()
    messages = 200 if arguments.quick else arguments.messages
    app = bench_app(tempfile.mkdtemp(prefix="ascent-push-"))
    rows = []
    for senders in arguments.senders:
        row = run(messages=messages, senders=senders, subscriptions=arguments.subscriptions,
                  gone=arguments.gone, decrypt_every=arguments.decrypt_every, app=app)
        print(f"{senders:>3} senders: {row['pushes_per_s']} pushes/s  p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms"
              f"  {row['cpu_ms_per_push']} ms CPU/push  errors {row['errors']}  intact {row['intact']}/"
              f"{row['decrypted']}", flush=True)
        for sample in row.pop("error_samples"):
            print(f"    {sample}")
        rows.append(row)
    write_results("push_throughput", rows, COLUMNS,
                  targets="≥ 100 pushes/s with 32 senders (issue 8); CPU per push is the sending process's "
                          "process_time / pushes (encryption, VAPID signing, HTTP)")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()

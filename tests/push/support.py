"""What the push tests stand on: a browser's keys made by the test, and a push service played by a
local HTTP receiver (http.server in a thread on 127.0.0.1) that records what arrives."""

import base64
import json
import os
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Browser:
    """One browser's push keys: a P-256 key pair and a 16-byte auth secret, as the Push API makes them."""

    def __init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)

    def subscription(self, endpoint: str) -> dict:
        public = self.private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                            serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": endpoint, "expirationTime": None,
                "keys": {"p256dh": b64url(public), "auth": b64url(self.auth_secret)}}

    def decrypt(self, body: bytes) -> dict:
        plain = http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth_secret,
                                 version="aes128gcm")
        return json.loads(plain)


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


class PushReceiver:
    """Answers each POST with the next queued status (201 once the queue is empty)."""

    def __init__(self):
        self.received: list[Received] = []
        self.statuses: deque[int] = deque()
        self.default_status = 201
        self.delay = 0.0
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if receiver.delay:
                    time.sleep(receiver.delay)
                status = receiver.statuses.popleft() if receiver.statuses else receiver.default_status
                with receiver._arrived:
                    headers = {key.lower(): value for key, value in self.headers.items()}
                    receiver.received.append(Received(self.path, headers, body))
                    receiver._arrived.notify_all()
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting (timeout tests)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="push-receiver", daemon=True)

    def start(self) -> "PushReceiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def url(self, path: str = "/push/device-1") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def respond_with(self, *statuses: int) -> None:
        self.statuses.extend(statuses)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._arrived.wait(left)
        return list(self.received)

    def to(self, path: str) -> list[Received]:
        return [request for request in self.received if request.path == path]


ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/130.0.0.0 Mobile Safari/537.36")


def subscribe(person, browser: Browser, receiver: PushReceiver, path: str = "/push/device-1"):
    """A stored subscription of `person` pointing at the receiver (committed)."""
    from app.extensions import db
    from app.push import services

    subscription = services.subscribe(person, browser.subscription(receiver.url(path)), ANDROID_CHROME)
    db.session.commit()
    return subscription


def run_due_retries(limit: int = 20) -> int:
    """Run the retries Huey has scheduled, as if their back-off delay had passed (immediate mode keeps
    them in memory). Returns how many ran."""
    import datetime

    from app.extensions import db
    from app.jobs import huey

    db.session.commit()  # the test's own transaction must not hold SQLite's write lock while jobs run
    ran = 0
    far_future = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(days=1)
    while ran < limit:
        due = huey.read_schedule(far_future)
        if not due:
            break
        for task in due:
            task.eta = None  # Huey re-schedules a task whose time hasn't come
            huey.execute(task)
            ran += 1
    return ran

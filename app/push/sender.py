"""One encrypted, VAPID-signed POST to a push service. Only jobs call this (never a request): the
network is slow and sometimes down, and a job can retry.

Outcomes follow the push services' contract: 201 delivered; 404/410 the subscription is gone for good
(delete it); 429 and 5xx, timeouts and connection errors are worth retrying later; any other answer
(400, 403, 413…) would fail the same way again.

Each call concerns one device: whatever goes wrong with one subscription (an endpoint refused, a key
that doesn't encrypt, VAPID refusing to sign for its URL) is that device's outcome, never an exception
that would stop the person's other devices from getting the push."""

import enum
import json
import logging
import threading
from dataclasses import dataclass

import requests
from flask import current_app
from http_ece import ECEException
from py_vapid import VapidException
from pywebpush import WebPushException, webpush

from app.push.endpoints import refusal
from app.push.vapid import signing_key

log = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    DELIVERED = "delivered"
    GONE = "gone"
    RETRY = "retry"
    REJECTED = "rejected"


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    status: int | None = None
    detail: str = ""


class _NoRedirects(requests.Session):
    """A push endpoint never redirects; following one would let a stored URL lead anywhere."""

    def request(self, method, url, *args, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(method, url, *args, **kwargs)


_local = threading.local()


def http_session() -> requests.Session:
    """One session per worker thread, kept open: TLS handshakes with the push service are reused."""
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = _NoRedirects()
    return session


def classify(status: int | None) -> Outcome:
    if status is not None and 200 <= status < 300:
        return Outcome.DELIVERED
    if status in (404, 410):
        return Outcome.GONE
    if status is None or status == 429 or status >= 500:
        return Outcome.RETRY
    return Outcome.REJECTED


# A URL requests can't use won't become usable by waiting: not worth a retry.
_BAD_URL = (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema, requests.exceptions.MissingSchema,
            requests.exceptions.URLRequired)


def send(subscription_info: dict, payload: dict, *, ttl: int | None = None,
         urgency: str = "normal") -> SendResult:
    """Encrypt `payload` (JSON) for one browser and post it. Never raises for the push service's answer,
    nor for anything wrong with this one subscription."""
    # Checked again here, not only when subscribing: rows stored before a rule existed must obey it too.
    # A refused endpoint can never be sent to safely, so it counts as gone and the job deletes it.
    reason = refusal(subscription_info.get("endpoint"))
    if reason is not None:
        log.warning("refusing to push to a stored endpoint (%s): %.100r", reason,
                    subscription_info.get("endpoint"))
        return SendResult(Outcome.GONE, None, f"endpoint refused: {reason}")
    config = current_app.config
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    # A fresh dict each time: pywebpush writes `aud` and `exp` into the claims it is given.
    claims = {"sub": config["VAPID_SUBJECT"]}
    # Outside the try: a key that can't be loaded is the server's fault, for every device alike, and the
    # job must fail loudly (retried, then parked where an admin sees it), not mark devices refused.
    key = signing_key()
    try:
        response = webpush(subscription_info, data, vapid_private_key=key, vapid_claims=claims,
                           timeout=(config["PUSH_CONNECT_TIMEOUT"], config["PUSH_READ_TIMEOUT"]),
                           ttl=config["PUSH_TTL_SECONDS"] if ttl is None else ttl,
                           headers={"Urgency": urgency}, requests_session=http_session())
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        body = error.response.text[:200] if error.response is not None else str(error)[:200]
        return SendResult(classify(status), status, body)
    except _BAD_URL as error:
        return SendResult(Outcome.REJECTED, None, f"{type(error).__name__}: {error}"[:200])
    except requests.RequestException as error:  # timeout, refused, DNS, TLS: the service may come back
        return SendResult(Outcome.RETRY, None, f"{type(error).__name__}: {error}"[:200])
    except (VapidException, ECEException, ValueError, TypeError) as error:  # this device's URL or keys
        return SendResult(Outcome.REJECTED, None, f"{type(error).__name__}: {error}"[:200])
    except Exception as error:  # noqa: BLE001 (one device's failure must not cost the others their push)
        log.exception("push to one device failed unexpectedly")
        return SendResult(Outcome.REJECTED, None, f"{type(error).__name__}: {error}"[:200])
    return SendResult(Outcome.DELIVERED, response.status_code)

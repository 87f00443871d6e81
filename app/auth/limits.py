"""Who a sign-in attempt counts against. Three buckets, because one is never enough:

- the account: guesses at one person's password, from however many addresses. An identifier that finds a
  person counts against that person, whichever of their identifiers it is (e-mail or employee number,
  in any spelling the lookup accepts: "e1001", "ſ1001"), else two identifiers would double the guesses;
  one that finds nobody counts against the value the lookup compares (services.normalise_identifier);
- the device (a random id in the browser's session): one phone mistyping doesn't block its store;
- the address: a store's phones share one public IP, so this limit is a store's worth, not a person's.
  The address is the client's only behind TRUSTED_PROXIES (ProxyFix in create_app); otherwise, behind a
  proxy, every request would come from the proxy and ten typos would lock out the whole company.

Only failed attempts count against the account and the device (`failed`)."""

import secrets

from flask import current_app, request, session
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.auth.services import find_login_account, normalise_identifier

DEVICE_KEY = "device"


def ensure_device_id() -> None:
    """Give this browser its id before its first sign-in attempt (the form's GET)."""
    session.setdefault(DEVICE_KEY, secrets.token_urlsafe(12))


def account_key() -> str:
    identifier = (request.form.get("identifier") or "")[:254]
    person = find_login_account(identifier)
    if person is not None:
        return f"account:person:{person.id}"
    return "account:" + normalise_identifier(identifier)


def device_key() -> str:
    # A client without a session id (a script that ignores cookies) shares its address's device bucket.
    return "device:" + (session.get(DEVICE_KEY) or "ip:" + get_remote_address())


def person_key() -> str:
    """The signed-in person (a password change): one held session can't guess on and on."""
    if current_user.is_authenticated:
        return f"person:{current_user.id}"
    return "ip:" + get_remote_address()


def reset_request_key() -> str:
    """One reset request, whoever tries its code: the 6 digits can't be guessed by trying on and on."""
    return f"reset-approve:{(request.view_args or {}).get('reset_id')}"


def failed(response) -> bool:
    """A redirect means it worked; anything else (a form shown again) was a failure."""
    return response.status_code not in (302, 303)


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def address_limit() -> str:
    return current_app.config["LOGIN_IP_RATE_LIMIT"]


def reset_request_limit() -> str:
    return current_app.config["RESET_REQUEST_RATE_LIMIT"]


def reset_approve_limit() -> str:
    return current_app.config["RESET_APPROVE_RATE_LIMIT"]


def password_change_limit() -> str:
    return current_app.config["PASSWORD_CHANGE_RATE_LIMIT"]

"""Which URLs the server may POST a push to. The browser hands us its push service's URL and the server
later calls it, so a stored endpoint must never lead the server into its own network.

The URL is read with urllib3's parser, the one requests (and so pywebpush) connects with. Checking with
another parser is how `https://127.0.0.1\\@fcm.googleapis.com/` got through: urlsplit saw the Google
host, urllib3 connected to 127.0.0.1. Anything the two could read differently (userinfo, backslashes,
escapes the sender would rewrite) is refused outright, and so is any address written as a number, which
the allow-list of host names can't vouch for."""

import ipaddress
import re
import socket

from flask import current_app
from flask_babel import gettext as _
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from app.core.errors import ServiceError

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
# The push services browsers use today. Only these hosts (and their subdomains) are accepted.
DEFAULT_PUSH_HOSTS = ("fcm.googleapis.com", "android.googleapis.com", "push.services.mozilla.com",
                      "push.apple.com", "notify.windows.com")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_TOP_LEVEL = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")


def allowed_hosts() -> tuple[str, ...]:
    extra = current_app.config.get("PUSH_SERVICE_HOSTS") or ()
    if isinstance(extra, str):
        extra = tuple(host.strip().lower() for host in extra.split(",") if host.strip())
    return DEFAULT_PUSH_HOSTS + tuple(extra)


def _is_ip_literal(host: str) -> bool:
    """An address rather than a name, in any spelling a resolver accepts: 127.0.0.1, [::1], and the
    decimal, hex, octal and short forms inet_aton reads (2130706433, 0x7f000001, 0177.1, 127.1)."""
    if host.startswith("["):
        return True
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        socket.inet_aton(host)
        return True
    except OSError:
        return False


def _is_host_name(host: str) -> bool:
    labels = host.split(".")
    return (len(host) <= 253 and len(labels) >= 2 and all(_LABEL.fullmatch(label) for label in labels)
            and _TOP_LEVEL.fullmatch(labels[-1]) is not None)


def refusal(endpoint: object) -> str | None:
    """Why the server must not POST to `endpoint` (for the log), or None when it may."""
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > 1000:
        return "no endpoint"
    # Printable ASCII only, and no backslash: parsers disagree about `\` (see the module docstring).
    if any(not "!" <= char <= "~" for char in endpoint) or "\\" in endpoint:
        return "unexpected characters"
    try:
        parts = parse_url(endpoint)
    except LocationParseError:
        return "not a URL"
    # The sender sends the URL as urllib3 rebuilds it: any difference (dot segments removed, characters
    # escaped, host case) means the check and the request could be about different URLs. Only the case
    # of existing %-escapes may differ, since urllib3 just upper-cases them.
    if parts.url != _ESCAPE.sub(lambda match: match.group().upper(), endpoint):
        return "not in canonical form"
    if parts.auth is not None:
        return "carries a user name"
    if parts.fragment is not None:
        return "has a fragment"
    host = (parts.host or "").lower()
    allowed = allowed_hosts()
    # A loopback receiver that the settings name explicitly (tests, local tools) may use http and any port.
    if host.strip("[]") in LOOPBACK and host.strip("[]") in allowed and parts.scheme in ("http", "https"):
        return None
    if parts.scheme != "https":
        return "not https"
    if parts.port not in (None, 443):
        return "not the default port"
    if _is_ip_literal(host):
        return "an IP address"
    if not _is_host_name(host):
        return "not a host name"
    if not any(host == known or host.endswith("." + known) for known in allowed):
        return "not a known push service"
    return None


def check_endpoint(endpoint: object) -> str:
    """The endpoint, unchanged, or a ServiceError when the server must not call it."""
    reason = refusal(endpoint)
    if reason == "no endpoint":
        raise ServiceError(_("The subscription has no endpoint."))
    if reason is not None:
        raise ServiceError(_("This browser's push service isn't supported."))
    return endpoint

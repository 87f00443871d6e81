"""Security headers on every page, no inline script anywhere, and the session cookie's flags."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import url_for

from app import PROJECT_ROOT
from tests.core.support import https_app, route, routes, sign_in, url_values
from tests.core.test_authorization_matrix import EXPECTATIONS

GET_ENDPOINTS = [found.endpoint for found in routes() if "GET" in found.methods]
PUBLIC_GET_ENDPOINTS = [endpoint for endpoint in GET_ENDPOINTS
                        if EXPECTATIONS.get(endpoint) and EXPECTATIONS[endpoint].is_public]
# Cached on purpose, and holding nothing personal: the service worker and its offline page, the manifest.
SHARED_CACHEABLE = {"pwa.manifest", "pwa.service_worker", "pwa.offline"}
TEMPLATES_DIR = PROJECT_ROOT / "templates"


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy")
    assert policy, f"{response.request.path}: no Content-Security-Policy"
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_security_headers(response) -> None:
    where = response.request.path
    csp = csp_directives(response)
    script_src = csp.get("script-src") or csp.get("default-src")
    assert script_src is not None and "'self'" in script_src, where
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(script_src), where
    assert csp.get("object-src") == ["'none'"], where
    assert csp.get("base-uri") == ["'none'"], where
    assert csp.get("frame-ancestors") == ["'none'"], where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    referrer = response.headers.get("Referrer-Policy")
    # Flask-WTF's HTTPS check needs a same-origin Referer, and "unsafe-url" leaks paths to other sites.
    assert referrer and referrer not in ("no-referrer", "unsafe-url"), where


def assert_not_stored_for_others(response) -> None:
    """Personal pages must stay out of shared caches and the back/forward cache after logout. Images
    (a reward's picture) may be kept by the browser itself, never by a shared cache."""
    cache_control = response.headers.get("Cache-Control", "")
    if response.mimetype in ("text/html", "application/json", "application/problem+json"):
        assert "no-store" in cache_control, f"{response.request.path}: {cache_control!r}"
    else:
        assert "no-store" in cache_control or "private" in cache_control, \
            f"{response.request.path}: {cache_control!r}"
        assert "public" not in cache_control


class InlineScriptFinder(HTMLParser):
    """Inline script bodies, on* handlers, hx-on attributes and javascript: URLs in rendered HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.problems.append(f"<{tag} {name}={value}>")
        if tag == "script":
            if not dict(attrs).get("src"):
                self.problems.append("<script> without src")
            self._in_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data.strip()[:60]}")


def inline_script_problems(html: str) -> list[str]:
    finder = InlineScriptFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def _fetch(client, org, endpoint: str, person):
    return client.get(url_for(endpoint, _external=False, **url_values(route(endpoint), org, person)))


@pytest.mark.parametrize("endpoint", GET_ENDPOINTS)
@pytest.mark.parametrize("role", ["admin", "staff"])
def test_signed_in_pages_carry_the_security_headers(fresh_org, shared_client, endpoint, role):
    org, client = fresh_org, shared_client
    person = org.by_role(role)
    sign_in(client, person)
    # The person named in the URL is the visitor, so pages about "my own" things render too.
    response = _fetch(client, org, endpoint, person)
    assert response.status_code < 500
    assert_security_headers(response)
    if endpoint not in SHARED_CACHEABLE:
        assert_not_stored_for_others(response)
    if response.mimetype == "text/html":
        assert inline_script_problems(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("endpoint", PUBLIC_GET_ENDPOINTS)
def test_anonymous_pages_carry_the_security_headers(fresh_org, shared_client, endpoint):
    org, client = fresh_org, shared_client
    response = _fetch(client, org, endpoint, org.other_staff)
    assert response.status_code in (200, 302)
    assert_security_headers(response)
    cache_control = response.headers.get("Cache-Control", "")
    if endpoint in SHARED_CACHEABLE:
        # Always revalidated, so a new service worker or manifest is picked up.
        assert "no-cache" in cache_control or "no-store" in cache_control
    else:
        assert "no-store" in cache_control  # the invite page names the person it's for
    if response.mimetype == "text/html":
        assert inline_script_problems(response.get_data(as_text=True)) == []


def test_error_pages_and_static_files_carry_the_headers(client):
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert_security_headers(missing)
    asset = client.get("/static/js/app.js")
    assert asset.status_code == 200
    assert asset.headers["X-Content-Type-Options"] == "nosniff"
    asset.close()


def test_the_inline_script_finder_finds_what_it_looks_for():
    """The template scan below is only as good as this finder."""
    assert inline_script_problems('<script src="/static/js/app.js" defer></script>') == []
    assert inline_script_problems("<script>alert(1)</script>") != []
    assert inline_script_problems('<button onclick="go()">') != []
    assert inline_script_problems('<a href="javascript:go()">') != []
    assert inline_script_problems('<div hx-on:click="go()">') != []


SCRIPT_WITH_BODY = re.compile(r"<script\b[^>]*>(?P<body>.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
EVENT_HANDLER_ATTRIBUTE = re.compile(r"<[a-zA-Z][^<>]*?\s(?P<name>on[a-z]+|hx-on[:\w-]*)\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def _html_templates() -> list[Path]:
    return sorted(path for path in TEMPLATES_DIR.rglob("*.html"))


def test_there_are_templates_to_scan():
    assert len(_html_templates()) >= 10


@pytest.mark.parametrize("path", _html_templates(), ids=lambda path: str(path.relative_to(TEMPLATES_DIR)))
def test_templates_have_no_inline_script(path):
    source = path.read_text(encoding="utf-8")
    for match in SCRIPT_WITH_BODY.finditer(source):
        assert not match.group("body").strip(), f"{path.name}: inline <script> body"
    handler = EVENT_HANDLER_ATTRIBUTE.search(source)
    assert handler is None, f"{path.name}: event handler attribute {handler and handler.group('name')}"
    assert not JAVASCRIPT_URL.search(source), f"{path.name}: javascript: URL"


# Cookies ----------------------------------------------------------------------------------------

def _set_cookie(response, name: str) -> dict[str, str | bool]:
    """The attributes of the Set-Cookie header for `name` (lower-cased keys; flags map to True)."""
    for header in response.headers.getlist("Set-Cookie"):
        cookie_name, _, rest = header.partition("=")
        if cookie_name != name:
            continue
        attributes: dict[str, str | bool] = {}
        for part in rest.split(";")[1:]:
            key, has_value, value = part.strip().partition("=")
            attributes[key.lower()] = value if has_value else True
        return attributes
    raise AssertionError(f"no Set-Cookie for {name}: {response.headers.getlist('Set-Cookie')}")


def test_session_cookie_is_httponly_and_samesite_lax(app, auth, org):
    response = auth.login(org.staff, remember=True)
    assert response.status_code == 303
    for name in (app.config["SESSION_COOKIE_NAME"], app.config["REMEMBER_COOKIE_NAME"]):
        cookie = _set_cookie(response, name)
        assert cookie.get("httponly") is True, name
        assert str(cookie.get("samesite")).lower() == "lax", name
        # Plain HTTP (the embedded default): a Secure cookie would never come back.
        assert "secure" not in cookie, name


def test_over_https_the_session_cookie_is_secure_with_the_host_prefix(database_url, tmp_path, monkeypatch,
                                                                      app, org):
    with https_app(database_url, tmp_path, monkeypatch) as secure_app:
        assert secure_app.config["SESSION_COOKIE_NAME"] == "__Host-ascent"
        assert secure_app.config["SESSION_COOKIE_SECURE"] is True
        client = secure_app.test_client()
        response = client.post("https://ascent.test/login", headers={"Referer": "https://ascent.test/login"},
                               data={"identifier": org.staff.email, "password": "correct horse battery",
                                     "remember": "y"})
        assert response.status_code == 303
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        for name in ("__Host-ascent", "__Host-ascent_remember"):
            cookie = _set_cookie(response, name)
            assert cookie.get("secure") is True, name
            assert cookie.get("httponly") is True, name
            assert str(cookie.get("samesite")).lower() == "lax", name
            # The __Host- prefix: browsers only accept it with Secure, Path=/ and no Domain.
            assert cookie.get("path") == "/", name
            assert "domain" not in cookie, name
        assert client.get("https://ascent.test/home").status_code == 200

"""`{% once key, ... %}…{% endonce %}`: a piece of a template that is the same for everyone who shares the key
is rendered once per process and then copied. The shell's tab bar depends only on the role and which tab is
lit, yet cost a signed-in page a dozen URL builds, icon macros and translated labels on every request.

    {% once "tabs", current_user.role, lit_tabs(nav_tabs) %} … {% endonce %}

The key must name everything the block reads that can differ between two requests (a role, a count, a
flag); the reader's language and the app's script root are added to it here. Never put in it what is
personal (a name, a CSRF token): the copy is shown to everyone with the same key. The copies live on the
app's Jinja environment, so each app (each test) starts empty; with template auto-reload on (debug), nothing
is kept, so an edited template shows at once."""

import threading

from flask import has_request_context, request
from flask_babel import get_locale
from jinja2 import nodes
from jinja2.ext import Extension

MAX_KEPT = 2_000  # keys come from templates (roles, tabs, small counts): far fewer in practice


class RenderOnce(Extension):
    tags = {"once"}

    def __init__(self, environment):
        super().__init__(environment)
        self._kept: dict = {}
        self._lock = threading.Lock()

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        parts = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            parts.append(parser.parse_expression())
        body = parser.parse_statements(("name:endonce",), drop_needle=True)
        key = nodes.Tuple(parts, "load", lineno=lineno)
        return nodes.CallBlock(self.call_method("_render", [key]), [], [], body).set_lineno(lineno)

    def _render(self, key: tuple, caller):
        if self.environment.auto_reload:
            return caller()
        key = (str(get_locale()), request.script_root if has_request_context() else "", *key)
        found = self._kept.get(key)
        if found is None:
            found = caller()
            with self._lock:
                if len(self._kept) >= MAX_KEPT:
                    self._kept.clear()
                self._kept[key] = found
        return found

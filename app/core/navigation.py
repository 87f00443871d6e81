"""Role-aware tabs. Each feature registers its tabs here when its blueprint loads, so the shell
never needs editing when a feature arrives."""

from dataclasses import dataclass

from flask import request, url_for
from flask_babel import lazy_gettext


@dataclass(frozen=True)
class Tab:
    endpoint: str
    label: object  # a lazy string, translated when rendered
    icon: str
    roles: frozenset[str]
    order: int
    # Other endpoints that light this tab up (a detail page under a list).
    also_active_for: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return url_for(self.endpoint)

    @property
    def is_active(self) -> bool:
        endpoint = request.endpoint or ""
        return endpoint == self.endpoint or endpoint in self.also_active_for


_tabs: list[Tab] = []


def register_tab(endpoint: str, label: str, icon: str, roles, order: int, also_active_for=()) -> None:
    if any(tab.endpoint == endpoint and tab.roles == frozenset(roles) for tab in _tabs):
        return  # create_app runs once per test: register each tab once
    _tabs.append(Tab(endpoint, lazy_gettext(label) if isinstance(label, str) else label, icon,
                     frozenset(roles), order, tuple(also_active_for)))


def tabs_for(role: str) -> list[Tab]:
    return sorted((tab for tab in _tabs if role in tab.roles), key=lambda tab: tab.order)

"""Role-aware tabs. Each feature declares its tabs in its `Feature` record (app/core/features.py), so the
shell never needs editing when a feature arrives."""

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
        return (endpoint == self.endpoint or endpoint in self.also_active_for
                or any(light.tab == self.endpoint and light.roles & self.roles and endpoint in light.endpoints
                       for light in _lights))


@dataclass(frozen=True)
class TabLight:
    """Another feature's pages that light up a tab for some roles: the shell's tabs don't name them."""

    tab: str
    roles: frozenset[str]
    endpoints: tuple[str, ...]


_tabs: list[Tab] = []
_lights: list[TabLight] = []
_by_role: dict[str, tuple[Tab, ...]] = {}


def tab(endpoint: str, label, icon: str, roles, order: int, also_active_for=()) -> Tab:
    return Tab(endpoint, lazy_gettext(label) if isinstance(label, str) else label, icon,
               frozenset(roles), order, tuple(also_active_for))


def add_tab(new: Tab) -> None:
    if any(known.endpoint == new.endpoint and known.roles == new.roles for known in _tabs):
        return  # create_app runs once per test: add each tab once
    _tabs.append(new)
    _by_role.clear()


def add_light(light: TabLight) -> None:
    if light not in _lights:
        _lights.append(light)


def tabs_for(role: str) -> tuple[Tab, ...]:
    found = _by_role.get(role)
    if found is None:  # tabs are added at start-up only: each role's bar is sorted once
        found = _by_role[role] = tuple(sorted((tab for tab in _tabs if role in tab.roles), key=lambda tab: tab.order))
    return found


def lit_tabs(tabs) -> tuple[str, ...]:
    """The endpoints of the tabs this page lights: with the role, all a tab bar depends on."""
    return tuple(tab.endpoint for tab in tabs if tab.is_active)

"""How a feature plugs itself into the app, in one visible place.

Each feature package declares a `Feature` in its `__init__.py`: its blueprints, the modules that add views or
periodic jobs, its signal listeners, and the places of the shell it shows up in (tabs, home cards, links on
the Me page, the shortcuts row, the settings page, the set-up checklist), its stylesheet and scripts, its CLI
and its demo loader. `app/features.py` lists the features; the factory installs them in that order, so signal
receivers run in a declared order, never in the order modules happened to be imported. The shell (base.html,
the home pages, the settings page) only loops over what features declared: it names no feature.

Core names nothing from features: a record holds endpoint names, template paths and callables, and role
values as plain strings."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from importlib import import_module
from importlib.util import find_spec

from flask import Blueprint, Flask, current_app, url_for

from app.core import navigation
from app.core.shortcache import ShortCache


class Place(StrEnum):
    """Where the shell draws a feature's link."""

    ME = "me"  # the Me page: the person's own activity
    WORK = "work"  # the Me page's "Goals, feedback and reviews" list
    SHORTCUT = "shortcut"  # the button row of a manager's home
    WAITING = "waiting"  # the store manager's "Waiting for you", with a count
    SETTINGS = "settings"  # HR's and administrators' settings page


@dataclass(frozen=True)
class Link:
    place: Place
    endpoint: str
    label: object  # a lazy string, translated when rendered
    icon: str
    roles: frozenset[str]
    summary: object = None
    order: int = 50
    primary: bool = False  # the one filled button of a shortcut row
    count: Callable | str | None = None  # WAITING: person -> how many items wait (or its "module:function")

    @property
    def url(self) -> str:
        return url_for(self.endpoint)


@dataclass(frozen=True)
class HomeCard:
    """A card on a role's home page. `context(person)` returns the variables its template reads (called once
    per page, so its queries are the card's whole cost); `slot` "head" sits beside the greeting."""

    template: str
    roles: frozenset[str]
    order: int = 50
    context: Callable | str | None = None  # a callable or its "module:function"
    slot: str = "main"  # "head" beside the greeting, "me" on the Me page, "header" in every page's header
    # The context may be a few seconds old (app/core/shortcache.py): it is kept per person and forgotten
    # when the person's own points change (app/home/listeners.py). For what moves with other people's
    # doings, a rank among colleagues, where their latest award showing a few seconds late is fine.
    kept: bool = False


@dataclass(frozen=True)
class Checklist:
    """The feature's lines of a new chain's set-up checklist: `items()` returns them (app/home/setup.py's
    SetupItem), each worked out from the data, never ticked by hand."""

    order: int
    items: Callable | str


@dataclass(frozen=True)
class Feature:
    name: str
    blueprints: tuple[Blueprint, ...] = ()
    # The features this one builds on: it may name their endpoints, templates and models (the platform, org,
    # auth, home and pwa, goes without saying). tests/core/test_features.py holds every feature to it.
    uses: tuple[str, ...] = ()
    # By convention the package's `models`, `routes` and `listeners` modules need no mention: install imports
    # them when they exist and calls `listeners.connect()`. `modules` names the others to import (route modules
    # that add views to the blueprint, periodic jobs, nudge types); `models` other model modules.
    modules: tuple[str, ...] = ()
    tabs: tuple[navigation.Tab, ...] = ()
    # The feature's pages that light up a tab of the shell (a sign-off reached from the manager's Today).
    lights: tuple[navigation.TabLight, ...] = ()
    links: tuple[Link, ...] = ()
    home_cards: tuple[HomeCard, ...] = ()
    checklist: tuple[Checklist, ...] = ()
    stylesheet: str | None = None  # static/css/features/<name>.css
    scripts: tuple[str, ...] = ()  # under static/js/, loaded once for signed-in people
    cli: tuple[str, ...] = ()  # "module:attribute" of click commands
    demo: str | None = None  # "module:function" loading the feature's part of the demo chain
    demo_order: int = 50  # loaders that read others' demo data run after them
    init_app: Callable[[Flask], None] | None = None  # what a record can't say (e.g. points sources)
    models: tuple[str, ...] = ()  # model modules besides the package's own, so Alembic sees the whole schema


def resolve(path):
    """"package.module:attribute" → the attribute; "package.module" → the module; a callable → itself.
    Records name their callables by path so a package's `__init__` stays cheap to import."""
    if not isinstance(path, str):
        return path
    module_name, _, attribute = path.partition(":")
    module = import_module(module_name)
    return getattr(module, attribute) if attribute else module


def install(app: Flask, features: Iterable[Feature]) -> None:
    features = tuple(features)
    app.extensions["ascent.features"] = features
    for name, function in (("feature_stylesheets", stylesheets), ("feature_scripts", scripts),
                           ("feature_links", links), ("feature_cards", home_cards)):
        app.add_template_global(function, name)
    for feature in features:
        for module in (*_own(feature, "models"), *feature.models):
            import_module(module)
    for feature in features:
        for module in (*_own(feature, "routes"), *feature.modules):
            import_module(module)
        for blueprint in feature.blueprints:
            app.register_blueprint(blueprint)
        for tab in feature.tabs:
            navigation.add_tab(tab)
        for light in feature.lights:
            navigation.add_light(light)
        settings = tuple(link.endpoint for link in feature.links if link.place == Place.SETTINGS)
        if settings:
            navigation.add_light(navigation.TabLight(SETTINGS_TAB, frozenset().union(
                *(link.roles for link in feature.links if link.place == Place.SETTINGS)), settings))
        for command in feature.cli:
            app.cli.add_command(resolve(command))
        if feature.init_app is not None:
            feature.init_app(app)
    # After every blueprint: a receiver may need another feature's module loaded; connect() is idempotent.
    for feature in features:
        for module in _own(feature, "listeners"):
            import_module(module).connect()


def _own(feature: Feature, module: str) -> tuple[str, ...]:
    """The package's conventional module (`app.<name>.<module>`), when it has one."""
    path = f"app.{feature.name}.{module}"
    return (path,) if find_spec(path) is not None else ()


SETTINGS_TAB = "home.settings"  # the settings page lights its tab for every area it lists


def installed() -> tuple[Feature, ...]:
    return current_app.extensions["ascent.features"]


def _sorted_once(kind: str, key: tuple, find: Callable[[], Iterable]) -> tuple:
    """The records are fixed once the app is installed: each role's list of links or cards is sorted once,
    not on every page that draws it."""
    kept = current_app.extensions.setdefault("ascent.features.sorted", {})
    found = kept.get((kind, *key))
    if found is None:
        found = kept[(kind, *key)] = tuple(sorted(find(), key=lambda record: record.order))
    return found


def links(place: Place, role: str) -> tuple[Link, ...]:
    return _sorted_once("links", (place, role), lambda: (
        link for feature in installed() for link in feature.links if link.place == place and role in link.roles))


def home_cards(role: str, slot: str = "main") -> tuple[HomeCard, ...]:
    return _sorted_once("cards", (role, slot), lambda: (
        card for feature in installed() for card in feature.home_cards if role in card.roles and card.slot == slot))


_KEPT = ShortCache("home.kept_cards")


def _resolved(path):
    """`resolve`, once per app: pages call their cards' context functions on every request."""
    kept = current_app.extensions.setdefault("ascent.features.resolved", {})
    found = kept.get(path)
    if found is None:
        found = kept[path] = resolve(path)
    return found


def home_context(person, slots=("head", "main")) -> dict:
    """The variables of every card the person's home shows: each context function called once, however many
    cards share it; a `kept` card's from the last few seconds when there is one."""
    context: dict = {}
    seen = set()
    for card in (card for slot in slots for card in home_cards(person.role, slot)):
        if card.context is not None and card.context not in seen:
            seen.add(card.context)
            load = partial(_resolved(card.context), person)
            context.update(_KEPT.get((person.id, card.context), load) if card.kept else load())
    return context


def forget_kept_cards(person_id: int) -> None:
    """The person's own data changed in this transaction: their kept cards are read again on their next page."""
    for context in {card.context for feature in installed() for card in feature.home_cards if card.kept}:
        _KEPT.forget_after_commit((person_id, context))


def waiting_counts(person) -> list[tuple[Link, int]]:
    return [(link, resolve(link.count)(person)) for link in links(Place.WAITING, person.role)]


def checklist_items() -> list:
    ordered = sorted((part for feature in installed() for part in feature.checklist), key=lambda part: part.order)
    return [item for part in ordered for item in resolve(part.items)()]


def stylesheets() -> list[str]:
    return [feature.stylesheet for feature in installed() if feature.stylesheet]


def scripts() -> list[str]:
    return [script for feature in installed() for script in feature.scripts]


def demo_loaders() -> list[Callable]:
    ordered = sorted((feature for feature in installed() if feature.demo), key=lambda feature: feature.demo_order)
    return [resolve(feature.demo) for feature in ordered]

"""Features plug in from one list (app/features.py), and nothing outside a feature names its endpoints,
templates, assets or models unless it declares that it builds on that feature (`Feature.uses`). The shell
(app/__init__.py, app/core, app/demo/cli.py, base.html, the home pages, error pages) names none at all."""

import re
from pathlib import Path

import pytest

from app import features as feature_list
from app.core import features

ROOT = Path(__file__).resolve().parents[2]
# The platform every feature builds on: people and stores, signing in, the shell's pages, the installable app.
PLATFORM = {"org", "auth", "home", "pwa"}
SHELL_FILES = ["app/__init__.py", "app/features.py", "app/demo/cli.py", "templates/base.html",
               "templates/_macros.html", "templates/_auth_layout.html"]
SHELL_FOLDERS = ["app/core", "templates/errors", "templates/home", "app/home"]

ENDPOINT = re.compile(r"""(?:url_for|see_other|path_for|redirect_to)\(\s*["']([a-z_]+)\.[a-z_]+["']""")
ENDPOINT_STRING = re.compile(r"""["']([a-z_]+)\.[a-z_]+["']""")
TEMPLATE = re.compile(r"""["']([a-z_]+)/[a-z_/]+\.html["']""")
MODEL = re.compile(r"""(?:from|import) app\.([a-z_]+)\.models\b""")
TYPE_CHECKING_BLOCK = re.compile(r"^if TYPE_CHECKING:.*?\n(?=\S)", re.M | re.S)
ASSET = re.compile(r"""(?:css/features/|js/)([a-z_]+)\.(?:css|js)""")


@pytest.fixture
def installed(app):
    with app.app_context():
        yield {feature.name: feature for feature in features.installed()}


def _blueprint_owner(installed) -> dict[str, str]:
    return {blueprint.name: name for name, feature in installed.items() for blueprint in feature.blueprints}


def _files(paths) -> list[Path]:
    found = []
    for path in paths:
        path = ROOT / path
        found += sorted(path.rglob("*.py")) + sorted(path.rglob("*.html")) if path.is_dir() else [path]
    return found


def _named(path: Path, owners: dict[str, str], installed) -> set[str]:
    """The features a file names: by endpoint, template folder, model module or asset."""
    # Imports for type checkers only (signal payloads' field types) are for readers, not a runtime tie.
    text = TYPE_CHECKING_BLOCK.sub("", path.read_text(encoding="utf-8"))
    names = {owners[m] for m in ENDPOINT.findall(text) if m in owners}
    if path.suffix == ".html":
        names |= {owners[m] for m in ENDPOINT_STRING.findall(text) if m in owners}
    names |= {m for m in TEMPLATE.findall(text) if m in installed}
    names |= {m for m in MODEL.findall(text) if m in installed}
    assets = set(ASSET.findall(text))
    names |= {name for name, feature in installed.items()
              if feature.stylesheet in assets
              or any(script.removesuffix(".js") in assets for script in feature.scripts)}
    return names


def _owner_of(path: Path, installed) -> str | None:
    parts = path.relative_to(ROOT).parts
    if parts[0] in ("app", "templates") and len(parts) > 2 and parts[1] in installed:
        return parts[1]
    return None


def test_every_feature_package_is_in_the_one_list(installed):
    packages = {path.parent.name for path in (ROOT / "app").glob("*/__init__.py")} - {"core", "demo", "translations"}
    assert packages == set(feature_list.FEATURES) == set(installed)


def test_every_blueprint_comes_from_a_feature_record(app, installed):
    declared = {blueprint.name for feature in installed.values() for blueprint in feature.blueprints}
    assert set(app.blueprints) == declared


def test_the_shell_names_no_feature(installed):
    owners = _blueprint_owner(installed)
    named = {str(path.relative_to(ROOT)): sorted(_named(path, owners, installed) - PLATFORM)
             for path in _files(SHELL_FILES + SHELL_FOLDERS)}
    assert {path: names for path, names in named.items() if names} == {}


def test_features_name_only_the_features_they_build_on(installed):
    owners = _blueprint_owner(installed)
    undeclared = {}
    for path in _files(["app", "templates"]):
        owner = _owner_of(path, installed)
        if owner is None:
            continue
        extra = _named(path, owners, installed) - PLATFORM - {owner} - set(installed[owner].uses)
        if extra:
            undeclared[str(path.relative_to(ROOT))] = sorted(extra)
    assert undeclared == {}


def test_declared_uses_are_real_features(installed):
    for feature in installed.values():
        assert set(feature.uses) <= set(installed) - {feature.name}, feature.name

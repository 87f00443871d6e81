"""The migration seeds a frozen copy of the defaults; the app's copy must say the same."""

import importlib.util
from pathlib import Path

from app.badges.catalogue import BUILTIN_BADGES, TRANSLATED
from app.journey.defaults import DEFAULT_STAGES
from app.journey.models import DEFAULT_STAGE_DESCRIPTIONS, DEFAULT_STAGE_NAMES

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"
MIGRATION = VERSIONS / "0004_journey.py"


def _migration(path: Path = MIGRATION):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _as_0021_leaves_them(row: tuple) -> tuple:
    """0021 made the badges nothing could trigger manual badges HR gives."""
    if row[0] not in _migration(VERSIONS / "0021_correctness.py").NOW_MANUAL:
        return row
    key, name, description, tier, _criterion, _threshold, _event, _granters, limit, expiry, points = row
    return (key, name, description, tier, "manual", None, None, ["hr"], limit, expiry, points)


def test_migration_seeds_the_same_defaults():
    migration = _migration()
    assert [tuple(row) for row in migration.STAGES] == [tuple(row) for row in DEFAULT_STAGES]
    assert [_as_0021_leaves_them(tuple(row)) for row in migration.BADGES] == [tuple(row) for row in BUILTIN_BADGES]


def test_every_builtin_text_is_translatable_and_has_an_image():
    static = Path(__file__).resolve().parents[2] / "static" / "badges"
    for key, name, description, *_rest in BUILTIN_BADGES:
        assert name in TRANSLATED and description in TRANSLATED
        assert (static / f"{key}.svg").is_file()
    for key, name, description, *_rest in DEFAULT_STAGES:
        assert DEFAULT_STAGE_NAMES[key][0] == name
        assert description in DEFAULT_STAGE_DESCRIPTIONS

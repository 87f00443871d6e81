"""Form helpers shared by every feature."""

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 select choices (raw tuples are deprecated there)."""
    return [SelectChoice(value, label) for value, label in pairs]

"""Form helpers shared by every feature."""

from collections.abc import Iterable

from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 select choices (raw tuples are deprecated there)."""
    return [SelectChoice(value, label) for value, label in pairs]


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (a multi-select needs Ctrl-click, which phones don't have)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

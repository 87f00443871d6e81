"""Form helpers shared by every feature, and the number fields every form uses.

Numbers are typed as text in the reader's locale and read with `app.core.numbers.parse_number`: WTForms'
IntegerField/FloatField/DecimalField read "180.000" as 180 (or refuse "4,5") whatever the person's language,
and <input type="number"> is no better (browsers disagree on what it accepts). tests/core/test_number_fields.py
walks every form and fails on any other numeric field."""

from collections.abc import Iterable

from flask_babel import gettext as _
from wtforms import Field, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import StopValidation
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from app.core.i18n import format_input, reader_locale
from app.core.numbers import INPUT_DECIMALS, NumberError, parse_number, parse_whole_number
from app.core.params import parse_id


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 select choices (raw tuples are deprecated there)."""
    return [SelectChoice(value, label) for value, label in pairs]


def show_error(form, error, *, field: str | None = None, on_form: bool = False) -> None:
    """Put a service's refusal where the person reads it: beside the form field it names, else beside
    `field`, else at the top of the form (`on_form`: at the top whatever it names). A refusal carrying
    `problems` ({field name or None: [messages]}, a whole draft checked at once) is spread the same way."""
    problems = getattr(error, "problems", None)
    if not isinstance(problems, dict):
        problems = {error.field: [error.message]}
    for name, messages in problems.items():
        name = name or field
        target = form[name] if name and not on_form and name in form else None
        if target is not None and isinstance(target.errors, list | tuple):
            target.errors = [*target.errors, *messages]
        else:
            form.form_errors.extend(messages)


def optional_id(value) -> int | None:
    """A SelectField's `coerce` for an id chosen in a list: None for the empty placeholder ("Choose…"), the id
    when it is ASCII digits within the database's range, otherwise a form error (WTForms turns the ValueError
    into one) rather than a crafted value reaching a query."""
    if value in (None, "", "None"):
        return None
    found = parse_id(str(value))
    if found is None:
        raise ValueError(value)
    return found


class LocalizedNumberField(Field):
    """A number with decimals (`data` is a float, as the models store them), typed in the reader's locale:
    "60,5" in Italian, "60.5" in English. Renders as a text input showing the value the same way."""

    widget = TextInput()
    whole_numbers = False
    input_mode = "decimal"
    largest = 1e15  # well inside a float's exact integers; KPI values stop at 1e12 anyway

    def __init__(self, label=None, validators=None, *, decimals: int = INPUT_DECIMALS, **kwargs):
        render_kw = {"inputmode": self.input_mode, "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.decimals = 0 if self.whole_numbers else decimals

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]  # what was typed, shown again with its error
        return format_input(self.data, self.decimals)

    def _coerce(self, value):
        return float(value)

    def process_data(self, value):
        self.data = None if value is None or value is unset_value else self._coerce(value)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        text = valuelist[0] if isinstance(valuelist[0], str) else ""
        if not text.strip():
            # Optional() and InputRequired() clear this and decide what a blank means.
            raise ValueError(_("Enter a number."))
        read = parse_whole_number if self.whole_numbers else parse_number
        try:
            value = self._coerce(read(text, reader_locale()))
        except NumberError as error:
            raise ValueError(error.message) from None
        if abs(value) > self.largest:
            # Beyond what the database's columns hold: a 500 at flush otherwise, whatever the field's own range.
            raise ValueError(_("Enter a number no larger than %(n)s.", n=format_input(self.largest, 0)))
        self.data = value

    def pre_validate(self, form):
        # Typed but not a number: that message alone (NumberRange would add "between …" about nothing).
        if self.process_errors and self.raw_data and str(self.raw_data[0]).strip():
            raise StopValidation()


class LocalizedIntegerField(LocalizedNumberField):
    """A whole number (`data` is an int) typed in the reader's locale: "1.500" is 1500 in Italian."""

    whole_numbers = True
    input_mode = "numeric"
    largest = 2_147_483_647  # a 32-bit INTEGER column, PostgreSQL's

    def _coerce(self, value):
        return int(value)


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (a multi-select needs Ctrl-click, which phones don't have)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

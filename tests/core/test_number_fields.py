"""Every number a form asks for is a localized field: typed and shown in the reader's locale ("180.000" is a
hundred and eighty thousand in Italian, never 180). The walk below finds every form of every feature, so a
plain IntegerField added later fails here."""

import importlib
import inspect
from pathlib import Path

import pytest
from flask_babel import force_locale
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Form, fields
from wtforms.validators import NumberRange

from app.core.forms import LocalizedIntegerField, LocalizedNumberField

APP = Path(__file__).resolve().parents[2] / "app"
# Fields that hold something other than a typed number. Anything else must be a localized number field.
NOT_NUMBERS = (fields.StringField, fields.SelectFieldBase, fields.DateField, fields.DateTimeField,
               fields.TimeField, fields.MonthField, fields.BooleanField, fields.FileField, fields.MultipleFileField,
               fields.SubmitField, fields.FieldList, fields.FormField)


def _form_classes():
    for path in sorted(APP.glob("*/forms.py")):
        module = importlib.import_module(f"app.{path.parent.name}.forms")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm) and cls is not FlaskForm and cls.__module__ == module.__name__:
                yield cls


def _unbound_fields(form_class):
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if isinstance(unbound, fields.core.UnboundField):
            yield name, unbound


FORMS = list(_form_classes())
NUMBER_FIELDS = [(f"{form.__module__}.{form.__name__}.{name}", unbound) for form in FORMS
                 for name, unbound in _unbound_fields(form) if issubclass(unbound.field_class, LocalizedNumberField)]


def test_the_walk_finds_the_forms_and_their_number_fields():
    assert len(FORMS) > 20
    names = {name for name, _unbound in NUMBER_FIELDS}
    assert {"app.rewards.forms.RewardForm.cost", "app.challenges.forms.ChallengeForm.target",
            "app.kpis.forms.KpiForm.min_value"} <= names


@pytest.mark.parametrize("form_class", FORMS, ids=lambda form: f"{form.__module__}.{form.__name__}")
def test_every_field_is_text_a_choice_a_date_a_file_or_a_localized_number(form_class):
    for name, unbound in _unbound_fields(form_class):
        kind = unbound.field_class
        assert issubclass(kind, LocalizedNumberField) or (
            issubclass(kind, NOT_NUMBERS) and not issubclass(kind, fields.numeric.LocaleAwareNumberField)), \
            f"{form_class.__name__}.{name} is a {kind.__name__}: use LocalizedIntegerField or LocalizedNumberField"


def _bind(unbound, text=None, data=None):
    probe = type("Probe", (Form,), {"number": unbound})
    return probe(formdata=MultiDict({"number": text}) if text is not None else None,
                 data={"number": data} if data is not None else None).number


@pytest.mark.parametrize(("name", "unbound"), NUMBER_FIELDS, ids=[name for name, _unbound in NUMBER_FIELDS])
def test_each_number_field_reads_the_readers_locale(app, name, unbound):
    whole = issubclass(unbound.field_class, LocalizedIntegerField)
    for locale, thousands, decimal, refused in (("it", "180.000", "60,50", "1.2.3"),
                                                ("en", "180,000", "60.50", "1,2,3")):
        with app.test_request_context(), force_locale(locale):
            field = _bind(unbound, thousands)
            assert field.data == 180000 and not field.process_errors, (locale, field.process_errors)
            field = _bind(unbound, decimal)
            if whole:
                assert field.data is None and field.process_errors  # a count is never 60,5
            else:
                assert field.data == 60.5 and not field.process_errors
            field = _bind(unbound, refused)
            assert field.data is None and field.process_errors
            # Shown as the reader reads it, in a text input (type="number" would refuse "180.000").
            html = str(_bind(unbound, data=180000)())
            assert f'value="{thousands}"' in html and 'type="text"' in html and "inputmode=" in html


def test_blank_is_for_the_validators_to_decide(app):
    from wtforms.validators import InputRequired, Optional

    class Probe(Form):
        optional = LocalizedIntegerField("Optional", validators=[Optional()])
        required = LocalizedIntegerField("Required", validators=[InputRequired("Say how many.")])

    with app.test_request_context(), force_locale("it"):
        form = Probe(formdata=MultiDict({"optional": " ", "required": ""}))
        assert not form.validate()
        assert form.optional.errors == [] and form.optional.data is None
        assert form.required.errors == ["Say how many."]
        form = Probe(formdata=MultiDict({"optional": "", "required": "  "}))  # spaces are no number either
        assert not form.validate() and form.required.errors and form.required.data is None


def test_number_range_still_applies_and_a_refusal_comes_alone(app):
    class Probe(Form):
        pass_mark = LocalizedIntegerField("Pass mark", validators=[NumberRange(1, 100, "Between 1 and 100.")])

    with app.test_request_context(), force_locale("it"):
        assert Probe(formdata=MultiDict({"pass_mark": "80"})).validate()
        form = Probe(formdata=MultiDict({"pass_mark": "1.000"}))
        assert not form.validate() and form.pass_mark.errors == ["Between 1 and 100."]
        form = Probe(formdata=MultiDict({"pass_mark": "8.0"}))
        assert not form.validate() and len(form.pass_mark.errors) == 1  # how to write it, not "between…"
        assert 'value="8.0"' in str(form.pass_mark())  # what was typed comes back to be fixed


def test_numbers_beyond_what_the_database_holds_are_refused(app):
    """A 40-digit "Order on dashboards" once reached the database as an OverflowError (a 500)."""
    class Probe(Form):
        position = LocalizedIntegerField("Order")
        scale = LocalizedNumberField("Scale")

    with app.test_request_context(), force_locale("en"):
        form = Probe(formdata=MultiDict({"position": "9" * 39, "scale": "1" + "0" * 20}))
        assert not form.validate()
        assert form.position.errors == ["Enter a number no larger than 2,147,483,647."]
        assert form.scale.errors and form.position.data is None and form.scale.data is None
        assert Probe(formdata=MultiDict({"position": "2,147,483,647", "scale": "-12.5"})).validate()

"""Forms for objectives, check-ins and templates. Key result rows are added and removed in the page with
htmx, so they are plain inputs named kr-<key>-<field> (the key is random, the order is the page's) and are
read here into drafts."""

import re
import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.core import numbers, params
from app.core.errors import ServiceError
from app.core.forms import CheckboxListField, choices
from app.okrs.models import CONFIDENCE_LABELS, KIND_LABELS, KeyResultKind, Level
from app.okrs.services import KeyResultDraft

_ROW_FIELD = re.compile(r"^kr-([A-Za-z0-9]{1,16})-title$")


class ObjectiveForm(FlaskForm):
    title = StringField(_l("Objective"), validators=[InputRequired(_l("Give the objective a title.")),
                                                     Length(max=200)])
    description = TextAreaField(_l("Why it matters"), validators=[Optional(), Length(max=2000)])
    district_id = SelectField(_l("District"), coerce=int, validate_choice=False)
    store_id = SelectField(_l("Store"), coerce=int, validate_choice=False)
    person_id = SelectField(_l("Person"), coerce=int, validate_choice=False)
    parent_id = SelectField(_l("Aligned with"), coerce=int, validate_choice=False)
    owner_id = SelectField(_l("Owner"), coerce=int, validate_choice=False)
    period_start = DateField(_l("From"), validators=[InputRequired(_l("Give the period a start date."))])
    period_end = DateField(_l("To"), validators=[InputRequired(_l("Give the period an end date."))])


class CheckInForm(FlaskForm):
    confidence = RadioField(_l("How is it going?"), choices=choices(CONFIDENCE_LABELS.items()),
                            validators=[InputRequired(_l("Say how confident you are."))])
    value = StringField(_l("New value"), validators=[Optional(), Length(max=30)])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=500)])


class TemplateForm(FlaskForm):
    name = StringField(_l("Template name"), validators=[InputRequired(_l("Give the template a name.")),
                                                        Length(max=120)])
    level = RadioField(_l("For"), default="store",
                       choices=choices([("store", _l("Stores")), ("person", _l("People"))]))
    title = StringField(_l("Objective"), validators=[InputRequired(_l("Give the objective a title.")),
                                                     Length(max=200)])
    description = TextAreaField(_l("Why it matters"), validators=[Optional(), Length(max=2000)])


class ApplyTemplateForm(FlaskForm):
    target_ids = CheckboxListField(_l("Give it to"), coerce=int, validate_choice=False)
    parent_id = SelectField(_l("Aligned with"), coerce=int, validate_choice=False)
    period_start = DateField(_l("From"), validators=[InputRequired(_l("Give the period a start date."))])
    period_end = DateField(_l("To"), validators=[InputRequired(_l("Give the period an end date."))])


def kind_choices():
    return list(KIND_LABELS.items())


def level_label(level: str) -> str:
    return Level.label_of(level)


def new_row_key() -> str:
    return secrets.token_hex(4)


def blank_row() -> dict:
    return {"key": new_row_key(), "id": "", "title": "", "kind": KeyResultKind.NUMBER, "start": "0",
            "target": "", "weight": "1", "kpi_id": ""}


def rows_from_form(formdata) -> list[dict]:
    """The key result rows as typed, in page order (to show them again after an error)."""
    rows = []
    for name in formdata.keys():
        match = _ROW_FIELD.match(name)
        if not match:
            continue
        key = match.group(1)
        rows.append({"key": key, **{part: (formdata.get(f"kr-{key}-{part}") or "").strip()
                                    for part in ("id", "title", "kind", "start", "target", "weight", "kpi_id")}})
    return rows


def _optional_number(text: str | None, locale: str) -> float | None:
    """A number typed in `locale` ("1.250,5" in Italian); None when empty; NumberError when it isn't one."""
    text = (text or "").strip()
    return float(numbers.parse_number(text, locale)) if text else None


def _number(text: str, row_number: int, label: str, locale: str) -> float | None:
    """A key result's number; the error names the row and the field."""
    try:
        return _optional_number(text, locale)
    except numbers.NumberError as error:
        raise ServiceError(_("Key result %(n)d, %(field)s: %(problem)s", n=row_number, field=label,
                             problem=error.message)) from None


def parse_number(text: str | None, locale: str) -> float | None:
    """A check-in value typed in `locale`: None when empty; ServiceError when it isn't a number."""
    try:
        return _optional_number(text, locale)
    except numbers.NumberError as error:
        raise ServiceError(error.message, field="value") from None


def drafts_from_rows(rows: list[dict], *, locale: str) -> list[KeyResultDraft]:
    """Key result rows as typed in `locale` → drafts; ServiceError on a bad number."""
    drafts = []
    for number, row in enumerate(rows, start=1):
        kpi_id = row.get("kpi_id") or ""
        drafts.append(KeyResultDraft(
            title=row["title"], kind=row["kind"] or KeyResultKind.NUMBER,
            start=_number(row["start"], number, _("start"), locale),
            target=_number(row["target"], number, _("target"), locale),
            weight=_number(row["weight"], number, _("weight"), locale),
            kpi_id=params.parse_id(kpi_id), id=params.parse_id(row.get("id", ""))))
    return drafts

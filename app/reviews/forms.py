from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.core.forms import CheckboxListField


class TemplateForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Give the template a name.")), Length(max=120)])
    competencies = TextAreaField(_l("Competencies, one a line: “Label: what it means”"),
                                 validators=[InputRequired(_l("Add at least one competency, one a line."))])
    questions = TextAreaField(_l("Open questions, one a line"), validators=[Optional()])


class CycleForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Give the cycle a name.")), Length(max=120)])
    template_id = SelectField(_l("Template"), coerce=int, validate_choice=False)
    period_start = DateField(_l("Period from"), validators=[InputRequired(_l("Enter the first day reviewed."))])
    period_end = DateField(_l("Period to"), validators=[InputRequired(_l("Enter the last day reviewed."))])
    self_due = DateField(_l("Self-review due"), validators=[Optional()])
    manager_due = DateField(_l("Manager review due"), validators=[Optional()])
    calibration_due = DateField(_l("Calibration due"), validators=[Optional()])
    sign_off_due = DateField(_l("Sign-off due"), validators=[Optional()])
    store_ids = CheckboxListField(_l("Stores (none picked: every store)"), coerce=int, validate_choice=False)
    roles = CheckboxListField(_l("Roles (none picked: associates and store managers)"), validate_choice=False)
    hired_before = DateField(_l("Hired before"), validators=[Optional()])

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, EmailField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import optional_id


class PersonForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter the person's name.")),
                                                         Length(max=120)])
    employee_number = StringField(_l("Employee number"),
                                  validators=[DataRequired(_l("Enter the employee number.")), Length(max=32)])
    email = EmailField(_l("E-mail (optional)"), validators=[Optional(), Length(max=254)])
    role = SelectField(_l("Role"))
    store_id = SelectField(_l("Store"), coerce=optional_id, validate_choice=False)
    district_id = SelectField(_l("District"), coerce=optional_id, validate_choice=False)
    manager_id = SelectField(_l("Manager"), coerce=optional_id, validate_choice=False)
    hire_date = DateField(_l("Hire date"), validators=[Optional()])
    # Choices are filled per request (routes._fill_choices): tuples given here warn on WTForms 3.3.
    locale = SelectField(_l("Language"))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[
        FileRequired(_l("Choose a CSV file to import.")),
        FileAllowed(["csv", "txt"], _l("Only .csv files can be imported.")),
    ])
    deactivate_missing = BooleanField(_l("Deactivate people who are not in this file"))


class ConfirmImportForm(FlaskForm):
    """The previewed file travels back with the plan's fingerprint: the import re-reads and re-checks it,
    and writes only if the plan is still the one shown."""

    content = HiddenField(validators=[DataRequired()])
    fingerprint = HiddenField(validators=[DataRequired(), Length(min=64, max=64)])
    deactivate_missing = HiddenField()


class StoreForm(FlaskForm):
    code = StringField(_l("Store code"), validators=[DataRequired(_l("Enter a store code.")), Length(max=20)])
    name = StringField(_l("Store name"), validators=[DataRequired(_l("Enter the store name.")),
                                                     Length(max=120)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    district_id = SelectField(_l("District"), coerce=optional_id, validate_choice=False)
    # Choices (by continent, Europe first) and the default (the company's zone) are filled per request;
    # the service refuses a zone that doesn't exist, so a hand-made post changes nothing.
    timezone = SelectField(_l("Time zone"), validate_choice=False)


class DistrictForm(FlaskForm):
    code = StringField(_l("District code"), validators=[DataRequired(_l("Enter a district code.")),
                                                        Length(max=20)])
    name = StringField(_l("District name"), validators=[DataRequired(_l("Enter the district name.")),
                                                        Length(max=120)])

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from app.core.forms import LocalizedIntegerField, choices, optional_id
from app.leagues.models import BASIS_LABELS, Basis


class LeagueForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Give the league a name.")), Length(max=80)])
    basis = RadioField(_l("Compare stores by"), default=Basis.PER_HEAD, validate_choice=False,
                       choices=choices(BASIS_LABELS.items()))
    kpi_id = SelectField(_l("KPI (for % of target)"), coerce=optional_id, validate_choice=False)
    division_size = LocalizedIntegerField(_l("Stores per division"), default=6,
                                          validators=[InputRequired(_l("Enter how many stores share a division."))])
    district_id = SelectField(_l("Stores"), coerce=optional_id, validate_choice=False)
    active = BooleanField(_l("Running"), default=True, validators=[Optional()])

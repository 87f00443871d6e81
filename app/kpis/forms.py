from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.core.forms import LocalizedIntegerField, LocalizedNumberField, choices, optional_id
from app.kpis.display import UNIT_LABELS


class KpiForm(FlaskForm):
    code = StringField(_l("Code"), validators=[Optional(), Length(max=40)])
    name = StringField(_l("Name"), validators=[InputRequired(_l("Give the KPI a name.")), Length(max=80)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=300)])
    unit = SelectField(_l("Unit"), choices=choices(UNIT_LABELS.items()))
    direction = SelectField(_l("Better when"), choices=choices([("higher", _l("Higher is better")),
                                                               ("lower", _l("Lower is better"))]))
    aggregation = SelectField(_l("Over days and stores"), choices=choices([
        ("sum", _l("Sum (sales, visitors)")), ("average", _l("Average of the daily values (scores)")),
        ("ratio", _l("Ratio of two base KPIs (computed, never entered)"))]))
    numerator_id = SelectField(_l("Ratio: numerator"), coerce=optional_id, validate_choice=False)
    denominator_id = SelectField(_l("Ratio: denominator"), coerce=optional_id, validate_choice=False)
    scale = LocalizedNumberField(_l("Ratio: multiply by"), default=1.0, validators=[Optional()])
    decimals = LocalizedIntegerField(_l("Decimals shown"), default=0,
                                     validators=[Optional(), NumberRange(0, 4, _l("Between 0 and 4."))])
    position = LocalizedIntegerField(_l("Order on dashboards"), default=200, validators=[Optional()])
    min_value = LocalizedNumberField(_l("Lowest valid value"), validators=[Optional()])
    max_value = LocalizedNumberField(_l("Highest valid value"), validators=[Optional()])


class UploadForm(FlaskForm):
    file = FileField(_l("CSV file"))

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import DataRequired


class DayOffForm(FlaskForm):
    day = DateField(_l("I'm off on…"), validators=[DataRequired(_l("Pick a date."))])

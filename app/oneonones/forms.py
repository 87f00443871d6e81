from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TimeField
from wtforms.validators import InputRequired

from app.core.forms import optional_id


class WhenForm(FlaskForm):
    """A day and a time on the store's clock (the route turns them into UTC)."""

    day = DateField(_l("Day"), validators=[InputRequired(_l("Choose a day."))])
    time = TimeField(_l("Time"), validators=[InputRequired(_l("Choose a time."))])


class ScheduleForm(WhenForm):
    person_id = SelectField(_l("With"), coerce=optional_id, validate_choice=False,
                            validators=[InputRequired(_l("Choose who the 1:1 is with."))])

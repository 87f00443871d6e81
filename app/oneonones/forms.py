from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TimeField
from wtforms.validators import InputRequired


def _optional_int(value) -> int | None:
    """The "Choose someone…" placeholder is empty: no person, not an error while rendering."""
    if value in ("", None):
        return None
    return int(value)


class WhenForm(FlaskForm):
    """A day and a time on the store's clock (the route turns them into UTC)."""

    day = DateField(_l("Day"), validators=[InputRequired(_l("Choose a day."))])
    time = TimeField(_l("Time"), validators=[InputRequired(_l("Choose a time."))])


class ScheduleForm(WhenForm):
    person_id = SelectField(_l("With"), coerce=_optional_int, validate_choice=False,
                            validators=[InputRequired(_l("Choose who the 1:1 is with."))])

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length


def optional_int(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ScreenForm(FlaskForm):
    name = StringField(_l("Screen name"), validators=[InputRequired(_l("Name the screen, e.g. “Back office TV”.")),
                                                      Length(max=80)])
    store_id = SelectField(_l("Store"), coerce=optional_int, validate_choice=False)

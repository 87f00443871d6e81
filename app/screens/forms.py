from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length

from app.core.forms import optional_id


class ScreenForm(FlaskForm):
    name = StringField(_l("Screen name"), validators=[InputRequired(_l("Name the screen, e.g. “Back office TV”.")),
                                                      Length(max=80)])
    store_id = SelectField(_l("Store"), coerce=optional_id, validate_choice=False)

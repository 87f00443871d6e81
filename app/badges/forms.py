from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.core.forms import optional_id


class GiveBadgeForm(FlaskForm):
    badge_id = SelectField(_l("Badge"), coerce=optional_id, validate_choice=False,
                           validators=[DataRequired(_l("Choose a badge."))])
    note = TextAreaField(_l("What did they do?"), validators=[
        DataRequired(_l("Say what they did: it's shown with the badge.")), Length(max=280)])

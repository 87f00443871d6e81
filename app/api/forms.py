from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import choices


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[
        InputRequired(_l("Name the token after the system that will use it.")),
                                               Length(max=80)])
    scope = RadioField(_l("Reaches"), default="some",
                       choices=choices([("some", _l("Only the stores chosen below")),
                                        ("all", _l("All stores"))]))
    store_ids = SelectMultipleField(_l("Stores"), coerce=int, validate_choice=False,
                                    widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

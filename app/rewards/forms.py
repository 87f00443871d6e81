from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.core.forms import CheckboxListField, LocalizedIntegerField, choices
from app.rewards.pictures import ILLUSTRATIONS


class RewardForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Give the reward a name.")), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=1000)])
    cost = LocalizedIntegerField(_l("Cost in points"), validators=[InputRequired(_l("Enter the cost in points."))])
    stock = LocalizedIntegerField(_l("Stock"), validators=[Optional()])
    per_person_limit = LocalizedIntegerField(_l("Limit per person"), validators=[Optional()])
    availability = RadioField(_l("Offered in"), default="all",
                              choices=choices([("all", _l("All stores")),
                                               ("some", _l("Only the stores chosen below"))]))
    store_ids = CheckboxListField(_l("Stores"), coerce=int, validate_choice=False)
    illustration = RadioField(_l("Illustration"), default="gift",
                              choices=choices(ILLUSTRATIONS.items()))
    picture = FileField(_l("Or upload a picture (JPEG, PNG or WebP, at most 2 MB)"))
    remove_picture = BooleanField(_l("Remove the uploaded picture"))
    active = BooleanField(_l("Shown in the store"), default=True)

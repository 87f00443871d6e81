from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.core.forms import LocalizedIntegerField


class EndorseForm(FlaskForm):
    stage_id = SelectField(_l("Stage"), coerce=int, validate_choice=False)
    note = TextAreaField(_l("Why are they ready?"), validators=[
        DataRequired(_l("Say in a sentence why they are ready.")), Length(max=500)])


class StageForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the stage a name.")), Length(max=60)])
    description = TextAreaField(_l("Description"), validators=[Length(max=280)])
    min_lifetime_points = LocalizedIntegerField(_l("Lifetime points needed"), validators=[
        InputRequired(_l("Enter a number of points (0 for none).")), NumberRange(min=0)])
    required_badge_keys = StringField(_l("Badges needed"), validators=[Length(max=400)])
    required_mission_ids = StringField(_l("Missions needed"), validators=[Length(max=400)])
    requires_endorsement = BooleanField(_l("A manager's endorsement is needed"))
    level_points = LocalizedIntegerField(_l("Points per level"), validators=[
        InputRequired(_l("Enter the points per level.")), NumberRange(min=1)])

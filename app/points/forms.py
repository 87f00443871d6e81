from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.core.forms import LocalizedIntegerField, choices


class AwardForm(FlaskForm):
    person_id = SelectField(_l("Who"), coerce=int, validate_choice=False)
    points = LocalizedIntegerField(_l("Points"), validators=[
        DataRequired(_l("Enter how many points.")), NumberRange(min=1, message=_l("At least 1 point."))])
    reason = TextAreaField(_l("Why"), validators=[
        DataRequired(_l("Say what they did: it's what they'll read.")), Length(max=280)])
    # Generated when the form is drawn: a double tap or a retried post pays once.
    idempotency_key = HiddenField()


class DisputeForm(FlaskForm):
    comment = TextAreaField(_l("What looks wrong?"), validators=[
        DataRequired(_l("Tell your manager what looks wrong.")), Length(max=500)])


class ResolveForm(FlaskForm):
    outcome = SelectField(_l("Decision"), choices=choices([("uphold", _l("The points stand")),
                                                           ("reverse", _l("Reverse the entry"))]))
    note = TextAreaField(_l("Answer"), validators=[DataRequired(_l("Explain your decision.")), Length(max=500)])


class ReverseForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Say why.")), Length(max=280)])


class AwardLimitsForm(FlaskForm):
    """The ranges are checked by app.points.limits.save, so every caller meets the same messages."""

    mission_max = LocalizedIntegerField(_l("Most points one mission may pay"),
                                        validators=[InputRequired(_l("Enter a number of points."))])
    prize_max = LocalizedIntegerField(_l("Most points one challenge prize may pay each winner"),
                                      validators=[InputRequired(_l("Enter a number of points."))])

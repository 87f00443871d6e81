from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from app.challenges.models import AUDIENCE_LABELS, FORMAT_LABELS, KIND_LABELS, METRIC_LABELS
from app.core.forms import LocalizedIntegerField, LocalizedNumberField, choices, optional_id


class ChallengeForm(FlaskForm):
    """The rules themselves (targets, who may choose which stores, dates) are checked by the service, so
    the API or a job creating a challenge meets the very same messages."""

    title = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    description = TextAreaField(_l("What it's about (optional)"), validators=[Optional(), Length(max=1000)])
    kind = RadioField(_l("Who competes?"), choices=choices(KIND_LABELS.items()), default="individual")
    audience = RadioField(_l("Which stores take part?"), choices=choices(AUDIENCE_LABELS.items()), default="store")
    store_id = SelectField(_l("Store"), coerce=optional_id, validate_choice=False)
    district_id = SelectField(_l("District"), coerce=optional_id, validate_choice=False)
    metric = RadioField(_l("What counts?"), choices=choices(METRIC_LABELS.items()), default="points")
    kpi_id = SelectField(_l("KPI"), coerce=optional_id, validate_choice=False)
    format = RadioField(_l("How is it won?"), choices=choices(FORMAT_LABELS.items()), default="ranking")
    target = LocalizedNumberField(_l("Target (races)"), validators=[
        Optional(), NumberRange(min=0, message=_l("A target can't be negative."))])
    winners_count = LocalizedIntegerField(_l("Number of winners"), validators=[Optional()])
    reward_points = LocalizedIntegerField(_l("Points for each winner"), default=0, validators=[Optional()])
    reward_badge_id = SelectField(_l("Badge for each winner (optional)"), coerce=optional_id,
                                  validate_choice=False)
    starts_on = DateField(_l("First day"), validators=[Optional()])
    ends_on = DateField(_l("Last day"), validators=[Optional()])

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.forms import LocalizedIntegerField, choices, optional_id
from app.missions.authoring import MAX_POINTS
from app.missions.models import AUDIENCE_LABELS, EVIDENCE_LABELS, RECURRENCE_LABELS


class MissionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the mission a title.")),
                                                 Length(max=120)])
    description = TextAreaField(_l("What to do and why"), validators=[Optional(), Length(max=2000)])
    steps = TextAreaField(_l("Checklist (optional)"), validators=[Optional(), Length(max=4000)])
    evidence_type = RadioField(_l("How do people show it's done?"),
                               choices=choices(EVIDENCE_LABELS.items()), default="tick")
    requires_approval = BooleanField(_l("A manager checks the answer or photo before points are paid"))
    quiz = TextAreaField(_l("Quiz questions"), validators=[Optional(), Length(max=10000)])
    pass_mark = LocalizedIntegerField(_l("Pass mark (% of answers right)"), default=80,
                                      validators=[Optional(), NumberRange(1, 100, _l("Between 1 and 100."))])
    points = LocalizedIntegerField(_l("Points"), default=20, validators=[
        DataRequired(_l("Say how many points it pays.")),
        NumberRange(1, MAX_POINTS, _l("Between 1 and %(max)d points."))])
    badge_id = SelectField(_l("Badge on completion (optional)"), coerce=optional_id, validate_choice=False)
    store_id = SelectField(_l("Store"), coerce=optional_id, validate_choice=False)
    audience = RadioField(_l("Who gets it?"), choices=choices(AUDIENCE_LABELS.items()),
                          default="store")
    audience_role = SelectField(_l("Role"), validate_choice=False)
    new_hire_days = LocalizedIntegerField(_l("Hired within the last … days"), default=30,
                                          validators=[Optional(), NumberRange(1, 365, _l("Between 1 and 365."))])
    person_ids = SelectMultipleField(_l("People"), coerce=int, validate_choice=False)
    start_date = DateField(_l("Starts"), validators=[Optional()])
    due_date = DateField(_l("Due (last day for repeating missions)"), validators=[Optional()])
    recurrence = SelectField(_l("Repeats"), choices=choices(RECURRENCE_LABELS.items()),
                             default="none")


class JourneyForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the journey a name.")), Length(max=120)])
    description = TextAreaField(_l("Description (optional)"), validators=[Optional(), Length(max=2000)])


class JourneyStepForm(FlaskForm):
    mission_id = SelectField(_l("Onboarding mission"), coerce=optional_id, validate_choice=False)
    due_after_days = LocalizedIntegerField(_l("Due … days after the start"), default=7,
                                           validators=[InputRequired(_l("Say when it is due.")),
                                              NumberRange(0, 365, _l("Between 0 and 365."))])

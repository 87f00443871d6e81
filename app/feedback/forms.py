from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from app.core.forms import LocalizedIntegerField, choices
from app.feedback.models import AUDIENCE_LABELS, MAX_MESSAGE, MAX_QUESTION, MAX_UPWARD


def _person_field(label):
    return SelectField(label, coerce=int, validate_choice=False, default=0)


class KudosForm(FlaskForm):
    receiver_id = _person_field(_l("Who"))
    message = TextAreaField(_l("What did they do well?"),
                            validators=[InputRequired(_l("Say what they did well."))],
                            render_kw={"maxlength": MAX_MESSAGE, "rows": 4})
    value_id = SelectField(_l("Company value"), coerce=int, validate_choice=False, default=0)
    visibility = RadioField(_l("Who sees it"), default="public", choices=choices([
        ("public", _l("The whole store, in the feed")), ("private", _l("Only them (and their manager)"))]))
    points = LocalizedIntegerField(_l("Points from your budget"), validators=[Optional()], default=0)


class FeedbackForm(FlaskForm):
    receiver_id = _person_field(_l("Who"))
    message = TextAreaField(_l("Your feedback"), validators=[InputRequired(_l("Write your feedback."))],
                            render_kw={"maxlength": MAX_MESSAGE, "rows": 5})


class RequestForm(FlaskForm):
    asked_id = _person_field(_l("Ask"))
    question = TextAreaField(_l("What would you like feedback on?"),
                             validators=[InputRequired(_l("Say what you'd like feedback on."))],
                             render_kw={"maxlength": MAX_QUESTION, "rows": 3,
                                        "placeholder": _l("How did my upsell pitch go?")})


class AnswerForm(FlaskForm):
    message = TextAreaField(_l("Your feedback"), validators=[InputRequired(_l("Write your feedback."))],
                            render_kw={"maxlength": MAX_MESSAGE, "rows": 5})


class UpwardForm(FlaskForm):
    audience = RadioField(_l("For"), default="manager", choices=choices(AUDIENCE_LABELS.items()))
    body = TextAreaField(_l("Your feedback or question"),
                         validators=[InputRequired(_l("Write your feedback or question."))],
                         render_kw={"maxlength": MAX_UPWARD, "rows": 5})
    anonymous = BooleanField(_l("Send it anonymously"))


class UpwardAnswerForm(FlaskForm):
    answer = TextAreaField(_l("Your answer"), validators=[InputRequired(_l("Write your answer."))],
                           render_kw={"maxlength": MAX_UPWARD, "rows": 5})
    share = BooleanField(_l("Share the question and answer with the team (in the store feed)"))


class ValueForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Give the value a name."))],
                       render_kw={"maxlength": 60})
    description = StringField(_l("Description"), validators=[Optional()], render_kw={"maxlength": 200})

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, TimeField
from wtforms.validators import InputRequired

from app.core.forms import choices

CAP_CHOICES = (0, 1, 2, 3, 5, 8, 10, 20)


class NudgeSettingsForm(FlaskForm):
    pushed = SelectMultipleField(_l("Send a push for"))
    quiet_hours = BooleanField(_l("Hold pushes during quiet hours"))
    quiet_start = TimeField(_l("Quiet from"), validators=[InputRequired(_l("Pick a time."))])
    quiet_end = TimeField(_l("Quiet until"), validators=[InputRequired(_l("Pick a time."))])
    daily_cap = SelectField(_l("Pushes a day, at most"), coerce=int)

    def set_choices(self, types) -> None:
        self.pushed.choices = choices((t.key, t.label) for t in types)
        self.daily_cap.choices = choices(
            (n, _l("None: only here in the app") if n == 0 else str(n)) for n in CAP_CHOICES)

from flask import render_template
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.actions import attempt, done
from app.core.htmx import is_fragment_request
from app.streaks import bp, queries, services
from app.streaks.forms import DayOffForm


def _page(form: DayOffForm, status: int = 200, remove_error: str | None = None):
    template = "streaks/_days_off.html" if is_fragment_request() else "streaks/index.html"
    today = services.local_today(current_user)
    return render_template(template, form=form, streak=queries.streak_status(current_user, today),
                           days_off=queries.upcoming_days_off(current_user, today), today=today,
                           max_day=today.fromordinal(today.toordinal() + services.DAYS_OFF_AHEAD),
                           remove_error=remove_error), status


@bp.get("/")
@login_required
def index():
    return _page(DayOffForm(formdata=None))


@bp.post("/days-off")
@login_required
def add_day_off():
    form = DayOffForm()
    if form.validate_on_submit():
        with attempt(form, field="day") as outcome:
            day_off = services.add_day_off(current_user, form.day.data)
        if outcome.ok:
            if is_fragment_request():
                return _page(DayOffForm(formdata=None))
            return done(_("%(day)s marked as off: your streak is safe that day.",
                          day=format_date(day_off.day, "full")), "streaks.index")
    return _page(form, 422)


@bp.post("/days-off/remove")
@login_required
def remove_day_off():
    form = DayOffForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            services.remove_day_off(current_user, form.day.data)
        if not outcome.ok:
            return _page(DayOffForm(formdata=None), 422, remove_error=outcome.message)
        if is_fragment_request():
            return _page(DayOffForm(formdata=None))
        return done(_("Day off removed."), "streaks.index")
    return _page(DayOffForm(formdata=None), 422, remove_error=_("Pick a date."))

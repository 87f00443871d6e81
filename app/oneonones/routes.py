"""1:1 check-ins (everyone: the ones they're in) and the managers' coaching view.

A 1:1 is read and changed only by its two participants: anyone else gets a 404 (we don't confirm that
it exists). What each participant may change is decided in services.py."""

from datetime import date, time, timedelta

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from app.core import params
from app.core.actions import attempt, done, form_status
from app.core.errors import ServiceError
from app.core.forms import choices
from app.core.htmx import is_fragment_request, render, see_other
from app.core.timezones import local_time, local_today, utc_of, zone_for
from app.extensions import db
from app.oneonones import bp, queries, services
from app.oneonones.forms import ScheduleForm, WhenForm
from app.oneonones.models import PULSE_WORDS, OneOnOne
from app.oneonones.timing import day as format_day
from app.oneonones.timing import when as format_when
from app.org import authz
from app.org.models import Role


@bp.app_template_filter("oneonone_when")
def _when_filter(moment) -> str:
    return format_when(moment, zone_for(current_user))


@bp.app_template_filter("oneonone_day")
def _day_filter(moment) -> str:
    return format_day(moment, zone_for(current_user))


def kudos_url(person_id: int) -> str:
    """The feedback feature's kudos form for `person_id`."""
    try:
        return url_for("feedback.give_kudos", to=person_id)
    except BuildError:
        # Until app.feedback registers feedback.give_kudos: the path it is going to have.
        return f"/feedback/kudos?to={person_id}"


def _one_or_404(one_on_one_id: int) -> OneOnOne:
    return queries.one_on_one_for(current_user, one_on_one_id) or abort(404)


def _own_one_or_404(one_on_one_id: int) -> OneOnOne:
    """The 1:1 if it is about `current_user` (the person's own answers)."""
    one = _one_or_404(one_on_one_id)
    if one.person_id != current_user.id:
        abort(404)
    return one


def _managed_one_or_404(one_on_one_id: int) -> OneOnOne:
    return queries.managed_one_on_one_for(current_user, one_on_one_id) or abort(404)


# -- My 1:1s -----------------------------------------------------------------------------------------

@bp.get("/")
@login_required
def index():
    return render("oneonones/index.html", "oneonones/_list.html", mine=queries.my_one_on_ones(current_user))


# -- Booking -----------------------------------------------------------------------------------------

def _schedule_form() -> ScheduleForm:
    form = ScheduleForm()
    people = queries.schedulable_people(current_user)
    form.person_id.choices = choices([("", _("Choose someone…"))] + [
        (person.id, person.full_name if person.store is None or current_user.role == Role.STORE_MANAGER
         else f"{person.full_name} · {person.store.name}") for person in people])
    form.allowed_ids = {person.id for person in people}
    return form


def _render_schedule(form: ScheduleForm, status: int = 200):
    return render_template("oneonones/schedule.html", form=form, today=local_today(current_user)), status


@bp.get("/new")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def schedule():
    """The booking form; `?with=<person id>` preselects the person (the coaching view links here)."""
    form = _schedule_form()
    # A sensible default to adjust: tomorrow at 10:00 on the store's clock.
    form.day.data, form.time.data = local_today(current_user) + timedelta(days=1), time(10, 0)
    chosen = params.id_arg("with")
    if chosen is not None:
        if chosen not in form.allowed_ids:
            abort(404)
        form.person_id.data = chosen
    return _render_schedule(form)


@bp.post("/new")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def create():
    form = _schedule_form()
    person_id = params.id_arg("person_id", request.form)
    if person_id is not None and person_id not in form.allowed_ids:
        abort(404)  # someone outside your scope: we don't confirm they exist
    if not form.validate_on_submit():
        return _render_schedule(form, 422)
    person = authz.managed_person_or_404(current_user, form.person_id.data)
    with attempt(form) as outcome:
        one = services.schedule(current_user, person,
                                utc_of(form.day.data, form.time.data, zone_for(current_user)))
    if not outcome.ok:
        return _render_schedule(form, 422)
    return done(_("1:1 with %(name)s booked for %(when)s. We've let them know.", name=person.first_name,
                  when=format_when(one.scheduled_at, zone_for(current_user))),
                "oneonones.detail", one_on_one_id=one.id)


@bp.route("/<int:one_on_one_id>/reschedule", methods=["GET", "POST"])
@login_required
def reschedule(one_on_one_id: int):
    one = _managed_one_or_404(one_on_one_id)
    form = WhenForm()
    zone = zone_for(current_user)
    if request.method == "GET":
        moment = local_time(one.scheduled_at, zone)
        form.day.data, form.time.data = moment.date(), moment.time().replace(second=0, microsecond=0)
    elif form.validate_on_submit():
        with attempt(form) as outcome:
            services.reschedule(current_user, one, utc_of(form.day.data, form.time.data, zone))
        if outcome.ok:
            return done(_("Moved to %(when)s. We've let %(name)s know.", when=format_when(one.scheduled_at, zone),
                          name=one.person.first_name), "oneonones.detail", one_on_one_id=one.id)
    return render_template("oneonones/reschedule.html", form=form, one=one,
                           today=local_today(current_user)), form_status(form)


# -- One 1:1 -----------------------------------------------------------------------------------------

def _context(one: OneOnOne, **extra) -> dict:
    return {"d": queries.detail(current_user, one), "pulse_words": PULSE_WORDS,
            "today": local_today(current_user), **extra}


@bp.get("/<int:one_on_one_id>")
@login_required
def detail(one_on_one_id: int):
    one = _one_or_404(one_on_one_id)
    return render("oneonones/detail.html", "oneonones/_body.html", **_context(one))


def _change(one: OneOnOne, action, fragment: str, success: str | None = None):
    """Run a service for an htmx region: the region comes back (422 with the message when refused);
    without JavaScript, the page again with a flash message."""
    with attempt() as outcome:
        action()
    if is_fragment_request():
        db.session.expire_all()
        one = _one_or_404(one.id)
        context = _context(one, error=outcome.error, saved=success if outcome.ok else None)
        return render_template(fragment, **context), outcome.status
    outcome.flash(success)
    return see_other("oneonones.detail", one_on_one_id=one.id)


@bp.post("/<int:one_on_one_id>/pulse")
@login_required
def answer_pulse(one_on_one_id: int):
    one = _own_one_or_404(one_on_one_id)
    return _change(one, lambda: services.answer_pulse(current_user, one, request.form.get("pulse")),
                   "oneonones/_pulse.html", _("Thanks, %(name)s will see it in your 1:1.",
                                              name=one.manager.first_name))


@bp.post("/<int:one_on_one_id>/agenda")
@login_required
def add_agenda_item(one_on_one_id: int):
    one = _one_or_404(one_on_one_id)
    return _change(one, lambda: services.add_agenda_item(current_user, one, request.form.get("text")),
                   "oneonones/_agenda.html", _("Added to the agenda."))


@bp.post("/<int:one_on_one_id>/agenda/<int:agenda_item_id>/toggle")
@login_required
def toggle_agenda_item(one_on_one_id: int, agenda_item_id: int):
    one = _one_or_404(one_on_one_id)
    item = queries.agenda_item_of(one, agenda_item_id) or abort(404)
    return _change(one, lambda: services.toggle_agenda_item(current_user, one, item), "oneonones/_agenda.html")


@bp.post("/<int:one_on_one_id>/notes")
@login_required
def save_notes(one_on_one_id: int):
    one = _managed_one_or_404(one_on_one_id)
    return _change(one, lambda: services.save_notes(current_user, one, request.form.get("notes")),
                   "oneonones/_notes.html", _("Notes saved."))


@bp.post("/<int:one_on_one_id>/private-note")
@login_required
def save_private_note(one_on_one_id: int):
    one = _managed_one_or_404(one_on_one_id)
    return _change(one, lambda: services.save_private_note(current_user, one, request.form.get("private_note")),
                   "oneonones/_private_note.html", _("Private note saved."))


def _due_on(value: str | None) -> date | None:
    day = params.parse_date(value) if value else None
    if value and day is None:
        raise ServiceError(_("That due date isn't a date."), field="due_on")
    return day


@bp.post("/<int:one_on_one_id>/actions")
@login_required
def add_action_item(one_on_one_id: int):
    one = _one_or_404(one_on_one_id)

    def add():
        draft = services.ActionDraft(request.form.get("action_text"), params.id_arg("owner_id", request.form),
                                     _due_on(request.form.get("due_on")))
        services.add_action_item(current_user, one, draft, today=local_today(current_user))

    return _change(one, add, "oneonones/_actions.html", _("Action added."))


@bp.post("/<int:one_on_one_id>/actions/<int:action_item_id>/toggle")
@login_required
def toggle_action_item(one_on_one_id: int, action_item_id: int):
    one = _one_or_404(one_on_one_id)
    item = queries.action_item_of(one, action_item_id) or abort(404)
    return _change(one, lambda: services.toggle_action_item(current_user, one, item), "oneonones/_actions.html")


@bp.post("/<int:one_on_one_id>/complete")
@login_required
def complete(one_on_one_id: int):
    one = _managed_one_or_404(one_on_one_id)
    return _change(one, lambda: services.complete(current_user, one), "oneonones/_body.html",
                   _("1:1 marked as done. Open actions carry over to the next one."))


@bp.post("/<int:one_on_one_id>/cancel")
@login_required
def cancel(one_on_one_id: int):
    one = _managed_one_or_404(one_on_one_id)
    return _change(one, lambda: services.cancel(current_user, one), "oneonones/_body.html",
                   _("1:1 cancelled."))


# -- Coaching ----------------------------------------------------------------------------------------

@bp.get("/coaching")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def coaching():
    view = queries.coaching(current_user, request.args.get("sort", "debt"))
    return render("oneonones/coaching.html", "oneonones/_coaching.html", view=view, kudos_url=kudos_url)

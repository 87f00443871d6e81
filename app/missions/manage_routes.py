"""Managers and HR: the mission list, the create/edit form, a mission's progress, and onboarding
journeys."""

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.core import params, timezones
from app.core.actions import attempt, done, form_status
from app.core.errors import ServiceError
from app.core.forms import choices
from app.core.htmx import render, see_other
from app.core.timezones import local_today
from app.missions import authoring, bp, manage_queries, onboarding, services
from app.missions.authoring import MISSION_AUTHORS, MissionDraft
from app.missions.forms import JourneyForm, JourneyStepForm, MissionForm
from app.missions.models import AUDIENCE_LABELS, Audience, EvidenceType
from app.org import authz
from app.org import queries as org_queries
from app.org.models import ROLE_LABELS

MANAGE_PAGES = ("missions.manage", "missions.new_mission", "missions.edit_mission", "missions.mission",
                "missions.journeys", "missions.journey")


@bp.get("/manage")
@authz.roles_required(*MISSION_AUTHORS)
def manage():
    archived = request.args.get("show") == "archived"
    return render("missions/manage.html", "missions/_manage_rows.html",
                  rows=manage_queries.managed_missions(current_user, archived=archived), archived=archived,
                  waiting=manage_queries.signoff_count(current_user))


def _fill_choices(form: MissionForm) -> None:
    stores = org_queries.store_choices(current_user)
    org_wide = current_user.role in authz.ORG_ADMINS
    everywhere = [("", _("All stores"))] if org_wide else []
    form.store_id.choices = choices(everywhere + [(s.id, s.name) for s in stores])
    if not org_wide:
        form.audience.choices = choices((key, label) for key, label in AUDIENCE_LABELS.items()
                                        if key != Audience.JOURNEY)
    form.audience_role.choices = choices((role, str(ROLE_LABELS[role]))
                                         for role in authoring.role_choices(current_user))
    form.person_ids.choices = choices(
        (p.id, f"{p.full_name} · {p.store.name}" if p.store else p.full_name)
        for p in manage_queries.people_choices(current_user))
    form.badge_id.choices = choices([("", _("— none —"))] + manage_queries.badge_choices())


def _draft(form: MissionForm) -> MissionDraft:
    questions = []
    if form.evidence_type.data == EvidenceType.QUIZ:
        questions = authoring.parse_quiz(form.quiz.data or "")
    return MissionDraft(
        title=form.title.data or "", description=form.description.data or "",
        evidence_type=form.evidence_type.data, requires_approval=bool(form.requires_approval.data),
        points=form.points.data, badge_id=form.badge_id.data,
        steps=authoring.parse_steps(form.steps.data or ""),
        questions=questions, pass_mark=form.pass_mark.data or 80, store_id=form.store_id.data,
        audience=form.audience.data, audience_role=form.audience_role.data or None,
        new_hire_days=form.new_hire_days.data, person_ids=list(form.person_ids.data or []),
        start_date=form.start_date.data, due_date=form.due_date.data, recurrence=form.recurrence.data)


def _save(form: MissionForm, mission=None):
    """Validate and save: the mission's page once saved, else the form again with what to fix."""
    if form.validate_on_submit():
        today = local_today(current_user)
        with attempt(form) as outcome:
            draft = _draft(form)
            if mission is None:
                mission = services.create_mission(current_user, draft, today=today)
            else:
                services.update_mission(current_user, mission, draft, today=today)
        if outcome.ok:
            return done(_("Mission “%(title)s” saved.", title=mission.title), "missions.mission",
                        mission_id=mission.id)
    return render_template("missions/form.html", form=form, mission=mission), form_status(form)


@bp.route("/manage/new", methods=["GET", "POST"])
@authz.roles_required(*MISSION_AUTHORS)
def new_mission():
    form = MissionForm()
    _fill_choices(form)
    if request.method == "GET":
        form.store_id.data = current_user.store_id
        form.start_date.data = local_today(current_user)
    return _save(form)


def _mission_or_404(mission_id: int):
    return manage_queries.mission_in_scope(current_user, mission_id) or abort(404)


@bp.route("/manage/<int:mission_id>/edit", methods=["GET", "POST"])
@authz.roles_required(*MISSION_AUTHORS)
def edit_mission(mission_id: int):
    mission = _mission_or_404(mission_id)
    form = MissionForm(obj=mission)
    _fill_choices(form)
    if request.method == "GET":
        form.steps.data = authoring.steps_to_text(mission)
        form.quiz.data = authoring.quiz_to_text(mission)
        form.pass_mark.data = mission.quiz_pass_mark
        form.person_ids.data = [target.person_id for target in mission.targets]
    return _save(form, mission)


@bp.get("/manage/<int:mission_id>")
@authz.roles_required(*MISSION_AUTHORS)
def mission(mission_id: int):
    mission = _mission_or_404(mission_id)
    today = local_today(current_user)
    return render_template("missions/mission.html", mission=mission, today=today,
                           progress=manage_queries.mission_progress(current_user, mission, today))


@bp.post("/manage/<int:mission_id>/active")
@authz.roles_required(*MISSION_AUTHORS)
def set_mission_active(mission_id: int):
    mission = _mission_or_404(mission_id)
    active = request.form.get("active") == "1"
    with attempt() as outcome:
        services.set_active(current_user, mission, active, today=local_today(current_user))
    outcome.flash(_("Mission is live again.") if active else _("Mission withdrawn: it no longer shows on phones."))
    return see_other("missions.mission", mission_id=mission.id)


# Onboarding journeys (HR) ----------------------------------------------------------------------------

@bp.route("/journeys", methods=["GET", "POST"], endpoint="journeys")
@authz.roles_required(*authz.ORG_ADMINS)
def journeys_page():
    form = JourneyForm()
    if form.validate_on_submit():
        with attempt(form, field="name") as outcome:
            journey = onboarding.create_journey(current_user, name=form.name.data,
                                              description=form.description.data or "")
        if outcome.ok:
            return done(_("Journey created. Now add its missions in order."), "missions.journey",
                        journey_id=journey.id)
    return render_template("missions/journeys.html", form=form, journeys=manage_queries.journeys(),
                           progress=manage_queries.journey_progress), form_status(form)


def _journey_or_404(journey_id: int):
    return manage_queries.journey_or_none(journey_id) or abort(404)


def _step_form(journey) -> JourneyStepForm:
    form = JourneyStepForm()
    form.mission_id.choices = choices([("", _("— choose —"))] + [
        (m.id, m.title) for m in manage_queries.journey_mission_choices(journey)])
    return form


@bp.route("/journeys/<int:journey_id>", methods=["GET", "POST"])
@authz.roles_required(*authz.ORG_ADMINS)
def journey(journey_id: int):
    journey = _journey_or_404(journey_id)
    form = _step_form(journey)
    if form.validate_on_submit():
        with attempt(form, field="mission_id") as outcome:
            onboarding.add_step(current_user, journey, mission_id=form.mission_id.data,
                              due_after_days=form.due_after_days.data)
        if outcome.ok:
            return done(_("Mission added to the journey."), "missions.journey", journey_id=journey.id)
    status = form_status(form)
    recent_days = onboarding.RECENT_HIRE_DAYS
    recent_count = None if journey.active else onboarding.count_recent_hires(current_user, journey, recent_days,
                                                                            _company_today())
    return render_template("missions/journey.html", journey=journey, form=form,
                           progress=manage_queries.journey_progress(journey),
                           replacing=None if journey.active else onboarding.active_other(journey),
                           recent_days=recent_days, recent_count=recent_count), status


@bp.post("/journeys/<int:journey_id>/steps/<int:step_id>")
@authz.roles_required(*authz.ORG_ADMINS)
def journey_step(journey_id: int, step_id: int):
    journey = _journey_or_404(journey_id)
    action = request.form.get("action", "")
    with attempt(flash_refusal=True):
        if action in ("up", "down"):
            onboarding.move_step(current_user, journey, step_id, -1 if action == "up" else 1)
        elif action == "remove":
            onboarding.remove_step(current_user, journey, step_id)
        else:
            raise ServiceError(_("Choose move up, move down or remove."))
    return see_other("missions.journey", journey_id=journey.id)


def _company_today():
    """Who counts as recently hired doesn't depend on which store HR sits in: the company's day."""
    return timezones.today_in(timezones.default_zone())


@bp.post("/journeys/<int:journey_id>/active")
@authz.roles_required(*authz.ORG_ADMINS)
def set_journey_active(journey_id: int):
    journey = _journey_or_404(journey_id)
    active = request.form.get("active") == "1"
    # Ticked "also give it to people hired in the last N days": N is checked before anything changes.
    recent = active and request.form.get("recent") == "1"
    reached = 0
    with attempt(flash_refusal=True) as outcome:
        days = onboarding.check_recent_days(params.int_arg("recent_days", clamp=False, source=request.form)) \
            if recent else 0
        onboarding.set_active(current_user, journey, active, replacing_id=request.form.get("replacing", type=int))
        if recent:
            reached = onboarding.give_to_recent_hires(current_user, journey, days, _company_today())
    if outcome.ok:
        flash(_("Journey switched on: new hires get it from now on.") if active else
              _("Journey switched off: new hires won't get it."), "success")
        if recent:
            flash(ngettext("%(num)d person hired recently got it too.", "%(num)d people hired recently got it too.",
                           reached), "success")
    return see_other("missions.journey", journey_id=journey.id)


@bp.get("/journeys/<int:journey_id>/recent-hires")
@authz.roles_required(*authz.ORG_ADMINS)
def journey_recent_hires(journey_id: int):
    """How many people "also give it to people hired recently" reaches: the journey page asks as N changes."""
    journey = _journey_or_404(journey_id)
    days = params.int_arg("recent_days", clamp=False)
    try:
        days = onboarding.check_recent_days(days)
    except ServiceError as error:
        count, problem = None, error.message
    else:
        count, problem = onboarding.count_recent_hires(current_user, journey, days, _company_today()), None
    return render_template("missions/_recent_hires.html", count=count, days=days, problem=problem)

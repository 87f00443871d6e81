from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.badges.queries import badge_names
from app.core.actions import attempt, done, form_status
from app.core.errors import ServiceError
from app.core.forms import choices
from app.core.htmx import is_fragment_request, see_other
from app.extensions import db
from app.journey import bp, queries, services, settings
from app.journey.forms import EndorseForm, StageForm
from app.journey.models import Stage
from app.org import authz


@bp.get("/")
@login_required
def index():
    journey = queries.journey_for(current_user)
    keys = sorted({key for stage in journey.stages for key in stage.required_badge_keys})
    return render_template("journey/index.html", journey=journey,
                           badge_names={key: badge.display_name for key, badge in badge_names(keys).items()},
                           endorsements=queries.endorsements_for(current_user.id))


@bp.post("/celebrations")
@login_required
def claim_celebrations():
    """Loaded once by the page (hx-trigger=load): claims the unseen stage-ups and badges atomically,
    so each is celebrated exactly once however many tabs are open."""
    stage_changes = queries.unseen_stage_changes(current_user.id)
    from app.badges.queries import unseen_grants

    grants = unseen_grants(current_user.id)
    change_ids, grant_ids = services.mark_celebrations_seen(current_user, [c.id for c in stage_changes],
                                                            [g.id for g in grants])
    db.session.commit()
    if not is_fragment_request():
        return see_other("home.index")
    stage_changes = [c for c in stage_changes if c.id in change_ids]
    grants = [g for g in grants if g.id in grant_ids]
    if not stage_changes and not grants:
        return ""
    return render_template("journey/_celebration.html",
                           stage_change=stage_changes[-1] if stage_changes else None, grants=grants)


@bp.route("/people/<int:person_id>/endorse", methods=["GET", "POST"])
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def endorse(person_id: int):
    person = authz.managed_person_or_404(current_user, person_id)
    choices = services.endorsable_stages(person)
    form = EndorseForm()
    form.stage_id.choices = [(stage.id, stage.display_name) for stage in choices]
    if form.validate_on_submit():
        stage = db.session.get(Stage, form.stage_id.data)
        with attempt(form, on_form=True) as outcome:
            if stage is None:
                raise ServiceError(_("Choose a stage."), field="stage_id")
            services.endorse(current_user, person, stage, form.note.data)
        if outcome.ok:
            return done(_("You endorsed %(name)s for %(stage)s.", name=person.first_name, stage=stage.display_name),
                        "org.person", person_id=person.id)
    return render_template("journey/endorse.html", form=form, person=person, choices=choices,
                           journey=queries.journey_for(person, for_endorser=True),
                           endorsements=queries.endorsements_for(person.id)), form_status(form)


@bp.route("/stages", methods=["GET", "POST"])
@authz.roles_required(*authz.ORG_ADMINS)
def stage_settings():
    all_stages = services.stages()
    badge_choices = queries.badge_requirement_choices(all_stages)
    mission_choices = queries.mission_requirement_choices(all_stages)

    def stage_form(stage, **formdata) -> StageForm:
        form = StageForm(prefix=f"s{stage.id}", obj=stage, **formdata)
        form.required_badge_keys.choices = choices(badge_choices)
        form.required_mission_ids.choices = choices(mission_choices)
        return form

    forms = {stage.id: stage_form(stage, formdata=None) for stage in all_stages}
    status = 200
    if request.method == "POST":
        stage_id = request.form.get("stage_id", "")
        stage = next((s for s in all_stages if str(s.id) == stage_id), None)
        if stage is None:
            return _settings_page(all_stages, forms, error=_("Choose a stage to change.")), 422
        form = stage_form(stage)
        forms[stage.id] = form
        if form.validate_on_submit():
            with attempt(form, on_form=True) as outcome:
                settings.update_stage(
                    current_user, stage, name=form.name.data, description=form.description.data or "",
                    min_lifetime_points=form.min_lifetime_points.data,
                    required_badge_keys=form.required_badge_keys.data or [],
                    required_mission_ids=form.required_mission_ids.data or [],
                    requires_endorsement=form.requires_endorsement.data, level_points=form.level_points.data)
            if outcome.ok:
                return done(_("%(stage)s saved.", stage=stage.display_name), "journey.stage_settings")
        status = 422
    return _settings_page(all_stages, forms), status


def _settings_page(all_stages, forms, error=None):
    return render_template("journey/stages.html", stages=all_stages, forms=forms, error=error)

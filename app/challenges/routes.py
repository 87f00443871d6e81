"""Challenges: the list (running, upcoming, past, drafts), the form, a challenge's live board, publishing
and cancelling. Everyone sees the challenges of their stores; managers and HR create them."""

from decimal import Decimal

import click
import sqlalchemy as sa
from flask import abort, flash, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.challenges import authoring, bp, lifecycle, queries
from app.challenges.authoring import AUTHORS, ChallengeDraft
from app.challenges.forms import ChallengeForm
from app.challenges.models import Audience, Challenge, Status
from app.core.actions import attempt, done, form_status
from app.core.forms import choices
from app.core.htmx import render, see_other
from app.extensions import db
from app.kpis.models import KpiDefinition
from app.org import authz
from app.org.models import ORG_WIDE_ROLES, Role
from app.org.queries import district_choices, store_choices

PAGES = ("challenges.detail", "challenges.new", "challenges.edit")


@bp.get("/")
@login_required
def index():
    section = request.args.get("show", "running")
    if section not in queries.SECTIONS or (section == "drafts" and current_user.role not in AUTHORS):
        section = "running"
    return render("challenges/index.html", "challenges/_list.html", section=section,
                  challenges=queries.listing(current_user, section), counts=queries.section_counts(current_user),
                  can_create=current_user.role in AUTHORS)


@bp.get("/<int:challenge_id>")
@login_required
def detail(challenge_id: int):
    challenge = queries.visible_or_none(current_user, challenge_id) or abort(404)
    return render("challenges/detail.html", "challenges/_standings.html", challenge=challenge,
                  board=queries.board(current_user, challenge),
                  can_manage=authoring.can_manage(current_user, challenge))


# The form --------------------------------------------------------------------------------------------------

def _form(challenge: Challenge | None) -> ChallengeForm:
    form = ChallengeForm(obj=challenge)
    form.store_id.choices = choices((store.id, store.name) for store in store_choices(current_user))
    if current_user.role in ORG_WIDE_ROLES:
        form.district_id.choices = choices((d.id, d.name) for d in district_choices())
    else:
        form.district_id.choices = choices([])
    audiences = {Role.STORE_MANAGER: (Audience.STORE,), Role.DISTRICT_MANAGER: (Audience.STORE, Audience.DISTRICT)}
    allowed = audiences.get(current_user.role, tuple(Audience))
    form.audience.choices = [choice for choice in form.audience.choices if choice.value in allowed]
    if current_user.role == Role.STORE_MANAGER:
        form.kind.choices = [choice for choice in form.kind.choices if choice.value == "individual"]
    kpis = db.session.scalars(sa.select(KpiDefinition).where(KpiDefinition.active.is_(True))
                              .order_by(KpiDefinition.position, KpiDefinition.id))
    form.kpi_id.choices = choices([("", _("— choose a KPI —"))] + [(kpi.id, kpi.name) for kpi in kpis])
    form.reward_badge_id.choices = choices([("", _("— none —"))] + [
        (badge.id, badge.display_name) for badge in authoring.badge_choices(current_user)])
    if request.method == "GET" and challenge is not None:
        stores = challenge.stores
        form.store_id.data = stores[0].id if stores else None
        form.district_id.data = challenge.district_id
        form.target.data = Decimal(str(challenge.target)) if challenge.target is not None else None
    return form


def _draft(form: ChallengeForm) -> ChallengeDraft:
    return ChallengeDraft(
        title=form.title.data or "", description=form.description.data or "", kind=form.kind.data,
        metric=form.metric.data, kpi_id=form.kpi_id.data, format=form.format.data,
        target=float(form.target.data) if form.target.data is not None else None,
        winners_count=form.winners_count.data, reward_points=form.reward_points.data,
        reward_badge_id=form.reward_badge_id.data, audience=form.audience.data, store_id=form.store_id.data,
        district_id=form.district_id.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data)


def _save(form: ChallengeForm, challenge: Challenge | None):
    if form.validate_on_submit():
        with attempt(form) as outcome:
            if challenge is None:
                challenge = authoring.create_challenge(current_user, _draft(form))
            else:
                authoring.update_challenge(current_user, challenge, _draft(form))
        if outcome.ok:
            return done(_("Saved. Publish it when you're ready: until then only managers see it."),
                        "challenges.detail", challenge_id=challenge.id)
    return render_template("challenges/form.html", form=form, challenge=challenge), form_status(form)


@bp.route("/new", methods=["GET", "POST"])
@authz.roles_required(*AUTHORS)
def new():
    return _save(_form(None), None)


@bp.route("/<int:challenge_id>/edit", methods=["GET", "POST"])
@authz.roles_required(*AUTHORS)
def edit(challenge_id: int):
    challenge = queries.manageable_or_none(current_user, challenge_id) or abort(404)
    if not challenge.is_editable:
        flash(_("A challenge can only be changed before it starts."), "error")
        return see_other("challenges.detail", challenge_id=challenge.id)
    return _save(_form(challenge), challenge)


def _act(challenge_id: int, action, success: str):
    challenge = queries.manageable_or_none(current_user, challenge_id) or abort(404)
    with attempt() as outcome:
        action(current_user, challenge)
    outcome.flash(success)
    return see_other("challenges.detail", challenge_id=challenge_id)


@bp.post("/<int:challenge_id>/publish")
@authz.roles_required(*AUTHORS)
def publish(challenge_id: int):
    return _act(challenge_id, authoring.publish, _("Published: everyone taking part can see it now."))


@bp.post("/<int:challenge_id>/cancel")
@authz.roles_required(*AUTHORS)
def cancel(challenge_id: int):
    return _act(challenge_id, authoring.cancel, _("Challenge cancelled."))


# CLI -------------------------------------------------------------------------------------------------------

@bp.cli.command("tick")
def tick_command():
    """Start, warn and close challenges whose dates have come (what the 5-minute job does)."""
    result = lifecycle.tick()
    click.echo(f"Started {len(result.started)}, warned {len(result.ending)}, closed {len(result.closed)}.")


@bp.app_template_global()
def challenge_score(value) -> str:
    """A score as people read it: whole numbers bare, per-head and KPI figures with up to two decimals."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0.##")


@bp.app_template_global()
def running_challenges_for(person) -> list:
    """The staff home and the board page show the challenges a person is in (the card renders nothing
    when there are none)."""
    return queries.running_for_person(person)


@bp.app_template_global()
def challenge_status_tone(status: str) -> str:
    return {Status.RUNNING: "pill--good", Status.SCHEDULED: "pill--brand", Status.DRAFT: "pill--warn",
            Status.CANCELLED: "pill--bad"}.get(status, "")

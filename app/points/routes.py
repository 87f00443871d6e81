import uuid

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core import params
from app.core.actions import attempt, done, form_status
from app.core.errors import ServiceError
from app.core.forms import choices
from app.core.htmx import render, see_other
from app.extensions import db
from app.org import authz
from app.org.models import Person, Role
from app.points import bp, disputes, ledger, limits, queries, sources
from app.points.forms import AwardForm, AwardLimitsForm, DisputeForm, ResolveForm, ReverseForm
from app.points.models import PointDispute, PointEntry


@bp.app_template_global()
def point_source(entry: PointEntry):
    return sources.describe(entry.source_type)


@bp.app_template_global()
def point_source_link(entry: PointEntry):
    return sources.link_for(entry.source_type, entry.source_id)


def _before_arg() -> int | None:
    return params.id_arg("before")


@bp.get("/points")
@login_required
def mine():
    lifetime, balance = ledger.balances(current_user.id)
    feed = queries.feed_page(current_user.id, before_id=_before_arg())
    return render("points/mine.html", "points/_feed.html", person=current_user, lifetime=lifetime,
                  balance=balance, feed=feed, own=True)


@bp.get("/people/<int:person_id>/points")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def person_points(person_id: int):
    person = authz.managed_person_or_404(current_user, person_id)
    lifetime, balance = ledger.balances(person.id)
    feed = queries.feed_page(person.id, before_id=_before_arg())
    return render("points/mine.html", "points/_feed.html", person=person, lifetime=lifetime,
                  balance=balance, feed=feed, own=False, reverse_form=ReverseForm())


@bp.route("/points/entries/<int:entry_id>/dispute", methods=["GET", "POST"])
@login_required
def dispute(entry_id: int):
    entry = queries.disputable_entry_or_none(current_user.id, entry_id) or abort(404)
    form = DisputeForm()
    if form.validate_on_submit():
        with attempt(form, field="comment") as outcome:
            disputes.open_dispute(current_user, entry, form.comment.data)
        if outcome.ok:
            return done(_("Sent. Your manager will look at it and answer here."), "points.mine")
    return render_template("points/dispute.html", form=form, entry=entry), form_status(form)


@bp.get("/points/disputes")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def dispute_queue():
    return render_template("points/disputes.html", items=queries.dispute_queue(current_user),
                           form=ResolveForm())


@bp.post("/points/disputes/<int:dispute_id>")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def resolve_dispute(dispute_id: int):
    dispute = db.session.get(PointDispute, dispute_id)
    if dispute is None or not authz.can_manage_person(current_user, dispute.person):
        abort(404)
    form = ResolveForm()
    if not form.validate_on_submit():
        flash(" ".join(map(str, form.note.errors or form.outcome.errors)) or _("Check the form."), "error")
        return see_other("points.dispute_queue")
    with attempt() as outcome:
        disputes.resolve(current_user, dispute, reverse_entry=form.outcome.data == "reverse",
                         note=form.note.data)
    outcome.flash(_("Answer sent to %(name)s.", name=dispute.person.first_name))
    return see_other("points.dispute_queue")


@bp.post("/points/entries/<int:entry_id>/reverse")
@authz.roles_required(*authz.ORG_ADMINS)
def reverse_entry(entry_id: int):
    entry = db.session.get(PointEntry, entry_id) or abort(404)
    authz.managed_person_or_404(current_user, entry.person_id)
    form = ReverseForm()
    if not form.validate_on_submit():
        flash(" ".join(map(str, form.reason.errors)) or _("Say why."), "error")
        return see_other("points.person_points", person_id=entry.person_id)
    with attempt() as outcome:
        ledger.reverse(entry, reason=form.reason.data, reversed_by=current_user)
    outcome.flash(_("Entry reversed. The correction is in the ledger."))
    return see_other("points.person_points", person_id=entry.person_id)


def _award_choices() -> list[tuple[int, str]]:
    people = db.session.scalars(
        authz.managed_people(current_user).where(Person.active.is_(True), Person.id != current_user.id)
        .order_by(Person.full_name))
    return [(p.id, f"{p.full_name}" + (f" · {p.store.name}" if p.store else "")) for p in people]


@bp.route("/points/award", methods=["GET", "POST"])
@authz.roles_required(Role.STORE_MANAGER, Role.DISTRICT_MANAGER, *authz.ORG_ADMINS)
def award():
    form = AwardForm()
    form.person_id.choices = choices(_award_choices())
    if request.method == "GET":
        form.idempotency_key.data = uuid.uuid4().hex
        if params.id_arg("person") is not None:
            form.person_id.data = params.id_arg("person")
    if form.validate_on_submit():
        person = db.session.scalar(authz.managed_people(current_user).where(Person.id == form.person_id.data))
        key = f"manual:{current_user.id}:{form.idempotency_key.data or uuid.uuid4().hex}"
        with attempt(form, field="points") as outcome:
            if person is None:
                raise ServiceError(_("Choose someone from your team."), field="person_id")
            result = ledger.award(person, form.points.data, source_type="manual", reason=form.reason.data,
                                  idempotency_key=key[:200], awarded_by=current_user)
        if outcome.ok:
            return done(_("+%(n)d points for %(name)s.", n=result.entry.amount, name=person.first_name)
                        if result.created else _("Already awarded: nothing paid twice."), "points.award")
    return render_template("points/award.html", form=form), form_status(form)



@bp.route("/points/limits", methods=["GET", "POST"])
@authz.roles_required(*authz.ORG_ADMINS)
def award_limits():
    """The company's rules for awards: the mission and prize maxima HR sets, beside the per-award maximum
    and daily cap the server's settings fix."""
    form = AwardLimitsForm()
    if request.method == "GET":
        current = limits.current()
        form.mission_max.data, form.prize_max.data = current.mission_max, current.prize_max
    elif form.validate_on_submit():
        with attempt(form, field="mission_max") as outcome:
            limits.save(current_user, mission_max=form.mission_max.data, prize_max=form.prize_max.data)
        if outcome.ok:
            return done(_("Award rules saved."), "points.award_limits")
    return render_template("points/limits.html", form=form, mission_ceiling=limits.MISSION_CEILING,
                           prize_ceiling=limits.PRIZE_CEILING), form_status(form)

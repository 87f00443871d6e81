"""The rewards store (everyone), the approval queue (store managers and HR) and the catalogue (HR)."""

import uuid

from flask import Response, abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.actions import attempt, done, form_status
from app.core.forms import choices
from app.core.htmx import is_fragment_request, render, see_other
from app.extensions import db
from app.org import authz
from app.org.queries import store_choices
from app.points.ledger import balances
from app.rewards import bp, catalogue, pictures, queries, redemptions
from app.rewards.forms import RewardForm
from app.rewards.models import Reward

# Staff reach the store from Home and Me (no bottom tab); HR reaches the catalogue from Settings.


@bp.app_template_global()
def reward_picture_url(reward: Reward) -> str:
    return pictures.picture_url(reward)


# -- The store ---------------------------------------------------------------------------------------

@bp.get("/")
@login_required
def store():
    lifetime, balance = balances(current_user.id)
    return render_template("rewards/store.html", items=queries.catalogue(current_user), balance=balance,
                           lifetime=lifetime)


@bp.get("/<int:reward_id>")
@login_required
def reward(reward_id: int):
    item = queries.catalogue_item(current_user, reward_id) or abort(404)
    return render_template("rewards/reward.html", item=item, balance=balances(current_user.id)[1],
                           request_key=uuid.uuid4().hex)


@bp.post("/<int:reward_id>/redeem")
@login_required
def redeem(reward_id: int):
    if queries.catalogue_item(current_user, reward_id) is None:
        abort(404)
    with attempt(flash_refusal=True) as outcome:
        result = redemptions.redeem(current_user, reward_id, request_key=request.form.get("request_key"))
    if not outcome.ok:
        return see_other("rewards.reward", reward_id=reward_id)
    if result.created:
        flash(_("Done: %(name)s is yours once it's approved. We took %(n)d points.",
                name=result.redemption.reward.name, n=result.redemption.cost), "success")
    return see_other("rewards.mine")


@bp.get("/mine")
@login_required
def mine():
    return render("rewards/mine.html", "rewards/_my_redemptions.html",
                  redemptions=queries.my_redemptions(current_user), balance=balances(current_user.id)[1])


@bp.post("/mine/<int:redemption_id>/cancel")
@login_required
def cancel(redemption_id: int):
    redemption = queries.own_redemption_or_none(current_user, redemption_id) or abort(404)
    with attempt() as outcome:
        redemptions.cancel(current_user, redemption)
    outcome.flash(_("Request cancelled: your %(n)d points are back.", n=redemption.cost))
    return see_other("rewards.mine")


@bp.get("/<int:reward_id>/picture")
@login_required
def picture(reward_id: int):
    reward = queries.reward_picture_or_none(current_user, reward_id)
    if reward is None or not reward.image_filename or not pictures.is_safe_name(reward.image_filename):
        abort(404)
    path = pictures.folder() / reward.image_filename
    if not path.is_file():
        abort(404)
    extension = reward.image_filename.rsplit(".", 1)[1]
    # At most a couple of MB, read whole: no open file handle outlives the request.
    response = Response(path.read_bytes(), mimetype=pictures.MEDIA_TYPES[extension])
    # A catalogue picture is nothing personal, and a new upload gets a new file name (and URL): cache it
    # in the browser for a day rather than re-download it on every page over shop-floor Wi-Fi.
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.set_etag(reward.image_filename)
    return response.make_conditional(request)


# -- Approvals ---------------------------------------------------------------------------------------

@bp.get("/approvals")
@authz.roles_required(*queries.APPROVER_ROLES)
def approvals():
    return render("rewards/approvals.html", "rewards/_approval_list.html",
                  queue=queries.approval_queue(current_user))


def _decide(redemption_id: int, action, success_message: str, *args):
    redemption = queries.approvable_or_none(current_user, redemption_id) or abort(404)
    with attempt() as outcome:
        action(current_user, redemption, *args)
    if is_fragment_request():
        # The decided card replaces itself; a refusal without a reason comes back with its message.
        redemption = queries.approvable_or_none(current_user, redemption_id)
        return render_template("rewards/_approval.html", redemption=redemption, error=outcome.message,
                               done=success_message if outcome.ok else None), outcome.status
    outcome.flash(success_message)
    return see_other("rewards.approvals")


@bp.post("/approvals/<int:redemption_id>/approve")
@authz.roles_required(*queries.APPROVER_ROLES)
def approve(redemption_id: int):
    return _decide(redemption_id, redemptions.approve, _("Approved: it's ready to collect."))


@bp.post("/approvals/<int:redemption_id>/refuse")
@authz.roles_required(*queries.APPROVER_ROLES)
def refuse(redemption_id: int):
    return _decide(redemption_id, redemptions.refuse, _("Refused: the points went back."),
                   request.form.get("reason", ""))


@bp.post("/approvals/<int:redemption_id>/fulfil")
@authz.roles_required(*queries.APPROVER_ROLES)
def fulfil(redemption_id: int):
    return _decide(redemption_id, redemptions.fulfil, _("Marked as collected."))


# -- The catalogue (HR) ------------------------------------------------------------------------------

@bp.get("/manage")
@authz.roles_required(*authz.ORG_ADMINS)
def manage():
    return render_template("rewards/manage.html", rows=queries.admin_catalogue(),
                           pending=queries.pending_count(current_user))


def _form(reward: Reward | None) -> RewardForm:
    form = RewardForm(obj=reward)
    form.store_ids.choices = choices((store.id, f"{store.name} ({store.code})")
                                    for store in store_choices(current_user))
    if request.method == "GET" and reward is not None:
        form.availability.data = "all" if reward.all_stores else "some"
        form.store_ids.data = [store.id for store in reward.stores]
    return form


def _draft(form: RewardForm) -> catalogue.RewardDraft:
    upload = form.picture.data
    return catalogue.RewardDraft(
        name=form.name.data or "", description=form.description.data or "", cost=form.cost.data,
        stock=form.stock.data, per_person_limit=form.per_person_limit.data,
        all_stores=form.availability.data != "some", store_ids=form.store_ids.data or [],
        illustration=form.illustration.data, picture=upload.read() if upload else None,
        remove_picture=form.remove_picture.data, active=form.active.data)


def _save(form: RewardForm, reward: Reward | None):
    if form.validate_on_submit():
        with attempt(form) as outcome:
            if reward is None:
                reward = catalogue.create_reward(current_user, _draft(form))
            else:
                catalogue.update_reward(current_user, reward, _draft(form))
        if outcome.ok:
            return done(_("%(name)s saved.", name=reward.name), "rewards.manage")
    return render_template("rewards/reward_form.html", form=form, reward=reward), form_status(form)


@bp.route("/manage/new", methods=["GET", "POST"])
@authz.roles_required(*authz.ORG_ADMINS)
def new_reward():
    return _save(_form(None), None)


@bp.route("/manage/<int:reward_id>/edit", methods=["GET", "POST"])
@authz.roles_required(*authz.ORG_ADMINS)
def edit_reward(reward_id: int):
    reward = db.session.get(Reward, reward_id) or abort(404)
    return _save(_form(reward), reward)


@bp.post("/manage/<int:reward_id>/active")
@authz.roles_required(*authz.ORG_ADMINS)
def set_active(reward_id: int):
    reward = db.session.get(Reward, reward_id) or abort(404)
    active = request.form.get("active") == "1"
    catalogue.set_active(current_user, reward, active)
    db.session.commit()
    return done(_("%(name)s is back in the store.", name=reward.name) if active else
                _("%(name)s is hidden from the store. Requests already made go on.", name=reward.name),
                "rewards.manage")

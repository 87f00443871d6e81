"""Review cycles: HR's cycles and templates, the review form (self, manager, peers), calibration for
district managers and HR, sign-off, the printable review and the CSV export."""

from flask import Response, abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core import params
from app.core.actions import attempt, done, form_status
from app.core.errors import ServiceError
from app.core.forms import choices
from app.core.htmx import is_fragment_request, render, see_other, with_trigger
from app.core.timezones import zone_for
from app.extensions import db
from app.org import authz
from app.org.models import ROLE_LABELS
from app.org.queries import store_choices
from app.reviews import bp, cycles, export, peers, queries, services
from app.reviews.forms import CycleForm, TemplateForm
from app.reviews.models import PHASE_LABELS, PHASES, RATING_LABELS, RATINGS, Phase, Review

CALIBRATORS = services.CALIBRATOR_ROLES
# Staff and store managers reach "My reviews" (and managers "Reviews to write") from Me.


@bp.context_processor
def _review_globals() -> dict:
    return {"RATINGS": RATINGS, "RATING_LABELS": RATING_LABELS, "PHASES": PHASES, "PHASE_LABELS": PHASE_LABELS,
            "Phase": Phase}


def _form_values(prefix: str) -> tuple[dict, dict, str | None]:
    """(ratings by competency key, answers by question index, overall) from a posted review form."""
    ratings = {key[len(prefix) + 7:]: value for key, value in request.form.items()
               if key.startswith(f"{prefix}rating-")}
    answers = {key[len(prefix) + 7:]: value for key, value in request.form.items()
               if key.startswith(f"{prefix}answer-")}
    return ratings, answers, request.form.get(f"{prefix}overall")


# -- HR: cycles and templates ---------------------------------------------------------------------

@bp.get("/")
@authz.roles_required(*CALIBRATORS)
def index():
    found = queries.cycles_for(current_user)
    return render_template("reviews/index.html", cycles=found,
                           progress=queries.progress([cycle.id for cycle in found]))


@bp.get("/templates")
@authz.roles_required(*authz.ORG_ADMINS)
def templates():
    return render_template("reviews/templates.html", templates=queries.templates())


@bp.route("/templates/new", methods=["GET", "POST"])
@authz.roles_required(*authz.ORG_ADMINS)
def new_template():
    form = TemplateForm()
    if form.validate_on_submit():
        with attempt(form) as outcome:
            template = cycles.create_template(current_user, form.name.data, form.competencies.data,
                                              form.questions.data)
        if outcome.ok:
            return done(_("Template “%(name)s” saved.", name=template.name), "reviews.templates")
    return render_template("reviews/template_form.html", form=form), form_status(form)


def _cycle_form() -> CycleForm:
    form = CycleForm()
    form.template_id.choices = choices((template.id, template.name) for template in queries.templates())
    form.store_ids.choices = choices((store.id, f"{store.name} ({store.code})")
                                     for store in store_choices(current_user))
    form.roles.choices = choices((role, ROLE_LABELS[role]) for role in cycles.PARTICIPANT_ROLES)
    return form


@bp.route("/cycles/new", methods=["GET", "POST"])
@authz.roles_required(*authz.ORG_ADMINS)
def new_cycle():
    form = _cycle_form()
    if form.validate_on_submit():
        draft = cycles.CycleDraft(
            name=form.name.data, period_start=form.period_start.data, period_end=form.period_end.data,
            template_id=form.template_id.data, self_due=form.self_due.data, manager_due=form.manager_due.data,
            calibration_due=form.calibration_due.data, sign_off_due=form.sign_off_due.data,
            store_ids=form.store_ids.data or [], roles=form.roles.data or [], hired_before=form.hired_before.data)
        with attempt(form) as outcome:
            cycle = cycles.create_cycle(current_user, draft)
        if outcome.ok:
            return done(_("Cycle saved as a draft: check who takes part, then launch it."), "reviews.cycle",
                        cycle_id=cycle.id)
    status = form_status(form)
    count = cycles.participant_count(form.store_ids.data or [], form.roles.data or [], form.hired_before.data)
    return render_template("reviews/cycle_form.html", form=form, count=count), status


@bp.get("/cycles/preview")
@authz.roles_required(*authz.ORG_ADMINS)
def preview_participants():
    """How many people the picked filters take in (the cycle form asks as they change)."""
    form = _cycle_form()  # reads the query string: the filters only, nothing is validated or saved
    store_ids = params.ids_arg("store_ids")
    try:
        hired_before = form.hired_before.data
    except ValueError:
        hired_before = None
    count = cycles.participant_count(store_ids, request.args.getlist("roles"), hired_before)
    return render_template("reviews/_participant_count.html", count=count)


def _cycle_or_404(cycle_id: int):
    return queries.cycle_or_none(current_user, cycle_id) or abort(404)


@bp.get("/cycles/<int:cycle_id>")
@authz.roles_required(*authz.ORG_ADMINS)
def cycle(cycle_id: int):
    found = _cycle_or_404(cycle_id)
    participants = cycles.participant_count(found.store_ids, found.roles, found.hired_before) \
        if found.phase == Phase.DRAFT else None
    return render("reviews/cycle.html", "reviews/_cycle_progress.html", cycle=found,
                  progress=queries.progress([found.id])[found.id], reviews=queries.cycle_reviews(current_user, found),
                  participants=participants, next_phase=cycles.next_phase(found.phase))


@bp.post("/cycles/<int:cycle_id>/launch")
@authz.roles_required(*authz.ORG_ADMINS)
def launch(cycle_id: int):
    found = _cycle_or_404(cycle_id)
    with attempt(flash_refusal=True) as outcome:
        created = cycles.launch(current_user, found)
    if outcome.ok:
        flash(_("Launched: %(n)d people can write their self-review.", n=created), "success")
    return see_other("reviews.cycle", cycle_id=cycle_id)


@bp.post("/cycles/<int:cycle_id>/advance")
@authz.roles_required(*authz.ORG_ADMINS)
def advance(cycle_id: int):
    found = _cycle_or_404(cycle_id)
    with attempt(flash_refusal=True) as outcome:
        new = cycles.advance(current_user, found, request.form.get("from_phase"))
    if outcome.ok:
        flash(_("The cycle is now in “%(phase)s”.", phase=PHASE_LABELS[new]), "success")
    return see_other("reviews.cycle", cycle_id=cycle_id)


@bp.get("/cycles/<int:cycle_id>/export.csv")
@authz.roles_required(*CALIBRATORS)
def export_cycle(cycle_id: int):
    found = _cycle_or_404(cycle_id)
    body = export.cycle_csv(queries.cycle_reviews(current_user, found), zone_for(current_user))
    response = Response("\ufeff" + body, mimetype="text/csv")  # the BOM: Excel then reads UTF-8
    response.headers["Content-Disposition"] = f'attachment; filename="review-cycle-{found.id}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- Calibration ------------------------------------------------------------------------------------

@bp.get("/cycles/<int:cycle_id>/calibration")
@authz.roles_required(*CALIBRATORS)
def calibration(cycle_id: int):
    found = _cycle_or_404(cycle_id)
    return render("reviews/calibration.html", "reviews/_calibration_summary.html", cycle=found,
                  view=queries.calibration_view(current_user, found))


@bp.post("/<int:review_id>/calibrate")
@authz.roles_required(*CALIBRATORS)
def calibrate(review_id: int):
    review = queries.calibratable_or_none(current_user, review_id) or abort(404)
    with attempt() as outcome:
        services.calibrate(current_user, review, request.form.get("rating"), request.form.get("reason", ""))
    if is_fragment_request():
        review = queries.calibratable_or_none(current_user, review_id)
        response = render_template("reviews/_calibration_row.html", review=review, cycle=review.cycle,
                                   error=outcome.message, saved=outcome.ok, reason=request.form.get("reason", ""))
        if not outcome.ok:
            return response, 422
        return with_trigger(response, "calibration-changed")
    outcome.flash(_("Final rating saved."))
    return see_other("reviews.calibration", cycle_id=review.cycle_id)


# -- A person's reviews, a manager's reviews to write -----------------------------------------------

@bp.get("/mine")
@login_required
def mine():
    return render("reviews/mine.html", "reviews/_my_reviews.html", reviews=queries.my_reviews(current_user),
                  asked=queries.asked_of_me(current_user))


@bp.get("/to-write")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def to_write():
    return render("reviews/to_write.html", "reviews/_to_write.html", todo=queries.to_write(current_user))


# -- One review ---------------------------------------------------------------------------------

def _readable_or_404(review_id: int) -> Review:
    review = queries.review_or_none(review_id)
    if review is None or not services.can_read(current_user, review):
        abort(404)
    return review


def _review_context(review: Review) -> dict:
    is_person = review.person_id == current_user.id
    cycle_ = review.cycle
    final_shown = not is_person or cycle_.phase in (Phase.SIGN_OFF, Phase.CLOSED)
    return {
        "review": review, "cycle": cycle_, "template": cycle_.template, "is_person": is_person,
        "is_reviewer": services.is_reviewer(current_user, review),
        "can_calibrate": services.can_calibrate(current_user, review),
        # The self-review is private to the person until they submit it.
        "self_shown": is_person or review.self_submitted_at is not None,
        "manager_shown": final_shown,
        "peers": queries.peers_of(review),
        "peer_content_shown": not is_person,
        "candidates": list(db.session.scalars(peers.candidates_query(review)))
        if is_person and cycle_.phase == Phase.SELF_REVIEW and not review.is_locked else [],
        "okrs": queries.okr_results(review.person_id, cycle_.period_start, cycle_.period_end),
    }


def _review_page(review: Review, *, error: ServiceError | None = None, posted: dict | None = None):
    context = _review_context(review)
    context.update(error=error, posted=posted or {})
    return render("reviews/review.html", "reviews/_review.html", **context), 422 if error else 200


@bp.get("/<int:review_id>")
@login_required
def review(review_id: int):
    return _review_page(_readable_or_404(review_id))


def _own_or_404(review_id: int) -> Review:
    """Only the person's own review: anyone else (their manager included) gets a 404, nothing changes."""
    review = _readable_or_404(review_id)
    if review.person_id != current_user.id:
        abort(404)
    return review


def _reviewer_or_404(review_id: int) -> Review:
    review = _readable_or_404(review_id)
    if not services.is_reviewer(current_user, review):
        abort(404)
    return review


def _save(review_id: int, find, save, prefix: str, done_draft: str, done_submit: str):
    review = find(review_id)
    ratings, answers, overall = _form_values(prefix)
    submit = request.form.get("action") == "submit"
    with attempt() as outcome:
        save(current_user, review, ratings=ratings, answers=answers, overall=overall, submit=submit)
    if not outcome.ok:
        return _review_page(queries.review_or_none(review_id), error=outcome.error, posted={
            "prefix": prefix, "ratings": ratings, "answers": answers, "overall": overall})
    return done(done_submit if submit else done_draft, "reviews.review", review_id=review_id)


@bp.post("/<int:review_id>/self")
@login_required
def save_self(review_id: int):
    return _save(review_id, _own_or_404, services.save_self_review, "self-",
                 _("Draft saved. Submit it when you're ready."),
                 _("Self-review submitted. Your manager can read it now."))


@bp.post("/<int:review_id>/manager")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def save_manager(review_id: int):
    return _save(review_id, _reviewer_or_404, services.save_manager_review, "manager-",
                 _("Draft saved. Submit it when you're ready."),
                 _("Review submitted."))


@bp.post("/<int:review_id>/sign-off")
@login_required
def sign_off(review_id: int):
    review = _own_or_404(review_id)
    with attempt() as outcome:
        services.sign_off(current_user, review, request.form.get("comment", ""))
    if not outcome.ok:
        return _review_page(queries.review_or_none(review_id), error=outcome.error,
                            posted={"comment": request.form.get("comment", "")})
    return done(_("Signed off. Thank you — it's in your review history."), "reviews.review", review_id=review_id)


@bp.post("/<int:review_id>/nominate")
@login_required
def nominate(review_id: int):
    review = _own_or_404(review_id)
    with attempt(flash_refusal=True) as outcome:
        peer = peers.nominate(current_user, review, request.form.get("reviewer_id"))
    if outcome.ok:
        flash(_("%(name)s is nominated: your manager approves it.", name=peer.reviewer.full_name), "success")
    return see_other("reviews.review", review_id=review_id)


@bp.get("/<int:review_id>/print")
@login_required
def print_review(review_id: int):
    review = _readable_or_404(review_id)
    return render_template("reviews/print.html", **_review_context(review), error=None, posted={})


# -- Peer and upward reviewers ---------------------------------------------------------------------

@bp.post("/nominations/<int:nomination_id>/decide")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def decide_nomination(nomination_id: int):
    peer = queries.nomination_or_none(nomination_id)
    if peer is None or not services.is_reviewer(current_user, peer.review):
        abort(404)
    approve = request.form.get("approve") == "1"
    with attempt() as outcome:
        peers.decide(current_user, peer, approve)
    outcome.flash(_("%(name)s will be asked for feedback.", name=peer.reviewer.full_name) if approve
                  else _("Nomination declined."))
    return see_other("reviews.to_write")


@bp.route("/peers/<int:peer_id>", methods=["GET", "POST"])
@login_required
def peer_form(peer_id: int):
    peer = queries.nomination_or_none(peer_id)
    if peer is None or peer.reviewer_id != current_user.id:
        abort(404)
    error, posted = None, {}
    if request.method == "POST":
        ratings, answers, _overall = _form_values("peer-")
        with attempt() as outcome:
            peers.submit(current_user, peer, ratings=ratings, answers=answers)
        if outcome.ok:
            return done(_("Thank you: your feedback for %(name)s is sent.", name=peer.review.person.first_name),
                        "reviews.mine")
        error, posted = outcome.error, {"prefix": "peer-", "ratings": ratings, "answers": answers}
        peer = queries.nomination_or_none(peer_id)
    return render_template("reviews/peer_form.html", peer=peer, review=peer.review, template=peer.review.cycle.template,
                           error=error, posted=posted), 422 if error else 200

"""The sign-off queue: evidence waiting for a manager, one tap to approve, a comment to send back.
Someone else's submission outside the manager's scope is a 404."""

from flask import abort, flash, request
from flask_babel import gettext as _
from flask_login import current_user

from app.core.actions import attempt
from app.core.htmx import is_fragment_request, render, see_other
from app.missions import bp, completion, manage_queries
from app.org import authz

# Store managers reach sign-offs from Today (DESIGN: Today holds the team's approvals): no tab of its own.


def _queue_page(notice: str | None = None, errors: dict | None = None, comments: dict | None = None,
                status: int = 200):
    return render("missions/signoffs.html", "missions/_queue.html",
                  queue=manage_queries.signoff_queue(current_user), notice=notice, errors=errors or {},
                  comments=comments or {}), status


@bp.get("/signoffs")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def signoffs():
    return _queue_page()


def _submission_or_404(submission_id: int):
    return manage_queries.submission_in_scope(current_user, submission_id) or abort(404)


@bp.get("/signoffs/<int:submission_id>")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def signoff(submission_id: int):
    submission = _submission_or_404(submission_id)
    return render("missions/signoff.html", "missions/_queue.html", submission=submission,
                  queue=[submission], notice=None, errors={}, comments={})


def _done(message: str, category: str = "success"):
    if is_fragment_request():
        return _queue_page(notice=message)
    flash(message, category)
    return see_other("missions.signoffs")


@bp.post("/signoffs/<int:submission_id>/approve")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def approve(submission_id: int):
    submission = _submission_or_404(submission_id)
    with attempt() as approval:
        outcome = completion.approve(current_user, submission)
    if not approval.ok:
        return _done(approval.message, "error")
    if outcome.already:
        return _done(_("Already approved. Nothing more to do."), "info")
    return _done(_("Approved: +%(points)d points for %(name)s.", points=outcome.paid,
                   name=submission.person.first_name))


@bp.post("/signoffs/<int:submission_id>/reject")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def reject(submission_id: int):
    submission = _submission_or_404(submission_id)
    comment = request.form.get("comment", "")
    with attempt() as outcome:
        completion.reject(current_user, submission, comment)
    if not outcome.ok and outcome.error.field == "comment":
        return _queue_page(errors={submission_id: outcome.message}, comments={submission_id: comment[:500]},
                           status=422)
    if not outcome.ok:
        return _done(outcome.message, "error")
    return _done(_("Sent back to %(name)s with your comment.", name=submission.person.first_name))

"""Missions on the phone: the list, the mission page with its checklist and evidence, and the
authorized photo route. Managers' screens live in manage_routes and signoff_routes."""


import click
from flask import Response, abort, flash, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core import params
from app.core.actions import attempt
from app.core.htmx import is_fragment_request, render, see_other
from app.core.timezones import default_zone, local_today, today_in
from app.extensions import db
from app.missions import assignments, bp, completion, evidence, labels, manage_queries, queries
from app.missions.models import AssignmentStatus, EvidenceType
from app.points.ledger import Withheld

bp.add_app_template_global(labels.recurrence_label, "recurrence_label")
bp.add_app_template_global(labels.audience_summary, "audience_summary")


@bp.before_request
def _write_lock_for_roll_over():
    # The list may create today's occurrences of recurring missions: on SQLite a GET that writes
    # must take the write lock at BEGIN (see app.core.database).
    if request.endpoint == "missions.index":
        g.ascent_write_tx = True


@bp.get("/")
@login_required
def index():
    today = local_today(current_user)
    # Recurring missions roll over lazily as well as from `flask missions roll`.
    if assignments.sync_person(current_user, today):
        db.session.commit()
    sections = queries.my_missions(current_user, today)
    return render("missions/index.html", "missions/_list.html", sections=sections, today=today)


@bp.get("/today")
@login_required
def today():
    """The home screen's "Today's missions" card on its own, for live refreshes."""
    return render_template("missions/_today.html", today_missions=queries.todays_missions(current_user))


def _own_or_404(assignment_id: int):
    return queries.own_assignment(current_user, assignment_id) or abort(404)


def _detail_context(assignment, **extra) -> dict:
    today = local_today(current_user)
    context = {
        "card": queries.cards([assignment], today)[0],
        "assignment": assignment,
        "mission": assignment.mission,
        "checked": completion.checked_step_ids(assignment.id),
        "submissions": queries.submissions_of(assignment.id),
        "needed": evidence.needed_to_pass(assignment.mission, len(assignment.mission.questions)),
        "max_photo_bytes": evidence.max_photo_bytes(),
        "error": None, "error_field": None, "values": {}, "checklist_error": None,
    }
    context.update(extra)
    return context


@bp.get("/<int:assignment_id>")
@login_required
def assignment(assignment_id: int):
    assignment = _own_or_404(assignment_id)
    return render("missions/assignment.html", "missions/_mission.html", **_detail_context(assignment))


@bp.post("/<int:assignment_id>/checklist")
@login_required
def checklist(assignment_id: int):
    assignment = _own_or_404(assignment_id)
    step_ids = set(params.ids_arg("step", request.form, limit=500))
    with attempt() as outcome:
        completion.set_checklist(current_user, assignment, step_ids, today=local_today(current_user))
    if not is_fragment_request():
        outcome.flash()
        return see_other("missions.assignment", assignment_id=assignment_id)
    assignment = _own_or_404(assignment_id)
    context = _detail_context(assignment, checklist_error=outcome.message)
    return render_template("missions/_checklist.html", **context), outcome.status


def _quiz_answers() -> dict[int, int]:
    answers = {}
    for key, value in request.form.items():
        question, choice = params.parse_id(key[1:]), params.parse_id(value)
        if key.startswith("q") and question is not None and choice is not None:
            answers[question] = choice
    return answers


def _photo_bytes() -> bytes | None:
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return None
    # Bounded by MAX_CONTENT_LENGTH before it gets here; the service checks the photo's own limit.
    return upload.read()


@bp.post("/<int:assignment_id>/submit")
@login_required
def submit(assignment_id: int):
    assignment = _own_or_404(assignment_id)
    mission = assignment.mission
    with attempt() as sent:
        outcome = completion.submit(
            current_user, assignment, today=local_today(current_user),
            answer=request.form.get("answer") if mission.evidence_type == EvidenceType.TEXT else None,
            photo=_photo_bytes() if mission.evidence_type == EvidenceType.PHOTO else None,
            answers=_quiz_answers() if mission.evidence_type == EvidenceType.QUIZ else None,
            note=request.form.get("note"))
    if not sent.ok:
        assignment = _own_or_404(assignment_id)
        values = {"answer": request.form.get("answer", ""), "note": request.form.get("note", ""),
                  "quiz": _quiz_answers()}
        return render("missions/assignment.html", "missions/_mission.html", **_detail_context(
            assignment, error=sent.message, error_field=sent.error.field, values=values)), 422
    if outcome.already:
        flash(_("You've already sent this one. Nothing more to do."), "info")
    elif outcome.status == AssignmentStatus.DONE:
        flash(_done_message(outcome, mission.points), "success")
    else:
        manager = current_user.manager
        flash(_("Sent. %(name)s will check it soon.", name=manager.first_name) if manager
              else _("Sent. Your manager will check it soon."), "success")
    return see_other("missions.assignment", assignment_id=assignment_id)


def _done_message(outcome: completion.Outcome, points: int) -> str:
    if outcome.withheld == Withheld.AUTHOR:
        return _("Mission done. You created it, so it pays you no points.")
    if outcome.withheld is not None:
        return _("Mission done — +%(paid)d of its %(points)d points: a points limit was reached.",
                 paid=outcome.paid, points=points)
    return _("Mission done — +%(points)d points", points=outcome.paid)


@bp.get("/evidence/<int:submission_id>/photo")
@login_required
def photo(submission_id: int):
    submission = manage_queries.photo_submission(current_user, submission_id)
    path = evidence.photo_file(submission.photo_path) if submission is not None else None
    if path is None:
        abort(404)
    # Photos are small (see evidence.max_photo_bytes): read whole, no file handle outlives the request.
    response = Response(path.read_bytes(), mimetype=submission.photo_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.cli.command("roll")
def roll_command():
    """Give today's occurrence of recurring missions to their audiences (run daily, after midnight)."""
    today = today_in(default_zone())
    created = assignments.sync_all(today)
    db.session.commit()
    click.echo(f"{created} assignments created for {today.isoformat()}.")

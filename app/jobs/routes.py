"""Admins see the jobs that failed after their last retry, and queue them again or dismiss them."""

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.core import params
from app.core.actions import attempt
from app.core.htmx import see_other
from app.extensions import db
from app.jobs import bp, failures
from app.org.authz import roles_required
from app.org.models import Role


def _failure_id() -> int | None:
    return params.id_arg("failure_id", request.form)


@bp.get("/")
@roles_required(Role.ADMIN)
def failed():
    parked = db.session.scalars(failures.parked().limit(200)).all()
    handled = db.session.scalars(failures.recently_handled()).all()
    return render_template("jobs/failed.html", parked=parked, handled=handled)


@bp.post("/retry")
@roles_required(Role.ADMIN)
def retry():
    return _handle(failures.retry, _("Queued again."))


@bp.post("/dismiss")
@roles_required(Role.ADMIN)
def dismiss():
    return _handle(failures.dismiss, _("Dismissed."))


def _handle(action, message: str):
    with attempt() as outcome:
        action(current_user, _failure_id())
    outcome.flash(message)
    return see_other("jobs.failed")

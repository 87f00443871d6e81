from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import services
from app.auth.forms import ChangePasswordForm, LoginForm, SetPasswordForm
from app.config import SUPPORTED_LOCALES
from app.core.errors import ServiceError
from app.core.htmx import see_other
from app.extensions import db, limiter

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _identifier_key() -> str:
    return "login:" + (request.form.get("identifier") or "").strip().lower()[:254]


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after login is a phishing gift."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    return target


def start_session(person, remember: bool) -> None:
    # A fresh session at sign-in: nothing planted before login survives it (session fixation).
    locale = session.get("locale")
    session.clear()
    login_user(person, remember=remember)
    if locale:
        session["locale"] = locale


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_identifier_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        person = services.authenticate(form.identifier.data, form.password.data)
        if person is None:
            db.session.rollback()
            form.password.errors.append(_("That e-mail or employee number and password don't match."))
        else:
            db.session.commit()
            start_session(person, remember=form.remember.data)
            return see_other_path(_safe_next(request.args.get("next")))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


def see_other_path(path: str):
    return redirect(path, code=303)


@bp.post("/logout")
@login_required
def logout():
    person = current_user._get_current_object()
    services.end_all_sessions(person)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return see_other("auth.login")


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def accept_invite(token: str):
    invite = services.usable_invite(token)
    if invite is None:
        return render_template("auth/invite_invalid.html"), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            person = services.redeem_invite(token, form.password.data, form.confirm.data)
        except ServiceError as error:
            db.session.rollback()
            getattr(form, error.field or "password").errors.append(error.message)
        else:
            db.session.commit()
            start_session(person, remember=False)
            flash(_("Welcome to Ascent, %(name)s! Your password is set.", name=person.first_name), "success")
            return see_other("home.index")
    status = 422 if form.errors else 200
    return render_template("auth/invite.html", form=form, person=invite.person), status


@bp.route("/me/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        person = current_user._get_current_object()
        try:
            services.change_password(person, form.current_password.data, form.password.data,
                                     form.confirm.data)
        except ServiceError as error:
            db.session.rollback()
            getattr(form, error.field or "password").errors.append(error.message)
        else:
            db.session.commit()
            # Other devices are signed out; this one carries on with a fresh session.
            start_session(person, remember=False)
            flash(_("Password changed. Other devices have been signed out."), "success")
            return see_other("home.me")
    status = 422 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status


@bp.post("/language/<code>")
def set_language(code: str):
    """Language for the sign-in pages before anyone is known (signed-in people use "Me")."""
    if code in SUPPORTED_LOCALES:
        session["locale"] = code
    return see_other_path(_safe_next(request.form.get("next")))

from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp, limits, resets, services
from app.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, SetPasswordForm
from app.config import SUPPORTED_LOCALES
from app.core.actions import attempt, done, form_status
from app.core.htmx import see_other
from app.extensions import db, limiter
from app.org import authz

# The session key of the asking browser's reset ticket (app/auth/resets.py).
RESET_TICKET = "password_reset"


def safe_next(target: str | None) -> str:
    """Where to go after signing in (or switching language): a same-site path, else home. The one check
    for every `next`: an open redirect after login is a phishing gift, and a CR/LF, control character
    or backslash would be a 500 in the Location header, or a way off the site ("/\\evil.example")."""
    home = url_for("home.index")
    if not target or len(target) > 2000:
        return home
    if any(char.isspace() or char == "\\" or ord(char) < 32 or ord(char) == 127 for char in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return home
    return target


def start_session(person, remember: bool) -> None:
    # A fresh session at sign-in: nothing planted before login survives it (session fixation).
    kept = {key: session[key] for key in ("locale", limits.DEVICE_KEY) if key in session}
    session.clear()
    login_user(person, remember=remember)
    session.update(kept)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(limits.address_limit, methods=["POST"])
@limiter.limit(limits.login_limit, methods=["POST"], key_func=limits.account_key, deduct_when=limits.failed)
@limiter.limit(limits.login_limit, methods=["POST"], key_func=limits.device_key, deduct_when=limits.failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    if request.method == "GET":
        limits.ensure_device_id()
    form = LoginForm()
    if form.validate_on_submit():
        person = services.authenticate(form.identifier.data, form.password.data)
        if person is None:
            db.session.rollback()
            form.password.errors.append(_("That e-mail or employee number and password don't match."))
        else:
            db.session.commit()
            start_session(person, remember=form.remember.data)
            return see_other_path(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), form_status(form)


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
@limiter.limit(limits.address_limit, methods=["POST"])
@limiter.limit(limits.login_limit, methods=["POST"], key_func=limits.device_key, deduct_when=limits.failed)
def accept_invite(token: str):
    invite = services.usable_invite(token)
    if invite is None:
        return render_template("auth/invite_invalid.html"), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        with attempt(form, field="password") as outcome:
            person = services.redeem_invite(token, form.password.data, form.confirm.data)
        if outcome.ok:
            start_session(person, remember=False)
            return done(_("Welcome to Ascent, %(name)s! Your password is set.", name=person.first_name),
                        "home.index")
    return render_template("auth/invite.html", form=form, person=invite.person), form_status(form)


@bp.route("/me/password", methods=["GET", "POST"])
@limiter.limit(limits.password_change_limit, methods=["POST"], key_func=limits.person_key)
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        person = current_user._get_current_object()
        with attempt(form, field="password") as outcome:
            services.change_password(person, form.current_password.data, form.password.data,
                                     form.confirm.data)
        if outcome.ok:
            # Other devices are signed out; this one carries on with a fresh session.
            start_session(person, remember=False)
            return done(_("Password changed. Other devices have been signed out."), "home.me")
    return render_template("auth/change_password.html", form=form), form_status(form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(limits.address_limit, methods=["POST"])
@limiter.limit(limits.reset_request_limit, methods=["POST"], key_func=limits.account_key)
@limiter.limit(limits.reset_request_limit, methods=["POST"], key_func=limits.device_key)
def forgot_password():
    """Ask for a reset. The answer is the same whether or not the account exists (resets.request_reset)."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.change_password"))
    if request.method == "GET":
        limits.ensure_device_id()
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        ticket = resets.request_reset(form.identifier.data, requested_from=request.remote_addr,
                                      valid_minutes=current_app.config["RESET_VALID_MINUTES"])
        db.session.commit()
        session[RESET_TICKET] = ticket
        return see_other("auth.reset_password")
    return render_template("auth/forgot_password.html", form=form), form_status(form)


@bp.route("/password/reset", methods=["GET", "POST"])
@limiter.limit(limits.address_limit, methods=["POST"])
@limiter.limit(limits.login_limit, methods=["POST"], key_func=limits.device_key, deduct_when=limits.failed)
def reset_password():
    """The asking browser: its check code while HR decides, then the new password."""
    ticket = session.get(RESET_TICKET)
    state, _reset = resets.browser_state(ticket)
    form = SetPasswordForm()
    if state == resets.APPROVED and form.validate_on_submit():
        with attempt(form, field="password") as outcome:
            resets.complete(ticket, form.password.data, form.confirm.data)
        if outcome.ok:
            session.pop(RESET_TICKET, None)
            return done(_("Your new password is set and you were signed out everywhere. Sign in with it now."),
                        "auth.login")
    status = 422 if request.method == "POST" else 200
    return render_template("auth/reset_password.html", form=form, state=state, ticket=ticket,
                           valid_minutes=current_app.config["RESET_VALID_MINUTES"]), status


def _decidable_reset_or_404(reset_id: int):
    return resets.decidable_reset(current_user, reset_id) or abort(404)


@bp.post("/password-resets/<int:reset_id>/approve")
@limiter.limit(limits.reset_approve_limit, key_func=limits.reset_request_key)
@authz.roles_required(*authz.ORG_ADMINS)
def approve_reset(reset_id: int):
    reset = _decidable_reset_or_404(reset_id)
    with attempt() as outcome:
        resets.approve(current_user, reset, request.form.get("code", "")[:20],
                       valid_minutes=current_app.config["RESET_VALID_MINUTES"])
    outcome.flash(_("Approved. %(name)s can now choose a new password on the phone they asked from.",
                    name=reset.person.full_name))
    return see_other("org.person", person_id=reset.person_id)


@bp.post("/password-resets/<int:reset_id>/refuse")
@authz.roles_required(*authz.ORG_ADMINS)
def refuse_reset(reset_id: int):
    reset = _decidable_reset_or_404(reset_id)
    with attempt() as outcome:
        resets.refuse(current_user, reset)
    outcome.flash(_("Refused. Their password stays as it was."))
    return see_other("org.person", person_id=reset.person_id)


@bp.post("/language/<code>")
def set_language(code: str):
    """Language for the sign-in pages before anyone is known (signed-in people use "Me")."""
    if code in SUPPORTED_LOCALES:
        session["locale"] = code
    return see_other_path(safe_next(request.form.get("next")))

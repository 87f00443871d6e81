"""Flask-Login wiring. The session and the remember-me cookie carry "<id>.<session_version>";
a cookie captured before logout, password change or deactivation names an old version and is refused
(Flask's signed-cookie session alone would stay valid: flask-login issue 480)."""

from flask import Flask, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from htmx_flask import make_response

from app.extensions import db
from app.org.models import Person


def load_person(token: str) -> Person | None:
    person_id, _, version = token.partition(".")
    if not person_id.isdigit() or not version.isdigit():
        return None
    person = db.session.get(Person, int(person_id))
    if person is None or not person.active or person.session_version != int(version):
        return None
    return person


def init_login(app: Flask, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_person)

    @login_manager.unauthorized_handler
    def _unauthorized():
        if request.path.startswith("/api/"):
            return {"title": "Authentication required", "status": 401}, 401, {
                "Content-Type": "application/problem+json"}
        target = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
        if request.headers.get("HX-Request") == "true":
            # A fragment request from an expired session: send the whole page to sign-in.
            return make_response("", 401, redirect=target)
        return redirect(target)

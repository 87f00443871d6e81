"""Flask-Login wiring. The session and the remember-me cookie carry "<id>.<session_version>";
a cookie captured before logout, password change or deactivation names an old version and is refused
(Flask's signed-cookie session alone would stay valid: flask-login issue 480)."""

from functools import partial

import sqlalchemy as sa
from flask import Flask, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from htmx_flask import make_response
from sqlalchemy import event
from sqlalchemy.orm import joinedload

from app.core import realtime
from app.core.aftercommit import after_commit
from app.core.database import prepared
from app.core.errors import problem_response, wants_problem
from app.extensions import db
from app.org.models import Person


def _with_store() -> sa.Select:
    # With the store: most pages read it (its name, its time zone for "today"), one statement instead of two.
    return sa.select(Person).options(joinedload(Person.store)).where(Person.id == sa.bindparam("person_id"))


def load_person(token: str) -> Person | None:
    person_id, _, version = token.partition(".")
    if not person_id.isdigit() or not version.isdigit():
        return None
    # Every signed-in request runs it: built once (app/core/database.py `prepared`).
    person = db.session.execute(prepared("auth.person_with_store", _with_store),
                                {"person_id": int(person_id)}).scalar()
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
    realtime.use_session_loader(load_person)  # a socket's access is asked again with the same rule

    @login_manager.unauthorized_handler
    def _unauthorized():
        if wants_problem():
            return problem_response(401, "Authentication required")
        target = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
        if request.headers.get("HX-Request") == "true":
            # A fragment request from an expired session: send the whole page to sign-in.
            return make_response("", 401, redirect=target)
        return redirect(target)


# Open sockets hold a copy of the session taken at connect: whatever ends a person's sessions must end
# their sockets too, on every process, once it has committed. Hooked on the attributes rather than on a
# service so every writer is covered, today's (logout, password change, invite, deactivation) and later
# ones. ORM assignments only: a bulk UPDATE of these columns would bypass it.
@event.listens_for(Person.session_version, "set")
def _sessions_ended(person: Person, value, old, _initiator) -> None:
    if person.id is not None and value != old:
        after_commit(partial(realtime.end_person_sockets, person.id))


@event.listens_for(Person.active, "set")
def _deactivated(person: Person, value, old, _initiator) -> None:
    # `old` is NO_VALUE when the attribute was not loaded: cut then too.
    if person.id is not None and not value and old is not False:
        after_commit(partial(realtime.end_person_sockets, person.id))

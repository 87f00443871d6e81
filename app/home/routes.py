from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.config import SUPPORTED_LOCALES
from app.core import features
from app.core.htmx import see_other
from app.extensions import db
from app.home import bp
from app.home.queries import home_context
from app.org.authz import roles_required
from app.org.models import Role


@bp.app_template_global()
def nobody_yet() -> bool:
    """True on a brand-new installation (no person at all): the sign-in page then says how the first
    administrator is made, instead of sending them to a store manager who doesn't exist yet."""
    import sqlalchemy as sa

    from app.org.models import Person

    return not db.session.scalar(sa.select(sa.exists().where(Person.id.is_not(None))))


@bp.get("/")
def landing():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return redirect(url_for("auth.login"))


@bp.get("/home")
@login_required
def index():
    person = current_user._get_current_object()  # not the proxy: every card reads the person many times
    return render_template(f"home/{person.role}.html", **home_context(person))


@bp.get("/me")
@login_required
def me():
    return render_template("home/me.html")


@bp.get("/settings")
@roles_required(Role.HR, Role.ADMIN)
def settings():
    areas = [link for link in features.links(features.Place.SETTINGS, current_user.role) if _may_open(link.endpoint)]
    return render_template("home/settings.html", areas=areas)


def _may_open(endpoint: str) -> bool:
    """Only links the viewer may follow: a settings page kept for admins (Background jobs) is no dead
    end for HR. Reads the roles `authz.roles_required` put on the view, so the rule has one home."""
    view = current_app.view_functions.get(endpoint)
    if view is None:
        return False
    allowed = getattr(view, "allowed_roles", None)
    return allowed is None or current_user.role in allowed


@bp.post("/me/language")
@login_required
def set_my_language():
    code = request.form.get("locale", "")
    if code not in SUPPORTED_LOCALES:
        flash(_("That language isn't available."), "error")
        return see_other("home.me")
    current_user.locale = code
    db.session.commit()
    flash(_("Language saved."), "success")
    return see_other("home.me")

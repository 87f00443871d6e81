from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.config import SUPPORTED_LOCALES
from app.core.htmx import see_other
from app.core.navigation import register_tab
from app.extensions import db
from app.home.queries import home_context
from app.org.models import Role

bp = Blueprint("home", __name__)

register_tab("home.index", _l("Home"), "home", (Role.STAFF,), order=0)
register_tab("home.index", _l("Today"), "today", (Role.STORE_MANAGER,), order=0)
register_tab("home.index", _l("Overview"), "home", (Role.DISTRICT_MANAGER, Role.HR, Role.ADMIN), order=0)
register_tab("home.me", _l("Me"), "me", tuple(Role), order=100, also_active_for=("auth.change_password",))


@bp.get("/")
def landing():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return redirect(url_for("auth.login"))


@bp.get("/home")
@login_required
def index():
    return render_template(f"home/{current_user.role}.html", **home_context(current_user))


@bp.get("/me")
@login_required
def me():
    return render_template("home/me.html")


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

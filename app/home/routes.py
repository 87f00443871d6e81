from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.config import SUPPORTED_LOCALES
from app.core.authz import roles_required
from app.core.htmx import see_other
from app.core.navigation import register_tab
from app.extensions import db
from app.home.queries import home_context
from app.org.models import Role

bp = Blueprint("home", __name__)

register_tab("home.index", _l("Home"), "home", (Role.STAFF,), order=0)
register_tab("home.index", _l("Today"), "today", (Role.STORE_MANAGER,), order=0,
             also_active_for=("missions.signoffs", "missions.signoff", "missions.manage", "missions.new_mission",
                              "missions.edit_mission", "missions.mission", "rewards.approvals",
                              "points.dispute_queue", "points.award"))
register_tab("home.index", _l("Overview"), "home", (Role.DISTRICT_MANAGER, Role.HR, Role.ADMIN), order=0,
             also_active_for=("missions.manage", "missions.new_mission", "missions.edit_mission", "missions.mission"))
register_tab("home.me", _l("Me"), "me", tuple(Role), order=100, also_active_for=("auth.change_password",))
# Org-wide settings live behind one tab so HR keeps five tabs on a phone (DESIGN.md).
SETTINGS_AREAS = (
    ("org.districts", _l("Districts"), _l("The districts stores belong to: codes, names, closing."), "globe"),
    ("org.stores", _l("Stores"), _l("Stores, districts and how many people have signed in."), "store"),
    ("journey.stage_settings", _l("Journey stages"), _l("What it takes to reach each stage."), "home"),
    ("points.award_limits", _l("Award rules"), _l("Mission and prize maxima; the daily cap."), "plus"),
    ("rewards.manage", _l("Rewards catalogue"), _l("What points can be spent on, stock and approvals."), "check"),
    ("kpis.library_page", _l("KPIs"), _l("The KPI library, store targets and CSV uploads."), "chart"),
    ("feedback.company_values", _l("Company values"), _l("What kudos and feedback are tagged with."), "heart"),
    ("leagues.manage", _l("Store leagues"), _l("Store-vs-store leagues, divisions and headcounts."), "podium"),
    ("api_tokens.index", _l("Integrations"), _l("Tokens for the point-of-sale and other systems."), "key"),
    ("org.audit_log", _l("Audit log"), _l("Every admin action and award, newest first."), "audit"),
    ("jobs.failed", _l("Background jobs"), _l("Jobs that failed after every retry."), "alert"),
)
register_tab("home.settings", _l("Settings"), "audit", (Role.HR, Role.ADMIN), order=90,
             also_active_for=tuple(area[0] for area in SETTINGS_AREAS) + (
                 "org.new_store", "org.edit_store", "org.new_district", "org.edit_district",
                 "rewards.new_reward", "rewards.edit_reward", "kpis.new_kpi", "kpis.edit_kpi",
                 "leagues.new_league", "leagues.edit_league"))


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
    return render_template(f"home/{current_user.role}.html", **home_context(current_user))


@bp.get("/me")
@login_required
def me():
    return render_template("home/me.html")


@bp.get("/settings")
@roles_required(Role.HR, Role.ADMIN)
def settings():
    return render_template("home/settings.html", areas=[area for area in SETTINGS_AREAS if _may_open(area[0])])


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

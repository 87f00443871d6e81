"""Store leagues: everyone sees their store's division; district managers and HR see the divisions of
their stores; HR and admins (and district managers, for their district) run leagues; store and district
managers set the month's scheduled headcount. Reached from links (no tab of its own)."""

import sqlalchemy as sa
from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core import numbers, params
from app.core.actions import attempt, done, form_status
from app.core.forms import choices
from app.core.htmx import render
from app.core.i18n import reader_locale
from app.extensions import db
from app.kpis.models import KpiDefinition
from app.leagues import bp, headcounts, periods, queries, services, standings
from app.leagues.forms import LeagueForm
from app.leagues.models import League
from app.org import authz
from app.org.models import Role
from app.org.queries import district_choices

LEAGUE_RUNNERS = (Role.DISTRICT_MANAGER, *authz.ORG_ADMINS)


@bp.app_template_global()
def league_zone_size(stores: int) -> int:
    """The league form's hint states what promotion will really do, from the rule that does it."""
    return standings.zone_size(stores)


@bp.get("/")
@login_required
def index():
    page = queries.league_page(current_user, params.id_arg("league"))
    return render("leagues/index.html", "leagues/_standings.html", page=page)


# -- Running leagues ---------------------------------------------------------------------------------

@bp.get("/manage")
@authz.roles_required(*LEAGUE_RUNNERS)
def manage():
    return render_template("leagues/manage.html", leagues=queries.manageable_leagues(current_user),
                           may_create=services.may_create(current_user))


def _form(league: League | None) -> LeagueForm:
    form = LeagueForm(obj=league)
    kpis = db.session.scalars(sa.select(KpiDefinition).where(KpiDefinition.active.is_(True))
                              .order_by(KpiDefinition.position, KpiDefinition.name))
    form.kpi_id.choices = choices([("", _("Choose a KPI")), *((kpi.id, kpi.name) for kpi in kpis)])
    if current_user.role in authz.ORG_ADMINS:
        form.district_id.choices = choices([("", _("Every store (company league)")),
                                            *((district.id, _("District %(name)s", name=district.name))
                                              for district in district_choices())])
    else:
        district = current_user.district
        form.district_id.choices = choices([(district.id, _("District %(name)s", name=district.name))]
                                           if district else [])
    return form


def _draft(form: LeagueForm) -> services.LeagueDraft:
    return services.LeagueDraft(name=form.name.data or "", basis=form.basis.data or "", kpi_id=form.kpi_id.data,
                                division_size=form.division_size.data, district_id=form.district_id.data,
                                active=bool(form.active.data))


def _save(form: LeagueForm, league: League | None):
    if form.validate_on_submit():
        with attempt(form) as outcome:
            if league is None:
                league = services.create_league(current_user, _draft(form))
            else:
                services.update_league(current_user, league, _draft(form))
        if outcome.ok:
            return done(_("%(name)s saved.", name=league.name), "leagues.index", league=league.id)
    return render_template("leagues/league_form.html", form=form, league=league), form_status(form)


@bp.route("/manage/new", methods=["GET", "POST"])
@authz.roles_required(*LEAGUE_RUNNERS)
def new_league():
    if not services.may_create(current_user):
        abort(403)
    return _save(_form(None), None)


@bp.route("/manage/<int:league_id>/edit", methods=["GET", "POST"])
@authz.roles_required(*LEAGUE_RUNNERS)
def edit_league(league_id: int):
    league = queries.manageable_league_or_none(current_user, league_id) or abort(404)
    return _save(_form(league), league)


# -- Headcounts --------------------------------------------------------------------------------------

def _month_arg(value: str | None):
    months = queries.headcount_months()
    month = periods.parse_month(value)
    return month if month in months else months[0]


def _headcount_page(month, status: int = 200, error: str | None = None, error_store_id: int | None = None):
    return render_template("leagues/headcounts.html", month=month, months=queries.headcount_months(),
                           rows=queries.headcount_rows(current_user, month), error=error,
                           error_store_id=error_store_id), status


@bp.get("/headcounts")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def headcounts_page():
    return _headcount_page(_month_arg(request.args.get("month")))


@bp.post("/headcounts")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def set_headcount():
    month = _month_arg(request.form.get("month"))
    store_id = params.id_arg("store_id", request.form)
    raw = (request.form.get("headcount") or "").strip()
    if store_id is None or not authz.can_manage_store(current_user, store_id):
        return _headcount_page(month, 422, _("Choose one of your stores."))
    try:
        headcount = numbers.parse_whole_number(raw, reader_locale()) if raw else None
    except numbers.NumberError:
        return _headcount_page(month, 422, _("Enter the headcount as a whole number."), store_id)
    with attempt() as outcome:
        headcounts.set_headcount(current_user, store_id, month, headcount)
    if not outcome.ok:
        return _headcount_page(month, 422, outcome.message, store_id)
    return done(_("Headcount saved.") if headcount else _("Headcount back to the default: the store's active people."),
                "leagues.headcounts_page", month=month.strftime("%Y-%m"))


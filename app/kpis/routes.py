"""KPI screens: the store dashboard (store managers), the district dashboard and the targets grid
(district managers on a tablet, HR), today's entry form and the CSV upload, and HR's KPI library."""

from datetime import date

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core import params, timezones
from app.core.actions import attempt, done, form_status
from app.core.forms import choices
from app.core.htmx import is_fragment_request, render, see_other
from app.core.i18n import reader_locale
from app.extensions import db
from app.kpis import bp, csv_import, display, library, queries, targets
from app.kpis.aggregation import period_bounds
from app.kpis.display import input_value
from app.kpis.forms import KpiForm, UploadForm
from app.kpis.measurements import MeasurementErrors, base_kpis, save_measurements, values_for
from app.kpis.models import KpiDefinition, KpiTarget, PeriodKind
from app.org import authz
from app.org.models import District, Role, Store

TARGET_SETTERS = (Role.DISTRICT_MANAGER, Role.HR, Role.ADMIN)


def _company_today() -> date:
    return timezones.today_in(timezones.default_zone())


# -- Dashboards --------------------------------------------------------------------------------------

@bp.get("/")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def store_dashboard():
    if current_user.role != Role.STORE_MANAGER or current_user.store_id is None:
        return redirect(url_for("kpis.district_dashboard"))
    return _store_page(current_user.store)


@bp.get("/stores/<int:store_id>")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def store_view(store_id: int):
    return _store_page(authz.visible_store_or_404(current_user, store_id))


def _store_page(store: Store):
    today = timezones.store_today(store)
    return render("kpis/store.html", "kpis/_tiles.html", store=store, today=today,
                  tiles=queries.store_dashboard(store, today), own=store.id == current_user.store_id,
                  fragment_url=url_for("kpis.store_view", store_id=store.id))


@bp.get("/district")
@authz.roles_required(*TARGET_SETTERS)
def district_dashboard():
    today = _company_today()
    sort = request.args.get("sort", "status")
    descending = request.args.get("dir") == "desc"
    district_id = params.id_arg("district") if current_user.role != Role.DISTRICT_MANAGER else None
    board = queries.district_dashboard(current_user, today, focus_code=request.args.get("kpi", "conversion_rate"),
                                       sort=sort, descending=descending, district_id=district_id)
    return render("kpis/district.html", "kpis/_district_table.html", board=board, today=today, sort=sort,
                  descending=descending, district_id=district_id, districts=_district_choices(),
                  focus_choices=board.kpis if board else [])


def _district_choices():
    if current_user.role == Role.DISTRICT_MANAGER:
        return []
    return list(db.session.scalars(sa.select(District).order_by(District.name)))


# -- Today's values and CSV --------------------------------------------------------------------------

@bp.route("/entry", methods=["GET", "POST"])
@authz.roles_required(Role.STORE_MANAGER)
def entry():
    store = current_user.store or abort(404)
    today = timezones.store_today(store)
    kpis = base_kpis()
    errors: dict[str, str] = {}
    submitted: dict[str, str] = {}
    if request.method == "POST":
        submitted = {kpi.code: request.form.get(kpi.code, "").strip() for kpi in kpis}
        items = [{"store": store.code, "kpi": code, "date": today.isoformat(), "value": value}
                 for code, value in submitted.items() if value]
        if not items:
            errors["_form"] = _("Enter at least one value.")
        else:
            with attempt(refusal=MeasurementErrors) as outcome:
                result = save_measurements(items, source="form", entered_by=current_user,
                                           allowed_store_ids={store.id}, text_locale=reader_locale(),
                                           recent_only=True)
            if outcome.ok:
                return done(_("Saved %(n)d values for today. Thanks!", n=result.count), "kpis.store_dashboard")
            for problem in outcome.error.problems:
                code = items[problem.index]["kpi"] if problem.index >= 0 else "_form"
                errors[code] = problem.message
    saved = values_for(store.id, today)
    return render_template("kpis/entry.html", store=store, today=today, kpis=kpis, saved=saved,
                           submitted=submitted, errors=errors), 422 if errors else 200


@bp.route("/upload", methods=["GET", "POST"])
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def upload():
    form = UploadForm()
    report = None
    if form.validate_on_submit():
        upload_file = form.file.data
        if not upload_file or not upload_file.filename:
            form.file.errors = [_("Choose a CSV file to upload.")]
        else:
            # Only HR and admins load history: a manager back-filling old days could collect payouts.
            report = csv_import.import_measurements(current_user, upload_file.read(),
                                                    allowed_store_ids=authz.store_ids_in_scope(current_user),
                                                    recent_only=current_user.role not in authz.ORG_ADMINS,
                                                    locale=reader_locale())
            if report.ok:
                db.session.commit()
                return done(_("Imported %(n)d measurements.", n=report.saved), "kpis.upload")
            db.session.rollback()
    status = 422 if request.method == "POST" else 200
    return render_template("kpis/upload.html", form=form, report=report), status


# -- Targets -----------------------------------------------------------------------------------------

def period_param(value: date, kind: str) -> str:
    if kind == PeriodKind.QUARTER:
        return f"{value.year}-Q{(value.month - 1) // 3 + 1}"
    return f"{value.year}-{value.month:02d}"


def _period_from(text: str | None) -> tuple[str, date]:
    found = params.parse_period(text)
    if found is None:
        return PeriodKind.MONTH, period_bounds(PeriodKind.MONTH, _company_today())[0]
    return PeriodKind(found[0]), found[1]


def _grid_context(kind: str, start: date, **extra):
    district_id = params.id_arg("district", request.values) if current_user.role != Role.DISTRICT_MANAGER \
        else None
    grid = queries.target_grid(current_user, kind, start, district_id)
    return dict(grid=grid, period=period_param(start, kind), district_id=district_id,
                previous=period_param(targets.previous_period(kind, start), kind),
                following=period_param(targets.next_period(kind, start), kind),
                other_kind=period_param(start, PeriodKind.QUARTER if kind == PeriodKind.MONTH else PeriodKind.MONTH),
                districts=_district_choices(), problems={}, typed={}, **extra)


@bp.route("/targets", methods=["GET", "POST"])
@authz.roles_required(*TARGET_SETTERS)
def targets_page():
    kind, start = _period_from(request.values.get("period"))
    if request.method == "GET":
        return render("kpis/targets.html", "kpis/_target_grid.html", **_grid_context(kind, start))
    context = _grid_context(kind, start)
    grid = context["grid"]
    raw = {}
    for kpi in grid.kpis:
        for store in grid.stores:
            name = f"t-{kpi.id}-{store.id}"
            if name in request.form:
                raw[(kpi, store.id)] = request.form[name]
    with attempt(refusal=targets.TargetErrors) as outcome:
        changed = targets.set_cells(current_user, kind, start, raw, locale=reader_locale())
    if not outcome.ok:
        context.update(problems=outcome.error.problems, typed={(k.id, s): v for (k, s), v in raw.items()},
                       error=outcome.message)
        return render("kpis/targets.html", "kpis/_target_grid.html", **context), 422
    return done(_("Targets saved (%(n)d changed).", n=changed), "kpis.targets_page", period=context["period"],
                district=context["district_id"])


@bp.post("/targets/<int:kpi_id>/<int:store_id>")
@authz.roles_required(*TARGET_SETTERS)
def target_cell(kpi_id: int, store_id: int):
    """One cell of the grid, saved as it is typed (htmx); answers the cell again."""
    store = authz.visible_store_or_404(current_user, store_id)
    kpi = db.session.get(KpiDefinition, kpi_id)
    if kpi is None or not kpi.active:
        abort(404)
    kind, start = _period_from(request.values.get("period"))
    text = request.form.get(f"t-{kpi.id}-{store.id}", request.form.get("value", ""))
    error = saved = None
    with attempt(refusal=targets.TargetErrors) as outcome:
        saved = bool(targets.set_cells(current_user, kind, start, {(kpi, store.id): text}, locale=reader_locale()))
    if not outcome.ok:
        error = outcome.error.problems[(kpi.id, store.id)]
    if not is_fragment_request():
        if error:
            flash(error, "error")
        return see_other("kpis.targets_page", period=period_param(start, kind))
    value = text if error else _stored_target(kpi.id, store.id, kind, start)
    return render_template("kpis/_target_cell.html", kpi=kpi, store=store, period=period_param(start, kind),
                           value=value, error=error, saved=saved), 422 if error else 200


def _stored_target(kpi_id: int, store_id: int, kind: str, start: date):
    value = db.session.scalar(sa.select(KpiTarget.value).where(
        KpiTarget.kpi_id == kpi_id, KpiTarget.store_id == store_id, KpiTarget.period_kind == kind,
        KpiTarget.period_start == start))
    return input_value(value)


@bp.post("/targets/copy")
@authz.roles_required(*TARGET_SETTERS)
def copy_targets():
    kind, start = _period_from(request.form.get("period"))
    district_id = params.id_arg("district", request.form) if current_user.role != Role.DISTRICT_MANAGER else None
    store_ids = None
    if district_id is not None:
        store_ids = [store.id for store in queries.target_grid(current_user, kind, start, district_id).stores]
    with attempt(flash_refusal=True) as outcome:
        changed = targets.copy_previous(current_user, kind, start, request.form.get("uplift", ""), store_ids,
                                        locale=reader_locale())
    if outcome.ok:
        flash(_("Copied %(n)d targets from the period before.", n=changed), "success")
    return see_other("kpis.targets_page", period=period_param(start, kind), district=district_id)


# -- The KPI library (HR) ----------------------------------------------------------------------------

@bp.get("/library")
@authz.roles_required(*authz.ORG_ADMINS)
def library_page():
    return render_template("kpis/library.html", kpis=library.definitions())


def _kpi_form(kpi: KpiDefinition | None) -> KpiForm:
    form = KpiForm(obj=kpi)
    bases = [(item.id, f"{item.name} ({item.code})") for item in library.definitions()
             if not item.is_ratio and (kpi is None or item.id != kpi.id)]
    form.numerator_id.choices = choices([("", _("—")), *bases])
    form.denominator_id.choices = choices([("", _("—")), *bases])
    return form


def _save_kpi(form: KpiForm, kpi: KpiDefinition | None):
    if form.validate_on_submit():
        draft = library.KpiDraft(
            code=(form.code.data or "").strip().lower(), name=form.name.data or "",
            description=form.description.data or "", unit=form.unit.data, direction=form.direction.data,
            aggregation=form.aggregation.data, numerator_id=form.numerator_id.data,
            denominator_id=form.denominator_id.data, scale=form.scale.data or 1.0,
            decimals=form.decimals.data or 0, position=form.position.data, min_value=form.min_value.data,
            max_value=form.max_value.data)
        with attempt(form) as outcome:
            if kpi is None:
                kpi = library.create_kpi(current_user, draft)
            else:
                library.update_kpi(current_user, kpi, draft)
        if outcome.ok:
            return done(_("%(name)s saved.", name=kpi.name), "kpis.library_page")
    return render_template("kpis/kpi_form.html", form=form, kpi=kpi), form_status(form)


@bp.route("/library/new", methods=["GET", "POST"])
@authz.roles_required(*authz.ORG_ADMINS)
def new_kpi():
    return _save_kpi(_kpi_form(None), None)


@bp.route("/library/<int:kpi_id>/edit", methods=["GET", "POST"])
@authz.roles_required(*authz.ORG_ADMINS)
def edit_kpi(kpi_id: int):
    kpi = db.session.get(KpiDefinition, kpi_id) or abort(404)
    return _save_kpi(_kpi_form(kpi), kpi)


@bp.post("/library/<int:kpi_id>/active")
@authz.roles_required(*authz.ORG_ADMINS)
def set_kpi_active(kpi_id: int):
    kpi = db.session.get(KpiDefinition, kpi_id) or abort(404)
    with attempt(flash_refusal=True) as outcome:
        library.set_active(current_user, kpi, request.form.get("active") == "1")
    if outcome.ok:
        flash(_("%(name)s is active again.", name=kpi.name) if kpi.active else
              _("%(name)s is deactivated: hidden from dashboards and entry, its history kept.", name=kpi.name),
              "success")
    return see_other("kpis.library_page")


@bp.post("/library/<int:kpi_id>/delete")
@authz.roles_required(*authz.ORG_ADMINS)
def delete_kpi(kpi_id: int):
    kpi = db.session.get(KpiDefinition, kpi_id) or abort(404)
    name = kpi.name
    with attempt() as outcome:
        library.delete_kpi(current_user, kpi)
    outcome.flash(_("%(name)s deleted.", name=name))
    return see_other("kpis.library_page")


@bp.app_template_global()
def kpi_period_param(value: date, kind: str) -> str:
    return period_param(value, kind)


@bp.app_template_global()
def kpi_number(kpi: KpiDefinition, value: float | None, compact: bool = False) -> str:
    return display.number(kpi, value, compact=compact)


@bp.app_template_global()
def kpi_input_value(value: float | None) -> str:
    return input_value(value)

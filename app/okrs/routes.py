"""Goals: the OKR overview (cascade tree, what needs attention), one objective with its check-ins, the
objective editor with key result rows added and removed by htmx, and goal templates applied to many
stores or people at once. District managers have a Goals tab; everyone else reaches goals from a link."""

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core import params
from app.core.actions import attempt, done
from app.core.forms import choices
from app.core.htmx import is_fragment_request, render, see_other
from app.core.i18n import reader_locale
from app.core.timezones import local_today
from app.extensions import db
from app.kpis.models import KpiDefinition
from app.okrs import bp, forms, goal_templates, live, queries, rules, services
from app.okrs.models import (
    CONFIDENCE_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    PARENT_LEVEL,
    GoalTemplate,
    KeyResult,
    Level,
    Objective,
    ObjectiveStatus,
)
from app.org import authz
from app.org.models import Role

# Globals, not a context processor: imported macros see globals but not the render context.
for _name, _value in (("okr_confidence_labels", CONFIDENCE_LABELS), ("okr_level_labels", LEVEL_LABELS),
                      ("okr_kind_labels", KIND_LABELS), ("okr_value", queries.format_value),
                      ("okr_input", queries.input_value)):
    bp.add_app_template_global(_value, _name)


def _today():
    return local_today(current_user)


# -- Overview and detail -----------------------------------------------------------------------------

@bp.get("/")
@login_required
def index():
    today = _today()
    quarter = queries.parse_quarter(request.args.get("period"), today)
    data = queries.overview(current_user, quarter, today)
    return render("okrs/index.html", "okrs/_overview.html", overview=data, quarter=quarter,
                  current=queries.quarter_of(today), can_template=current_user.role in authz.PEOPLE_MANAGERS)


def _visible_or_404(objective_id: int) -> Objective:
    return queries.visible_objective_or_none(current_user, objective_id) or abort(404)


@bp.get("/<int:objective_id>")
@login_required
def objective(objective_id: int):
    found = _visible_or_404(objective_id)
    detail = queries.detail(current_user, found, _today())
    return render("okrs/objective.html", "okrs/_objective.html", detail=detail, errors={}, open_id=None)


@bp.post("/key-results/<int:key_result_id>/check-in")
@login_required
def check_in(key_result_id: int):
    key_result = db.session.get(KeyResult, key_result_id)
    if key_result is None or not rules.can_see(current_user, key_result.objective_id):
        abort(404)
    objective_ = key_result.objective
    if not rules.can_check_in(current_user, objective_):
        abort(403)
    form = forms.CheckInForm()
    error = None
    if not form.validate_on_submit():
        error = " ".join(str(message) for messages in form.errors.values() for message in messages)
    else:
        with attempt() as outcome:
            services.check_in(current_user, key_result, confidence=form.confidence.data,
                              value=forms.parse_number(form.value.data, reader_locale()),
                              comment=form.comment.data or "")
            live.objective_changed(objective_)
        error = outcome.message
    message = None if error else _("Checked in: thanks for the update.")
    if is_fragment_request():
        objective_ = queries.visible_objective_or_none(current_user, objective_.id)
        detail = queries.detail(current_user, objective_, _today())
        return render_template("okrs/_objective.html", detail=detail, errors={key_result_id: error} if error else {},
                               open_id=key_result_id if error else None, message=message), 422 if error else 200
    flash(error or message, "error" if error else "success")
    return see_other("okrs.objective", objective_id=objective_.id)


# -- Creating and editing ----------------------------------------------------------------------------

def _kpis() -> list[KpiDefinition]:
    import sqlalchemy as sa

    return list(db.session.scalars(sa.select(KpiDefinition).where(KpiDefinition.active.is_(True))
                                   .order_by(KpiDefinition.position, KpiDefinition.name)))


def _fill_choices(form: forms.ObjectiveForm, level: str, keep_parent_id: int | None = None) -> None:
    form.district_id.choices = choices((d.id, d.name) for d in rules.district_choices(current_user))
    form.store_id.choices = choices((s.id, s.name) for s in rules.store_choices(current_user))
    form.person_id.choices = choices((p.id, _("%(name)s (you)", name=p.full_name) if p.id == current_user.id
                                      else p.full_name) for p in rules.people_choices(current_user))
    form.owner_id.choices = choices((p.id, _("%(name)s (you)", name=p.full_name) if p.id == current_user.id
                                     else p.full_name) for p in rules.owner_choices(current_user))
    start, end = form.period_start.data, form.period_end.data
    parents = [(p.id, f"{p.title} · {p.level_label}") for p in rules.parent_choices(current_user, level, start, end)]
    if keep_parent_id and keep_parent_id not in {parent_id for parent_id, _label in parents}:
        # The current parent stays selectable even when it is out of the editor's sight or period now.
        parents.append((keep_parent_id, _("The objective it is aligned with now")))
    form.parent_id.choices = choices([(0, _("Not aligned with another objective")), *parents])


def _draft(form: forms.ObjectiveForm, level: str, key_results) -> services.ObjectiveDraft:
    return services.ObjectiveDraft(
        title=form.title.data or "", description=form.description.data or "", level=level,
        period_start=form.period_start.data, period_end=form.period_end.data,
        district_id=form.district_id.data or None, store_id=form.store_id.data or None,
        person_id=form.person_id.data or None, parent_id=form.parent_id.data or None,
        owner_id=form.owner_id.data or None, key_results=key_results)


def _editor(form, level, rows, objective_=None, status=200):
    return render_template("okrs/form.html", form=form, level=level, rows=rows, objective=objective_,
                           levels=rules.creatable_levels(current_user), kpis=_kpis(),
                           has_parent_level=level in PARENT_LEVEL), status


def _save(form, level, objective_):
    rows = forms.rows_from_form(request.form)
    if form.validate_on_submit():
        with attempt(form) as outcome:
            drafts = forms.drafts_from_rows(rows, locale=reader_locale())
            draft = _draft(form, level, drafts)
            if objective_ is None:
                objective_ = services.create_objective(current_user, draft)
            else:
                services.update_objective(current_user, objective_, draft)
        if outcome.ok:
            return done(_("Objective saved."), "okrs.objective", objective_id=objective_.id)
    return _editor(form, level, rows, objective_, status=422)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_objective():
    levels = rules.creatable_levels(current_user)
    parent_hint = params.id_arg("parent_id")
    level = request.values.get("level") or ""
    parent = queries.visible_objective_or_none(current_user, parent_hint) if parent_hint else None
    if parent is not None and not level:
        level = next((child for child, above in PARENT_LEVEL.items() if above == parent.level), "")
    if level not in levels:
        level = Level.PERSON if current_user.role == Role.STAFF else levels[0]
    form = forms.ObjectiveForm()
    if request.method == "GET":
        quarter = queries.quarter_of(_today())
        form.period_start.data, form.period_end.data = quarter.start, quarter.end
        form.owner_id.data = current_user.id
        form.person_id.data = current_user.id
        if current_user.store_id:
            form.store_id.data = current_user.store_id
        if current_user.district_id:
            form.district_id.data = current_user.district_id
        if parent is not None and parent.level == PARENT_LEVEL.get(level):
            form.parent_id.data = parent.id
            form.period_start.data, form.period_end.data = parent.period_start, parent.period_end
    _fill_choices(form, level)
    if request.method == "POST":
        return _save(form, level, None)
    return _editor(form, level, [forms.blank_row()])


@bp.route("/<int:objective_id>/edit", methods=["GET", "POST"])
@login_required
def edit_objective(objective_id: int):
    found = _visible_or_404(objective_id)
    if not rules.can_change(current_user, found):
        abort(403)
    form = forms.ObjectiveForm(obj=found if request.method == "GET" else None)
    if request.method == "GET":
        form.parent_id.data = found.parent_id or 0
        form.owner_id.data = found.owner_id or 0
    _fill_choices(form, found.level, keep_parent_id=found.parent_id)
    if request.method == "POST":
        return _save(form, found.level, found)
    rows = [{"key": forms.new_row_key(), "id": str(kr.id), "title": kr.title, "kind": kr.kind,
             "start": queries.input_value(kr.start_value), "target": queries.input_value(kr.target_value),
             "weight": queries.input_value(kr.weight), "kpi_id": str(kr.kpi_id or "")}
            for kr in found.key_results]
    return _editor(form, found.level, rows, found)


@bp.post("/<int:objective_id>/status")
@login_required
def set_status(objective_id: int):
    found = _visible_or_404(objective_id)
    if not rules.can_change(current_user, found):
        abort(403)
    archive = request.form.get("status") == ObjectiveStatus.ARCHIVED
    services.set_status(current_user, found, ObjectiveStatus.ARCHIVED if archive else ObjectiveStatus.ACTIVE)
    db.session.commit()
    return done(_("Objective archived: it no longer shows in the tree.") if archive else _("Objective active again."),
                "okrs.objective", objective_id=found.id)


@bp.get("/key-result-row")
@login_required
def key_result_row():
    """A blank key result row for the editor (htmx appends it)."""
    return render_template("okrs/_key_result_row.html", row=forms.blank_row(), kpis=_kpis())


# -- Templates ---------------------------------------------------------------------------------------

@bp.get("/templates")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def templates():
    import sqlalchemy as sa

    rows = list(db.session.scalars(sa.select(GoalTemplate).order_by(GoalTemplate.name, GoalTemplate.id)))
    return render_template("okrs/templates.html", templates=rows,
                           can_delete=lambda template: goal_templates.can_delete(current_user, template))


@bp.route("/templates/new", methods=["GET", "POST"])
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def new_template():
    form = forms.TemplateForm()
    rows = forms.rows_from_form(request.form) if request.method == "POST" else [forms.blank_row()]
    if request.method == "POST":
        if form.validate_on_submit():
            with attempt(form) as outcome:
                goal_templates.create_template(current_user, name=form.name.data, level=form.level.data,
                                               title=form.title.data, description=form.description.data or "",
                                               key_results=forms.drafts_from_rows(rows, locale=reader_locale()))
            if outcome.ok:
                return done(_("Template saved: now apply it to the stores or people it is for."), "okrs.templates")
        return render_template("okrs/template_form.html", form=form, rows=rows, kpis=_kpis()), 422
    return render_template("okrs/template_form.html", form=form, rows=rows, kpis=_kpis())


def _template_or_404(goal_template_id: int) -> GoalTemplate:
    return db.session.get(GoalTemplate, goal_template_id) or abort(404)


@bp.route("/templates/<int:goal_template_id>/apply", methods=["GET", "POST"])
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def apply_template(goal_template_id: int):
    template = _template_or_404(goal_template_id)
    form = forms.ApplyTemplateForm()
    form.target_ids.choices = choices(goal_templates.target_choices(current_user, template))
    if request.method == "GET":
        quarter = queries.quarter_of(_today())
        form.period_start.data, form.period_end.data = quarter.start, quarter.end
    parents = rules.parent_choices(current_user, template.level, form.period_start.data, form.period_end.data)
    form.parent_id.choices = choices([(0, _("Not aligned with another objective"))]
                                     + [(p.id, f"{p.title} · {p.level_label}") for p in parents])
    if request.method == "POST":
        if form.validate_on_submit():
            with attempt(form, on_form=True) as outcome:
                result = goal_templates.apply_template(
                    current_user, template, form.target_ids.data or [], period_start=form.period_start.data,
                    period_end=form.period_end.data, parent_id=form.parent_id.data or None)
            if outcome.ok:
                if result.created:
                    flash(_("Created %(n)d objectives from “%(name)s”.", n=len(result.created), name=template.name),
                          "success")
                if result.skipped:
                    flash(_("Skipped %(n)d that already have it for this period: %(names)s.",
                            n=len(result.skipped), names=", ".join(result.skipped)), "warning")
                return see_other("okrs.index", period=queries.quarter_of(form.period_start.data).key)
        return render_template("okrs/apply_template.html", form=form, template=template), 422
    return render_template("okrs/apply_template.html", form=form, template=template)


@bp.post("/templates/<int:goal_template_id>/delete")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def delete_template(goal_template_id: int):
    template = _template_or_404(goal_template_id)
    if not goal_templates.can_delete(current_user, template):
        abort(404)
    goal_templates.delete_template(current_user, template)
    db.session.commit()
    return done(_("Template deleted. Objectives made from it stay."), "okrs.templates")

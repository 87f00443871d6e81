import segno
from flask import abort, current_app, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import resets
from app.auth import services as auth_services
from app.core import params
from app.core.actions import attempt, done, form_status
from app.core.errors import ServiceError
from app.core.forms import choices
from app.core.htmx import is_fragment_request, render, see_other
from app.core.links import external_url
from app.extensions import db
from app.org import authz, bp, invites, queries, services
from app.org.forms import PersonForm
from app.org.models import ROLE_LABELS, Role


@bp.app_template_global()
def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))

# Store managers' "Team" tab is the coaching view (app/oneonones), district managers' "Stores" the KPI
# dashboard (app/kpis); both link to the people and store lists.


@bp.get("/people")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def people():
    filters = _people_filters()
    page = db.paginate(queries.people_query(current_user, **filters), page=params.page_arg(),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    results = {"page": page, "filters": filters, "filter_args": _filter_args(filters),
               "invitable": invites.invitable_ids(current_user, page.items),
               "waiting": invites.waiting_count(current_user, filters), "max_invites": invites.MAX_AT_ONCE}
    if is_fragment_request():  # a search keystroke: just the results
        return render_template("org/_people_results.html", **results)
    return render_template("org/people.html", **results, stores=queries.store_choices(current_user),
                           reset_requests=resets.open_requests(current_user, limit=10))


def _people_filters(source=None) -> dict:
    """The people list's filters, from its query string or from a form that carries them along."""
    return {
        "search": params.text_arg("q", source=source),
        "store_id": params.id_arg("store", source),
        "role": params.choice_arg("role", tuple(Role), source=source),
        "status": params.choice_arg("status", queries.PEOPLE_STATUSES, source=source),
    }


def _filter_args(filters: dict) -> dict:
    """The filters as the list's query string, without the empty ones."""
    named = {"q": filters["search"], "store": filters["store_id"], "role": filters["role"],
             "status": filters["status"]}
    return {name: value for name, value in named.items() if value}


def _fill_choices(form: PersonForm) -> None:
    form.role.choices = choices((role, str(ROLE_LABELS[role])) for role in authz.assignable_roles(current_user))
    none = [("", _("— none —"))]
    form.store_id.choices = choices(none + [(s.id, s.name) for s in queries.store_choices(current_user)])
    form.district_id.choices = choices(none + [(d.id, d.name) for d in queries.district_choices()])
    form.manager_id.choices = choices(none + [
        (p.id, f"{p.full_name} · {ROLE_LABELS[p.role]}") for p in queries.manager_choices(current_user)])
    form.locale.choices = choices([("it", "Italiano"), ("en", "English")])


def _draft(form: PersonForm) -> services.PersonDraft:
    return services.PersonDraft(
        employee_number=form.employee_number.data, full_name=form.full_name.data, role=form.role.data,
        email=form.email.data or None, store_id=form.store_id.data, district_id=form.district_id.data,
        manager_id=form.manager_id.data, hire_date=form.hire_date.data, locale=form.locale.data)


@bp.route("/people/new", methods=["GET", "POST"])
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def new_person():
    form = PersonForm()
    _fill_choices(form)
    if request.method == "GET":
        form.store_id.data = current_user.store_id
        form.manager_id.data = current_user.id if current_user.role == Role.STORE_MANAGER else None
    if form.validate_on_submit():
        with attempt(form) as outcome:
            person = services.create_person(current_user, _draft(form))
            token = auth_services.issue_invite(person, issued_by=current_user,
                                               valid_days=current_app.config["INVITE_VALID_DAYS"])
        if outcome.ok:
            flash(_("%(name)s is added. Print the invite so they can sign in.", name=person.full_name), "success")
            return _invite_sheet([(person, token)])
    return render_template("org/person_form.html", form=form, person=None), form_status(form)


@bp.get("/people/<int:person_id>")
@login_required
def person(person_id: int):
    person = authz.visible_person_or_404(current_user, person_id)
    can_manage = authz.can_manage_person(current_user, person)
    if not can_manage and current_user.role not in authz.PEOPLE_MANAGERS and person.id != current_user.id:
        # Colleagues see a public card only.
        return render_template("org/colleague.html", person=person)
    return render_template("org/person.html", person=person, can_manage=can_manage,
                           invite_expiry=queries.open_invite_expiry(person.id) if can_manage else None,
                           reset_requests=resets.open_requests(current_user, person_id=person.id))


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def edit_person(person_id: int):
    person = authz.managed_person_or_404(current_user, person_id)
    form = PersonForm(obj=person)
    _fill_choices(form)
    if form.validate_on_submit():
        with attempt(form) as outcome:
            services.update_person(current_user, person, _draft(form))
        if outcome.ok:
            return done(_("Changes to %(name)s saved.", name=person.full_name), "org.person", person_id=person.id)
    return render_template("org/person_form.html", form=form, person=person), form_status(form)


@bp.post("/people/<int:person_id>/active")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def set_active(person_id: int):
    person = authz.managed_person_or_404(current_user, person_id)
    active = request.form.get("active") == "1"
    with attempt() as outcome:
        services.set_active(current_user, person, active)
    outcome.flash(_("%(name)s can sign in again.", name=person.full_name) if active else
                  _("%(name)s is deactivated and signed out everywhere.", name=person.full_name))
    return see_other("org.person", person_id=person.id)


@bp.post("/people/invites")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def print_invites():
    """Fresh one-time links for the chosen people (ticked boxes, or `everyone` waiting under the list's
    filters), laid out to print for the back office. Whoever can't have one (deactivated, or with a
    password of their own) is skipped and named on the sheet. When some already hold a working sheet, a
    new one cancels it: that is said first, and nothing is printed until `confirm`."""
    filters = _people_filters(request.form)
    if request.form.get("everyone") == "1":
        try:
            chosen = invites.everyone_waiting(current_user, filters)
        except ServiceError as error:
            flash(error.message, "error")
            return see_other("org.people", **_filter_args(filters))
    else:
        ids = params.ids_arg("person_id", request.form, limit=invites.MAX_AT_ONCE)
        if not ids:
            flash(_("Choose at least one person to print an invite for."), "error")
            return see_other("org.people", **_filter_args(filters))
        chosen = [authz.managed_person_or_404(current_user, person_id) for person_id in ids]
    batch = invites.sort_out(current_user, chosen)
    if not batch.invitable:
        for _person, problem in batch.skipped:
            flash(problem, "error")
        return see_other("org.people", **_filter_args(filters))
    reprinted = invites.open_sheets(batch.invitable)
    if reprinted and request.form.get("confirm") != "1":
        return render_template("org/invites_confirm.html", chosen=chosen, batch=batch, reprinted=reprinted,
                               fresh=[person for person in batch.invitable
                                      if person.id not in {sheet.person.id for sheet in reprinted}],
                               filter_args=_filter_args(filters))
    sheets = invites.print_sheets(current_user, batch.invitable,
                                  valid_days=current_app.config["INVITE_VALID_DAYS"])
    db.session.commit()
    return _invite_sheet(sheets, skipped=batch.skipped)


def _invite_sheet(people_and_tokens, skipped=()):
    sheets = []
    for person, token in people_and_tokens:
        link = external_url("auth.accept_invite", token=token)
        qr_svg = segno.make(link, error="m").svg_inline(scale=4, dark="#1b1530", light="#ffffff")
        sheets.append({"person": person, "link": link, "qr_svg": qr_svg})
    return render_template("org/invites.html", sheets=sheets, skipped=skipped,
                           valid_days=current_app.config["INVITE_VALID_DAYS"])


@bp.get("/audit")
@authz.roles_required(*authz.ORG_ADMINS)
def audit_log():
    from app.org.audit_queries import audit_page

    page = audit_page(page=params.page_arg(), per_page=50, action=params.text_arg("action", max_length=64))
    if page is None:
        abort(404)
    return render("org/audit.html", "org/_audit_rows.html", page=page)


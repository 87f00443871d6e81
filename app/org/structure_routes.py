"""Districts and stores screens (HR and administrators; district managers read their stores). Views join
the org blueprint; the rules live in app/org/structure.py."""

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from app.core import params
from app.core.actions import attempt, done, form_status
from app.core.forms import choices
from app.core.htmx import render, see_other
from app.core.text import squash_spaces
from app.extensions import db
from app.org import authz, bp, queries, structure, structure_queries
from app.org.forms import DistrictForm, StoreForm
from app.org.models import District, Role, Store

# Districts ----------------------------------------------------------------------------------------------

@bp.get("/districts")
@authz.roles_required(*authz.ORG_ADMINS)
def districts():
    return render("org/districts.html", "org/_district_table.html", rows=structure_queries.district_rows())


@bp.route("/districts/new", methods=["GET", "POST"])
@authz.roles_required(*authz.ORG_ADMINS)
def new_district():
    form = DistrictForm()
    if form.validate_on_submit():
        with attempt(form) as outcome:
            structure.create_district(current_user, code=form.code.data, name=form.name.data)
        if outcome.ok:
            return done(_("District %(name)s created.", name=squash_spaces(form.name.data)), "org.districts")
    return render("org/district_form.html", form=form, district=None), form_status(form)


@bp.route("/districts/<int:district_id>/edit", methods=["GET", "POST"])
@authz.roles_required(*authz.ORG_ADMINS)
def edit_district(district_id: int):
    district = db.get_or_404(District, district_id)
    form = DistrictForm(obj=district)
    form.code.data = district.code  # the code is fixed once stores and imports name it
    if form.validate_on_submit():
        with attempt(form) as outcome:
            structure.rename_district(current_user, district, name=form.name.data)
        if outcome.ok:
            return done(_("District renamed to %(name)s.", name=squash_spaces(form.name.data)), "org.districts")
    return render("org/district_form.html", form=form, district=district,
                  open_stores=structure.open_store_count(district)), form_status(form)


@bp.post("/districts/<int:district_id>/close")
@authz.roles_required(*authz.ORG_ADMINS)
def close_district(district_id: int):
    district = db.get_or_404(District, district_id)
    with attempt(flash_refusal=True) as outcome:
        structure.close_district(current_user, district)
    if not outcome.ok:
        return see_other("org.edit_district", district_id=district.id)
    return done(_("District %(name)s is closed.", name=district.name), "org.districts")


# Stores -------------------------------------------------------------------------------------------------

@bp.get("/stores")
@authz.roles_required(Role.DISTRICT_MANAGER, *authz.ORG_ADMINS)
def stores():
    district_id = params.id_arg("district")
    org_wide = current_user.role in authz.ORG_ADMINS
    rows = queries.store_rows(current_user, district_id=district_id, include_closed=org_wide)
    return render("org/stores.html", "org/_store_table.html", store_rows=rows, district_id=district_id,
                  districts=structure_queries.open_districts() if org_wide else [])


def _store_form(store: Store | None) -> StoreForm:
    form = StoreForm(obj=store)
    form.district_id.choices = choices([("", _("— choose —"))] + [
        (d.id, d.name) for d in structure_queries.open_districts()])
    form.timezone.choices = structure.timezone_groups()
    if request.method == "GET" and store is None:
        form.timezone.data = structure.default_timezone()
        form.district_id.data = params.id_arg("district")
    return form


@bp.route("/stores/new", methods=["GET", "POST"])
@authz.roles_required(*authz.ORG_ADMINS)
def new_store():
    form = _store_form(None)
    if form.validate_on_submit():
        with attempt(form) as outcome:
            structure.create_store(current_user, code=form.code.data, name=form.name.data, city=form.city.data or "",
                                   district_id=form.district_id.data, timezone=form.timezone.data)
        if outcome.ok:
            return done(_("Store %(name)s created.", name=squash_spaces(form.name.data)), "org.stores")
    return render("org/store_form.html", form=form, store=None), form_status(form)


@bp.route("/stores/<int:store_id>/edit", methods=["GET", "POST"])
@authz.roles_required(*authz.ORG_ADMINS)
def edit_store(store_id: int):
    store = db.get_or_404(Store, store_id)
    form = _store_form(store)
    if form.validate_on_submit():
        with attempt(form) as outcome:
            structure.edit_store(current_user, store, code=form.code.data, name=form.name.data,
                                 city=form.city.data or "", timezone=form.timezone.data,
                                 district_id=form.district_id.data)
        if outcome.ok:
            return done(_("Changes to %(name)s saved.", name=squash_spaces(form.name.data)), "org.stores")
    return render("org/store_form.html", form=form, store=store,
                  active_people=structure.active_people_count(store)), form_status(form)


@bp.post("/stores/<int:store_id>/close")
@authz.roles_required(*authz.ORG_ADMINS)
def close_store(store_id: int):
    store = db.get_or_404(Store, store_id)
    with attempt(flash_refusal=True) as outcome:
        structure.close_store(current_user, store)
    if not outcome.ok:
        return see_other("org.edit_store", store_id=store.id)
    return done(_("Store %(name)s is closed.", name=store.name), "org.stores")

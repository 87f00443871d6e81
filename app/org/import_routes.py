"""Importing people from a CSV (HR and administrators): upload → preview (nothing written) → import.
Views join the org blueprint; reading lives in app/org/import_reading.py, planning and applying in
app/org/importer.py."""

import base64
import binascii
import zlib

from flask import current_app, flash, render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.core.actions import form_status
from app.extensions import db
from app.org import authz, bp
from app.org.forms import ConfirmImportForm, ImportForm
from app.org.import_reading import accepted_values
from app.org.importer import import_people, plan_import


def _pack(raw: bytes) -> str:
    """The file as a form field: compressed, so a file of IMPORT_MAX_ROWS lines stays well inside the
    form size limit."""
    return base64.b64encode(zlib.compress(raw, 6)).decode("ascii")


def _unpack(text: str) -> bytes | None:
    """The file back, or None when the field was damaged or would unpack beyond the upload limit."""
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(base64.b64decode(text, validate=True), current_app.config["MAX_CONTENT_LENGTH"])
    except (binascii.Error, ValueError, zlib.error):
        return None
    return None if inflater.unconsumed_tail or not inflater.eof else raw


def _page(form, plan=None, confirm=None, status: int = 200):
    return render_template("org/import.html", form=form, plan=plan, confirm=confirm,
                           accepted=accepted_values(current_user)), status


def _confirm_form(raw: bytes, plan) -> ConfirmImportForm:
    confirm = ConfirmImportForm(formdata=None)
    confirm.content.data, confirm.fingerprint.data = _pack(raw), plan.fingerprint
    confirm.deactivate_missing.data = "y" if plan.deactivate_missing else ""
    return confirm


@bp.route("/people/import", methods=["GET", "POST"])
@authz.roles_required(*authz.ORG_ADMINS)
def import_people_page():
    """Upload: the preview of what the file would do. Writes nothing."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form, status=form_status(form))
    raw = form.file.data.read()
    plan = plan_import(current_user, raw, max_rows=current_app.config["IMPORT_MAX_ROWS"],
                       deactivate_missing=form.deactivate_missing.data)
    return _page(form, plan, _confirm_form(raw, plan) if plan.ok else None, 200 if plan.ok else 422)


@bp.post("/people/import/confirm")
@authz.roles_required(*authz.ORG_ADMINS)
def confirm_import_people():
    """Import exactly what was previewed: re-read, re-check, and write only if the plan is unchanged."""
    confirm, form = ConfirmImportForm(), ImportForm(formdata=None)
    raw = _unpack(confirm.content.data or "") if confirm.validate_on_submit() else None
    if raw is None:
        form.form_errors.append(_("The preview could not be read back. Upload the file again."))
        return _page(form, status=422)
    deactivate = confirm.deactivate_missing.data == "y"
    form.deactivate_missing.data = deactivate
    plan = import_people(current_user, raw, max_rows=current_app.config["IMPORT_MAX_ROWS"],
                         deactivate_missing=deactivate, fingerprint=confirm.fingerprint.data)
    if plan.ok:
        db.session.commit()
        flash(_("Import done: %(new)d new, %(updated)d updated, %(deactivated)d deactivated.",
                new=len(plan.created), updated=len(plan.with_status("updated")),
                deactivated=len(plan.to_deactivate)), "success")
        return _page(form, plan)
    db.session.rollback()
    if plan.stale:
        # Someone changed people since the preview: show what the file would do now, and import nothing.
        plan.stale = False
        fresh = _confirm_form(raw, plan)
        form.form_errors.append(_("People changed since your preview, so nothing was imported. Check the "
                                  "new preview below and import again."))
        return _page(form, plan, fresh, 409)
    return _page(form, plan, status=422)

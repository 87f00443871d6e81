"""HR and administrators create and revoke API tokens. A new token's secret is shown once, in the
response to the POST that made it (never flashed: the session cookie is signed, not encrypted)."""

from flask import abort, flash, render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.api import tokens
from app.api import tokens_bp as bp
from app.api.forms import TokenForm
from app.api.models import ApiToken
from app.core.actions import attempt, form_status
from app.core.forms import choices
from app.core.htmx import see_other
from app.extensions import db
from app.org import authz
from app.org.queries import store_choices


def _form() -> TokenForm:
    form = TokenForm()
    form.store_ids.choices = choices((store.id, f"{store.name} ({store.code})")
                                    for store in store_choices(current_user))
    return form


@bp.get("/")
@authz.roles_required(*authz.ORG_ADMINS)
def index():
    return render_template("api/tokens.html", form=_form(), tokens=tokens.tokens(), created=None)


@bp.post("/")
@authz.roles_required(*authz.ORG_ADMINS)
def create():
    form = _form()
    created = None
    if form.validate_on_submit():
        with attempt(form) as outcome:
            created = tokens.create_token(current_user, form.name.data, all_stores=form.scope.data == "all",
                                          store_ids=form.store_ids.data or [])
        if outcome.ok:
            form = _form()
            form.name.data = ""
    return render_template("api/tokens.html", form=form, tokens=tokens.tokens(), created=created), \
        form_status(form)


@bp.post("/<int:token_id>/revoke")
@authz.roles_required(*authz.ORG_ADMINS)
def revoke(token_id: int):
    token = db.session.get(ApiToken, token_id) or abort(404)
    if tokens.revoke_token(current_user, token):
        db.session.commit()
        flash(_("%(name)s is revoked: systems using it are refused from now on.", name=token.name), "success")
    return see_other("api_tokens.index")

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.badges import bp, people, queries, services
from app.badges.forms import GiveBadgeForm
from app.badges.models import TIER_LABELS, BadgeDefinition
from app.core.actions import attempt, done, form_status
from app.core.errors import ServiceError
from app.extensions import db
from app.org import authz


@bp.app_template_global()
def tier_label(tier: str) -> str:
    return str(TIER_LABELS.get(tier, tier))


@bp.get("/")
@login_required
def mine():
    return render_template("badges/wall.html", person=current_user, items=queries.badge_wall(current_user),
                           can_give=False)


@bp.get("/people/<int:person_id>")
@login_required
def wall(person_id: int):
    person = authz.visible_person_or_404(current_user, person_id)
    return render_template("badges/wall.html", person=person, items=queries.badge_wall(person),
                           can_give=person.id != current_user.id)


@bp.get("/give")
@login_required
def give_picker():
    return render_template("badges/give_picker.html", people=people.giveable_people(current_user))


@bp.route("/people/<int:person_id>/give", methods=["GET", "POST"])
@login_required
def give(person_id: int):
    person = authz.visible_person_or_404(current_user, person_id)
    badges = services.giveable_badges(current_user, person)
    form = GiveBadgeForm()
    form.badge_id.choices = [("", _("— choose —"))] + [(badge.id, badge.display_name) for badge in badges]
    if form.validate_on_submit():
        badge = db.session.get(BadgeDefinition, form.badge_id.data)
        with attempt(form, on_form=True) as outcome:
            if badge is None:
                raise ServiceError(_("Choose a badge."), field="badge_id")
            services.manual_grant(current_user, person, badge, form.note.data)
        if outcome.ok:
            return done(_("%(name)s has the %(badge)s badge. Thank you for noticing!", name=person.first_name,
                          badge=badge.display_name), "badges.wall", person_id=person.id)
    return render_template("badges/give.html", form=form, person=person, badges=badges,
                           limits=people.limits_left(current_user, badges)), form_status(form)

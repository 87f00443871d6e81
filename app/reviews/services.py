"""Writing reviews: who may change which part, in which phase.

- the person writes their self-review, only during the self-review phase;
- the reviewing manager writes the manager review of someone they still manage, only during the manager
  review; they read the submitted self-review but never change it;
- a district manager (their stores' reviews) or HR calibrates the final rating, with a reason, only during
  calibration;
- the person signs off during sign-off; after that (or once the cycle is closed) nothing changes.

Every refusal raises ServiceError before anything is written. Services flush; the caller commits."""

from flask_babel import gettext as _

from app.core import audit
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.text import required_text
from app.extensions import db
from app.org.authz import can_manage_person, store_ids_in_scope
from app.org.models import Person, Role
from app.reviews.models import RATINGS, Phase, Review, ReviewTemplate

MAX_ANSWER = 4000
MAX_REASON = 500
MAX_COMMENT = 1000
CALIBRATOR_ROLES = (Role.DISTRICT_MANAGER, Role.HR, Role.ADMIN)


# -- Who may do what (also what the pages ask to show or hide a form) -------------------------------

def is_reviewer(actor: Person, review: Review) -> bool:
    """The manager who writes this review, while they still manage the person."""
    return review.manager_id == actor.id and can_manage_person(actor, review.person)


def can_read(actor: Person, review: Review) -> bool:
    return review.person_id == actor.id or review.manager_id == actor.id or can_manage_person(actor, review.person)


def can_calibrate(actor: Person, review: Review) -> bool:
    if actor.role not in CALIBRATOR_ROLES or review.person_id == actor.id:
        return False
    scope = store_ids_in_scope(actor)
    return scope is None or (review.store_id is not None and review.store_id in scope)


def _not_locked(review: Review) -> None:
    if review.signed_off_at is not None:
        raise ServiceError(_("This review has been signed off: it can't change any more."))
    if review.cycle.phase == Phase.CLOSED:
        raise ServiceError(_("This review cycle is closed: it can't change any more."))


def _in_phase(review: Review, phase: str, message: str) -> None:
    _not_locked(review)
    if review.cycle.phase != phase:
        raise ServiceError(message)


# -- Ratings and answers ---------------------------------------------------------------------------

def clean_rating(value, *, field: str | None = None) -> int | None:
    if value in (None, ""):
        return None
    try:
        rating = int(value)
    except (TypeError, ValueError):
        rating = None
    if rating not in RATINGS:
        raise ServiceError(_("Ratings go from 1 to 5."), field=field)
    return rating


def clean_ratings(template: ReviewTemplate, ratings: dict, *, complete: bool) -> dict[str, int]:
    """Ratings for the template's competencies; unknown keys are ignored. `complete`: every one rated."""
    cleaned = {}
    for competency in template.competencies:
        rating = clean_rating(ratings.get(competency["key"]), field=competency["key"])
        if rating is not None:
            cleaned[competency["key"]] = rating
        elif complete:
            raise ServiceError(_("Rate “%(label)s” before you submit.", label=competency["label"]),
                               field=competency["key"])
    return cleaned


def clean_answers(template: ReviewTemplate, answers: dict) -> dict[str, str]:
    cleaned = {}
    for index, _question in enumerate(template.questions):
        text = (answers.get(str(index)) or "").strip()
        if len(text) > MAX_ANSWER:
            raise ServiceError(_("Keep each answer under %(n)d characters.", n=MAX_ANSWER), field=f"answer-{index}")
        if text:
            cleaned[str(index)] = text
    return cleaned


def _overall(value, *, complete: bool) -> int | None:
    rating = clean_rating(value, field="overall")
    if rating is None and complete:
        raise ServiceError(_("Give an overall rating before you submit."), field="overall")
    return rating


def _write(review: Review, side: str, overall_column: str, *, ratings: dict, answers: dict, overall,
           submit: bool) -> None:
    """One side's (self or manager) ratings, answers and overall rating, checked against the template;
    complete, and stamped as submitted, when `submit`."""
    template = review.cycle.template
    setattr(review, f"{side}_ratings", clean_ratings(template, ratings, complete=submit))
    setattr(review, f"{side}_answers", clean_answers(template, answers))
    setattr(review, overall_column, _overall(overall, complete=submit))
    if submit:
        setattr(review, f"{side}_submitted_at", utcnow())
    db.session.flush()


# -- The person's self-review ----------------------------------------------------------------------

def save_self_review(actor: Person, review: Review, *, ratings: dict, answers: dict, overall=None,
                     submit: bool = False) -> None:
    if review.person_id != actor.id:
        raise ServiceError(_("Only %(name)s can write their self-review.", name=review.person.first_name))
    _in_phase(review, Phase.SELF_REVIEW, _("The self-review is open only during the self-review phase."))
    if review.self_submitted_at is not None:
        raise ServiceError(_("You've already submitted your self-review."))
    _write(review, "self", "self_overall", ratings=ratings, answers=answers, overall=overall, submit=submit)


# -- The manager's review --------------------------------------------------------------------------

def save_manager_review(actor: Person, review: Review, *, ratings: dict, answers: dict, overall=None,
                        submit: bool = False) -> None:
    if not is_reviewer(actor, review):
        raise ServiceError(_("Only %(name)s's reviewing manager can write this review.",
                             name=review.person.first_name))
    _in_phase(review, Phase.MANAGER_REVIEW, _("The manager review is open only during the manager review phase."))
    if review.manager_submitted_at is not None:
        raise ServiceError(_("You've already submitted this review."))
    _write(review, "manager", "overall_rating", ratings=ratings, answers=answers, overall=overall, submit=submit)


# -- Calibration -----------------------------------------------------------------------------------

def calibrate(actor: Person, review: Review, rating, reason: str) -> None:
    """Set the final rating. The reason is required, even to confirm the manager's rating: it is what
    the district's calibration is read back by."""
    if not can_calibrate(actor, review):
        raise ServiceError(_("You can't calibrate this review."))
    _in_phase(review, Phase.CALIBRATION, _("Ratings can be adjusted only during calibration."))
    rating = clean_rating(rating, field="rating")
    if rating is None:
        raise ServiceError(_("Pick the final rating, from 1 to 5."), field="rating")
    reason = required_text(reason, max_length=MAX_REASON, field="reason",
                           required_message=_("Say why you adjust the rating: the reason is required."),
                           too_long_message=_("Keep the reason under %(n)d characters.", n=MAX_REASON))
    previous = review.final_rating
    review.calibrated_rating = rating
    review.calibration_reason = reason
    review.calibrated_by_id = actor.id
    review.calibrated_at = utcnow()
    db.session.flush()
    audit.record("review.calibrated", actor_id=actor.id, target_type="review", target_id=review.id,
                 person_id=review.person_id, from_rating=previous, to_rating=rating, reason=reason)


# -- Sign-off --------------------------------------------------------------------------------------

def sign_off(actor: Person, review: Review, comment: str = "") -> None:
    if review.person_id != actor.id:
        raise ServiceError(_("Only %(name)s can sign off their review.", name=review.person.first_name))
    _in_phase(review, Phase.SIGN_OFF, _("Reviews are signed off only during the sign-off phase."))
    if review.final_rating is None:
        raise ServiceError(_("Your manager hasn't finished your review yet."))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ServiceError(_("Keep your comment under %(n)d characters.", n=MAX_COMMENT), field="comment")
    review.person_comment = comment or None
    review.signed_off_at = utcnow()
    db.session.flush()
    audit.record("review.signed_off", actor_id=actor.id, target_type="review", target_id=review.id)

"""Review cycles in the authorization matrix.

A review names its person (the target); its reviewing manager is the person's manager, so only the store
manager of the target's own store writes it. Calibration: district managers for their stores, HR for
everyone, nobody for their own review."""

from app.extensions import db
from tests.core.access import EVERYONE, MANAGED, ORG_ADMINS, OWN, OWN_OR_MANAGED, PEOPLE_MANAGERS, ROLES, Access

CALIBRATORS = frozenset({"district_manager", "hr", "admin"})
REVIEW_MANAGER = "review_manager"  # the person's manager, who writes their review

EXPECTATIONS = {
    "reviews.index": Access(CALIBRATORS),
    "reviews.templates": Access(ORG_ADMINS),
    "reviews.new_template": Access(ORG_ADMINS),
    "reviews.new_cycle": Access(ORG_ADMINS),
    "reviews.preview_participants": Access(ORG_ADMINS),
    "reviews.cycle": Access(ORG_ADMINS),
    "reviews.launch": Access(ORG_ADMINS),
    "reviews.advance": Access(ORG_ADMINS),
    "reviews.export_cycle": Access(CALIBRATORS),
    "reviews.calibration": Access(CALIBRATORS),
    "reviews.calibrate": Access(CALIBRATORS, scope=MANAGED),
    "reviews.mine": Access(EVERYONE),
    "reviews.to_write": Access(PEOPLE_MANAGERS),
    "reviews.review": Access(EVERYONE, scope=OWN_OR_MANAGED),
    "reviews.print_review": Access(EVERYONE, scope=OWN_OR_MANAGED),
    "reviews.save_self": Access(EVERYONE, scope=OWN),
    "reviews.sign_off": Access(EVERYONE, scope=OWN),
    "reviews.nominate": Access(EVERYONE, scope=OWN),
    "reviews.save_manager": Access(PEOPLE_MANAGERS, scope=REVIEW_MANAGER),
    "reviews.decide_nomination": Access(PEOPLE_MANAGERS, scope=REVIEW_MANAGER),
    "reviews.peer_form": Access(EVERYONE, scope=OWN),  # the person is the one asked for feedback
}

IN_SCOPE = {REVIEW_MANAGER: {role: ({"own_store"} if role == "store_manager" else set()) for role in ROLES}}

PERSON_ARGUMENTS = frozenset({"review_id", "nomination_id", "peer_id"})


def _cycle(phase: str, people=()):
    from tests.reviews.factories import make_cycle

    return make_cycle(phase, people)


def _review_id(_org, person) -> dict:
    """`person`'s review in a cycle at the manager review."""
    from tests.reviews.factories import review_of

    cycle = _cycle("manager_review", [person])
    review = review_of(cycle, person)
    db.session.commit()
    return {"review_id": review.id}


def _nomination_id(org, person) -> dict:
    """`person` asked a colleague for feedback; their manager decides."""
    from app.reviews.models import PeerReview
    from tests.reviews.factories import review_of

    review = review_of(_cycle("self_review", [person]), person)
    reviewer = org.colleague if person.id != org.colleague.id else org.staff
    peer = PeerReview(review_id=review.id, reviewer_id=reviewer.id, kind="peer", status="nominated",
                      ratings={}, answers={})
    db.session.add(peer)
    db.session.commit()
    return {"nomination_id": peer.id}


def _peer_id(org, person) -> dict:
    """`person` has been asked for feedback about their own manager (or HR's admin)."""
    from app.reviews.models import PeerReview
    from tests.reviews.factories import review_of

    subject = person.manager or (org.hr if person.id != org.hr.id else org.admin)
    review = review_of(_cycle("manager_review", [subject]), subject)
    peer = PeerReview(review_id=review.id, reviewer_id=person.id, kind="upward", status="approved",
                      ratings={}, answers={})
    db.session.add(peer)
    db.session.commit()
    return {"peer_id": peer.id}


def _cycle_id(org, _person) -> dict:
    """A cycle in calibration with reviews in every store, both districts."""
    from tests.reviews.factories import review_of

    people = (org.staff, org.colleague, org.sibling_staff, org.other_staff)
    cycle = _cycle("calibration", people)
    for person in people:
        review_of(cycle, person).overall_rating = 3
    db.session.commit()
    return {"cycle_id": cycle.id}


ARGUMENT_VALUES = {
    "review_id": _review_id,
    "nomination_id": _nomination_id,
    "peer_id": _peer_id,
    "cycle_id": _cycle_id,
}

"""Peer and upward reviewers: nominated by the person during the self-review, approved or declined by
their reviewing manager, answering until the manager review ends.

- peer: a colleague of the same store (for a store manager: another store manager of the district);
- upward: someone who reports to the person, giving feedback about them as a manager.
The person never reads what their peers wrote: their manager (and calibrators) do."""

import sqlalchemy as sa
from flask_babel import gettext as _

from app import nudges
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.extensions import db
from app.org.models import Person, Role, Store
from app.reviews.models import PeerKind, PeerReview, PeerStatus, Phase, Review
from app.reviews.services import _in_phase, _not_locked, clean_answers, clean_ratings, is_reviewer

MAX_PER_KIND = 3
OPEN_FOR_PEERS = (Phase.SELF_REVIEW, Phase.MANAGER_REVIEW)


def candidates_query(review: Review) -> sa.Select:
    """Whom the person may nominate: colleagues of their store, their fellow store managers in the
    district, and the people who report to them; never themselves or their reviewing manager."""
    person = review.person
    conditions = [Person.manager_id == person.id]
    if person.store_id is not None:
        conditions.append(Person.store_id == person.store_id)
        if person.role == Role.STORE_MANAGER:
            district = sa.select(Store.district_id).where(Store.id == person.store_id).scalar_subquery()
            conditions.append(sa.and_(Person.role == Role.STORE_MANAGER,
                                      Person.store_id.in_(sa.select(Store.id).where(Store.district_id == district))))
    excluded = [person.id] + ([review.manager_id] if review.manager_id else [])
    return (sa.select(Person).where(Person.active.is_(True), Person.id.not_in(excluded), sa.or_(*conditions))
            .order_by(Person.full_name, Person.id))


def nominate(actor: Person, review: Review, reviewer_id) -> PeerReview:
    if review.person_id != actor.id:
        raise ServiceError(_("Only %(name)s can nominate their reviewers.", name=review.person.first_name))
    _in_phase(review, Phase.SELF_REVIEW, _("Reviewers are nominated during the self-review phase."))
    try:
        reviewer_id = int(reviewer_id)
    except (TypeError, ValueError):
        raise ServiceError(_("Pick a colleague to ask."), field="reviewer_id") from None
    reviewer = db.session.scalar(candidates_query(review).where(Person.id == reviewer_id))
    if reviewer is None:
        raise ServiceError(_("You can ask a colleague of your store or someone who reports to you."),
                           field="reviewer_id")
    kind = PeerKind.UPWARD if reviewer.manager_id == actor.id else PeerKind.PEER
    existing = list(db.session.scalars(sa.select(PeerReview).where(PeerReview.review_id == review.id)))
    if any(peer.reviewer_id == reviewer.id for peer in existing):
        raise ServiceError(_("You've already asked %(name)s.", name=reviewer.full_name), field="reviewer_id")
    if sum(1 for peer in existing if peer.kind == kind and peer.status != PeerStatus.DECLINED) >= MAX_PER_KIND:
        raise ServiceError(_("You can ask up to %(n)d people of each kind.", n=MAX_PER_KIND), field="reviewer_id")
    peer = PeerReview(review_id=review.id, reviewer_id=reviewer.id, kind=kind, status=PeerStatus.NOMINATED,
                      ratings={}, answers={})
    db.session.add(peer)
    db.session.flush()
    if review.manager_id:
        nudges.send(review.manager_id, "review_nomination", nudges.path_for("reviews.to_write"),
                    dedupe_key=f"review_nomination:{peer.id}", name=actor.full_name)
    return peer


def decide(actor: Person, peer: PeerReview, approve: bool) -> None:
    review = peer.review
    if not is_reviewer(actor, review):
        raise ServiceError(_("Only the reviewing manager approves reviewers."))
    _not_locked(review)
    if review.cycle.phase not in OPEN_FOR_PEERS:
        raise ServiceError(_("Peer reviews are closed for this cycle."))
    if peer.status != PeerStatus.NOMINATED:
        raise ServiceError(_("This nomination has already been decided."))
    peer.status = PeerStatus.APPROVED if approve else PeerStatus.DECLINED
    peer.decided_by_id = actor.id
    peer.decided_at = utcnow()
    db.session.flush()
    if approve:
        nudges.send(peer.reviewer_id, "review_peer_asked", nudges.path_for("reviews.peer_form", peer_id=peer.id),
                    dedupe_key=f"review_peer_asked:{peer.id}", name=review.person.full_name)


def submit(actor: Person, peer: PeerReview, *, ratings: dict, answers: dict) -> None:
    if peer.reviewer_id != actor.id:
        raise ServiceError(_("This review was asked of someone else."))
    review = peer.review
    _not_locked(review)
    if review.cycle.phase not in OPEN_FOR_PEERS:
        raise ServiceError(_("Peer reviews are closed for this cycle."))
    if peer.status == PeerStatus.SUBMITTED:
        raise ServiceError(_("You've already sent this review."))
    if peer.status != PeerStatus.APPROVED:
        raise ServiceError(_("This request hasn't been approved."))
    template = review.cycle.template
    peer.ratings = clean_ratings(template, ratings, complete=True)
    peer.answers = clean_answers(template, answers)
    peer.status = PeerStatus.SUBMITTED
    peer.submitted_at = utcnow()
    db.session.flush()

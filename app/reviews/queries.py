"""Read models: cycle lists and progress, a person's reviews, a manager's reviews to write, the
calibration view with its rating distribution, and the OKR results a review shows."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.org.authz import ORG_ADMINS, in_store_scope
from app.org.models import Person, Role, Store
from app.reviews.models import RATINGS, PeerReview, PeerStatus, Phase, Review, ReviewCycle, ReviewTemplate
from app.reviews.peers import OPEN_FOR_PEERS
from app.reviews.services import CALIBRATOR_ROLES

_REVIEW_LOADS = (selectinload(Review.person), selectinload(Review.manager), selectinload(Review.store),
                 selectinload(Review.calibrated_by))


def okr_results(person_id: int, start: date, end: date) -> list:
    """The person's OKR results over the period, from the goals feature (nothing while it isn't there)."""
    try:
        from app.okrs.queries import results_for_person
    except ImportError:
        return []
    return list(results_for_person(person_id, start, end) or [])


# -- Cycles ---------------------------------------------------------------------------------------

def scoped_reviews(actor: Person) -> sa.Select:
    """Reviews a calibrator may see in bulk: their stores' (district managers), every one (HR); never
    their own."""
    query = sa.select(Review).where(Review.person_id != actor.id)
    if actor.role not in CALIBRATOR_ROLES:
        return query.where(sa.false())
    return in_store_scope(query, actor, Review.store_id)


def _visible_cycles(actor: Person) -> sa.Select:
    """HR sees every cycle; a district manager the launched ones with reviews in their stores."""
    query = sa.select(ReviewCycle).options(selectinload(ReviewCycle.template))
    if actor.role in ORG_ADMINS:
        return query
    in_scope = scoped_reviews(actor).with_only_columns(Review.cycle_id)
    return query.where(ReviewCycle.phase != Phase.DRAFT, ReviewCycle.id.in_(in_scope))


def cycles_for(actor: Person) -> list[ReviewCycle]:
    return list(db.session.scalars(_visible_cycles(actor).order_by(ReviewCycle.period_start.desc(),
                                                                   ReviewCycle.id.desc())))


def cycle_or_none(actor: Person, cycle_id: int) -> ReviewCycle | None:
    return db.session.scalar(_visible_cycles(actor).where(ReviewCycle.id == cycle_id))


@dataclass
class Progress:
    total: int = 0
    self_done: int = 0
    manager_done: int = 0
    calibrated: int = 0
    signed: int = 0


def progress(cycle_ids: list[int]) -> dict[int, Progress]:
    """How far each cycle has got, in one query."""
    if not cycle_ids:
        return {}
    rows = db.session.execute(
        sa.select(Review.cycle_id, sa.func.count(Review.id), sa.func.count(Review.self_submitted_at),
                  sa.func.count(Review.manager_submitted_at), sa.func.count(Review.calibrated_at),
                  sa.func.count(Review.signed_off_at))
        .where(Review.cycle_id.in_(cycle_ids)).group_by(Review.cycle_id))
    found = {cycle_id: Progress(*counts) for cycle_id, *counts in rows}
    return {cycle_id: found.get(cycle_id, Progress()) for cycle_id in cycle_ids}


def cycle_reviews(actor: Person, cycle: ReviewCycle) -> list[Review]:
    return list(db.session.scalars(
        scoped_reviews(actor).where(Review.cycle_id == cycle.id).options(*_REVIEW_LOADS)
        .join(Person, Person.id == Review.person_id).order_by(Person.full_name, Review.id)))


def templates() -> list[ReviewTemplate]:
    return list(db.session.scalars(sa.select(ReviewTemplate).order_by(ReviewTemplate.name, ReviewTemplate.id)))


# -- Calibration ----------------------------------------------------------------------------------

@dataclass
class Distribution:
    counts: dict[int, int] = field(default_factory=lambda: dict.fromkeys(RATINGS, 0))
    unrated: int = 0

    @property
    def rated(self) -> int:
        return sum(self.counts.values())

    @property
    def total(self) -> int:
        return self.rated + self.unrated

    @property
    def average(self) -> float | None:
        return sum(rating * n for rating, n in self.counts.items()) / self.rated if self.rated else None

    def share(self, rating: int) -> float:
        """0..1 of the rated reviews."""
        return self.counts[rating] / self.rated if self.rated else 0.0

    @property
    def peak(self) -> int:
        return max(self.counts.values()) or 1

    def add(self, rating: int | None) -> None:
        if rating in self.counts:
            self.counts[rating] += 1
        else:
            self.unrated += 1


@dataclass
class StoreRow:
    store: Store | None
    final: Distribution
    manager: Distribution


@dataclass
class CalibrationView:
    reviews: list[Review]
    final: Distribution
    manager: Distribution
    stores: list[StoreRow]
    adjusted: int


def calibration_view(actor: Person, cycle: ReviewCycle) -> CalibrationView:
    """The final and the managers' rating distribution across the actor's stores, store by store."""
    reviews = cycle_reviews(actor, cycle)
    final, manager = Distribution(), Distribution()
    by_store: dict[int | None, StoreRow] = {}
    for review in reviews:
        final.add(review.final_rating)
        manager.add(review.overall_rating)
        row = by_store.setdefault(review.store_id, StoreRow(review.store, Distribution(), Distribution()))
        row.final.add(review.final_rating)
        row.manager.add(review.overall_rating)
    stores = sorted(by_store.values(), key=lambda row: (row.store is None, row.store.name if row.store else ""))
    adjusted = sum(1 for review in reviews if review.calibrated_rating is not None
                   and review.calibrated_rating != review.overall_rating)
    return CalibrationView(reviews, final, manager, stores, adjusted)


def calibratable_or_none(actor: Person, review_id: int) -> Review | None:
    return db.session.scalar(scoped_reviews(actor).where(Review.id == review_id).options(*_REVIEW_LOADS))


# -- A person's and a manager's lists -------------------------------------------------------------

def my_reviews(person: Person) -> list[Review]:
    """Every cycle the person took part in, newest first (drafts are invisible until launched)."""
    return list(db.session.scalars(
        sa.select(Review).join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
        .where(Review.person_id == person.id, ReviewCycle.phase != Phase.DRAFT)
        .options(selectinload(Review.cycle), selectinload(Review.manager))
        .order_by(ReviewCycle.period_start.desc(), Review.id.desc())))


def asked_of_me(person: Person) -> list[PeerReview]:
    """Peer and upward reviews the person has been asked for and can still answer."""
    return list(db.session.scalars(
        sa.select(PeerReview).join(Review, Review.id == PeerReview.review_id)
        .join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
        .where(PeerReview.reviewer_id == person.id, PeerReview.status == PeerStatus.APPROVED,
               ReviewCycle.phase.in_(OPEN_FOR_PEERS), Review.signed_off_at.is_(None))
        .options(selectinload(PeerReview.review).selectinload(Review.person),
                 selectinload(PeerReview.review).selectinload(Review.cycle))
        .order_by(PeerReview.id)))


@dataclass
class ToWrite:
    reviews: list[Review]
    nominations: list[PeerReview]


def to_write(manager: Person) -> ToWrite:
    """The reviews the manager writes in open cycles, and the nominations waiting for them."""
    reviews = list(db.session.scalars(
        sa.select(Review).join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
        .join(Person, Person.id == Review.person_id)
        .where(Review.manager_id == manager.id,
               ReviewCycle.phase.in_((Phase.SELF_REVIEW, Phase.MANAGER_REVIEW, Phase.CALIBRATION, Phase.SIGN_OFF)))
        .options(selectinload(Review.cycle), selectinload(Review.person))
        .order_by(ReviewCycle.period_start.desc(), Person.full_name, Review.id)))
    nominations = list(db.session.scalars(
        sa.select(PeerReview).join(Review, Review.id == PeerReview.review_id)
        .join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
        .where(Review.manager_id == manager.id, PeerReview.status == PeerStatus.NOMINATED,
               ReviewCycle.phase.in_(OPEN_FOR_PEERS))
        .options(selectinload(PeerReview.reviewer), selectinload(PeerReview.review).selectinload(Review.person))
        .order_by(PeerReview.id)))
    return ToWrite(reviews, nominations)


def review_or_none(review_id: int) -> Review | None:
    return db.session.scalar(sa.select(Review).where(Review.id == review_id).options(
        *_REVIEW_LOADS, selectinload(Review.cycle).selectinload(ReviewCycle.template)))


def peers_of(review: Review) -> list[PeerReview]:
    return list(db.session.scalars(sa.select(PeerReview).where(PeerReview.review_id == review.id)
                                   .options(selectinload(PeerReview.reviewer)).order_by(PeerReview.id)))


def nomination_or_none(peer_id: int) -> PeerReview | None:
    return db.session.scalar(sa.select(PeerReview).where(PeerReview.id == peer_id).options(
        selectinload(PeerReview.reviewer),
        selectinload(PeerReview.review).selectinload(Review.cycle).selectinload(ReviewCycle.template),
        selectinload(PeerReview.review).selectinload(Review.person)))


def writes_reviews(person: Person) -> bool:
    return person.role in (Role.STORE_MANAGER, Role.DISTRICT_MANAGER, Role.HR, Role.ADMIN)

"""Who may write which part of a review, and when; calibration; sign-off; peers."""

import pytest

from app.core.errors import ServiceError
from app.extensions import db
from app.reviews import cycles, peers, services
from app.reviews.models import PeerKind, PeerStatus
from tests.factories import make_person
from tests.reviews.factories import FULL_RATINGS, make_cycle, review_of

ANSWERS = {"0": "Sold the most loyalty cards.", "1": "Visual merchandising."}


def _self(actor, review, submit=False, **values):
    services.save_self_review(actor, review, ratings=values.get("ratings", FULL_RATINGS),
                              answers=values.get("answers", ANSWERS), overall=values.get("overall", 4),
                              submit=submit)


def _manager(actor, review, submit=False, **values):
    services.save_manager_review(actor, review, ratings=values.get("ratings", FULL_RATINGS),
                                 answers=values.get("answers", ANSWERS), overall=values.get("overall", 3),
                                 submit=submit)


def test_the_person_drafts_then_submits_their_self_review(org):
    review = review_of(make_cycle("self_review", [org.staff]), org.staff)
    _self(org.staff, review, ratings={"customer_focus": "5", "unknown": 2}, overall="")
    assert (review.self_ratings, review.self_overall, review.self_submitted_at) == ({"customer_focus": 5}, None, None)
    with pytest.raises(ServiceError, match="Rate “Teamwork”"):
        _self(org.staff, review, submit=True, ratings={"customer_focus": 5})
    _self(org.staff, review, submit=True)
    assert review.self_submitted_at is not None and review.self_answers == ANSWERS
    with pytest.raises(ServiceError, match="already submitted"):
        _self(org.staff, review)


@pytest.mark.parametrize("value", ["0", "6", "x", "3.5"])
def test_ratings_are_1_to_5(org, value):
    review = review_of(make_cycle("self_review", [org.staff]), org.staff)
    with pytest.raises(ServiceError, match="1 to 5"):
        _self(org.staff, review, ratings={"customer_focus": value})
    assert review.self_ratings == {}


def test_the_self_review_is_written_only_in_its_phase(org):
    review = review_of(make_cycle("manager_review", [org.staff]), org.staff)
    with pytest.raises(ServiceError, match="only during the self-review"):
        _self(org.staff, review)
    assert review.self_ratings == {}


@pytest.mark.parametrize("who", ["sm", "dm", "hr", "colleague"])
def test_nobody_else_edits_a_self_review(org, who):
    review = review_of(make_cycle("self_review", [org.staff]), org.staff)
    with pytest.raises(ServiceError, match="Only Sara"):
        _self(getattr(org, who), review)
    assert review.self_ratings == {}


def test_the_manager_writes_the_manager_review_in_its_phase(org):
    cycle = make_cycle("self_review", [org.staff])
    review = review_of(cycle, org.staff)
    with pytest.raises(ServiceError, match="only during the manager review"):
        _manager(org.sm, review)
    cycles.advance(org.hr, cycle, "self_review")
    _manager(org.sm, review)
    assert review.manager_ratings == FULL_RATINGS and review.manager_submitted_at is None
    with pytest.raises(ServiceError, match="overall"):
        _manager(org.sm, review, submit=True, overall=None)
    _manager(org.sm, review, submit=True)
    assert review.overall_rating == 3 and review.manager_submitted_at is not None


@pytest.mark.parametrize("who", ["staff", "dm", "hr", "sibling_sm"])
def test_only_the_reviewing_manager_writes_the_manager_review(org, who):
    review = review_of(make_cycle("manager_review", [org.staff]), org.staff)
    with pytest.raises(ServiceError, match="reviewing manager"):
        _manager(getattr(org, who), review)
    assert review.manager_ratings == {}


def test_a_manager_who_no_longer_manages_the_person_cannot_write(org):
    review = review_of(make_cycle("manager_review", [org.staff]), org.staff)
    org.staff.store_id = org.sibling_store.id
    db.session.flush()
    with pytest.raises(ServiceError):
        _manager(org.sm, review)


def _calibration_review(org, person=None):
    person = person or org.staff
    review = review_of(make_cycle("calibration", [person]), person)
    review.overall_rating = 3
    return review


def test_calibration_needs_a_reason(org):
    review = _calibration_review(org)
    for reason in ("", "   \n "):
        with pytest.raises(ServiceError, match="reason is required"):
            services.calibrate(org.dm, review, 4, reason)
    assert (review.calibrated_rating, review.calibration_reason, review.calibrated_at) == (None, None, None)
    services.calibrate(org.dm, review, "4", "  Top sales in the district,\n two mystery shops at 100%. ")
    assert (review.calibrated_rating, review.final_rating, review.calibrated_by_id) == (4, 4, org.dm.id)
    assert review.calibration_reason == "Top sales in the district, two mystery shops at 100%."


def test_calibration_rating_must_be_1_to_5(org):
    review = _calibration_review(org)
    with pytest.raises(ServiceError, match="1 to 5"):
        services.calibrate(org.hr, review, "9", "Because")
    with pytest.raises(ServiceError, match="Pick the final rating"):
        services.calibrate(org.hr, review, "", "Because")


@pytest.mark.parametrize("who", ["other_dm", "sm", "staff"])
def test_only_the_district_manager_or_hr_calibrates(org, who):
    review = _calibration_review(org)
    with pytest.raises(ServiceError, match="can't calibrate"):
        services.calibrate(getattr(org, who), review, 4, "Because")
    assert review.calibrated_rating is None


def test_calibration_only_in_its_phase(org):
    review = review_of(make_cycle("manager_review", [org.staff]), org.staff)
    with pytest.raises(ServiceError, match="only during calibration"):
        services.calibrate(org.hr, review, 4, "Because")


def test_nobody_calibrates_their_own_review(org):
    review = _calibration_review(org, org.dm)
    assert not services.can_calibrate(org.dm, review)


def test_sign_off_then_nothing_is_editable(org):
    cycle = make_cycle("sign_off", [org.staff])
    review = review_of(cycle, org.staff)
    with pytest.raises(ServiceError, match="hasn't finished"):
        services.sign_off(org.staff, review)
    review.overall_rating = 4
    with pytest.raises(ServiceError, match="Only Sara"):
        services.sign_off(org.sm, review)
    services.sign_off(org.staff, review, "  Thanks, fair review. ")
    assert review.signed_off_at is not None and review.person_comment == "Thanks, fair review."
    assert review.is_locked
    with pytest.raises(ServiceError, match="signed off"):
        services.sign_off(org.staff, review)
    # Even if HR moved the cycle back by hand, a signed-off review stays as it is.
    for phase, attempt in (("self_review", lambda: _self(org.staff, review)),
                           ("manager_review", lambda: _manager(org.sm, review)),
                           ("calibration", lambda: services.calibrate(org.hr, review, 2, "Because"))):
        cycle.phase = phase
        with pytest.raises(ServiceError, match="signed off"):
            attempt()
    assert (review.self_ratings, review.manager_ratings, review.final_rating) == ({}, {}, 4)


def test_a_closed_cycle_is_final(org):
    cycle = make_cycle("closed", [org.staff])
    review = review_of(cycle, org.staff)
    review.overall_rating = 3
    with pytest.raises(ServiceError, match="closed"):
        services.sign_off(org.staff, review)
    with pytest.raises(ServiceError, match="closed"):
        services.calibrate(org.hr, review, 4, "Because")


# -- Peers ------------------------------------------------------------------------------------------

def test_nominate_colleagues_and_reports(org):
    review = review_of(make_cycle("self_review", [org.staff, org.sm]), org.staff)
    peer = peers.nominate(org.staff, review, str(org.colleague.id))
    assert (peer.kind, peer.status) == (PeerKind.PEER, PeerStatus.NOMINATED)
    with pytest.raises(ServiceError, match="already asked"):
        peers.nominate(org.staff, review, org.colleague.id)
    for outsider in (org.sibling_staff, org.other_staff, org.sm, org.staff):  # other stores, the manager, self
        with pytest.raises(ServiceError, match="colleague of your store"):
            peers.nominate(org.staff, review, outsider.id)
    sm_review = review_of(review.cycle, org.sm)
    upward = peers.nominate(org.sm, sm_review, org.staff.id)
    assert upward.kind == PeerKind.UPWARD
    fellow = peers.nominate(org.sm, sm_review, org.sibling_sm.id)  # a store manager of the same district
    assert fellow.kind == PeerKind.PEER
    with pytest.raises(ServiceError):
        peers.nominate(org.sm, sm_review, org.other_sm.id)


def test_at_most_three_peers(org):
    review = review_of(make_cycle("self_review", [org.staff]), org.staff)
    extra = [make_person(store=org.store, manager=org.sm) for _ in range(3)]
    for person in [org.colleague, *extra[:2]]:
        peers.nominate(org.staff, review, person.id)
    with pytest.raises(ServiceError, match="up to 3"):
        peers.nominate(org.staff, review, extra[2].id)


def test_manager_approves_and_the_peer_answers_until_manager_review_ends(org):
    cycle = make_cycle("self_review", [org.staff])
    review = review_of(cycle, org.staff)
    peer = peers.nominate(org.staff, review, org.colleague.id)
    with pytest.raises(ServiceError, match="approved"):
        peers.submit(org.colleague, peer, ratings=FULL_RATINGS, answers={})
    with pytest.raises(ServiceError, match="reviewing manager"):
        peers.decide(org.staff, peer, True)
    peers.decide(org.sm, peer, True)
    with pytest.raises(ServiceError, match="someone else"):
        peers.submit(org.staff, peer, ratings=FULL_RATINGS, answers={})
    cycles.advance(org.hr, cycle, "self_review")
    peers.submit(org.colleague, peer, ratings=FULL_RATINGS, answers={"0": "Always helps."})
    assert (peer.status, peer.answers) == (PeerStatus.SUBMITTED, {"0": "Always helps."})


def test_peers_are_closed_after_manager_review(org):
    cycle = make_cycle("self_review", [org.staff])
    review = review_of(cycle, org.staff)
    peer = peers.nominate(org.staff, review, org.colleague.id)
    peers.decide(org.sm, peer, True)
    cycle.phase = "calibration"
    with pytest.raises(ServiceError, match="closed"):
        peers.submit(org.colleague, peer, ratings=FULL_RATINGS, answers={})

"""Dates drive the status through the periodic job; closing writes results and pays exactly once, even
when the close runs twice or on two threads at once; a closed challenge is final."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.badges.models import BadgeDefinition, BadgeGrant
from app.challenges import authoring, jobs, lifecycle
from app.challenges.models import Challenge, ChallengeResult, Kind, Status
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.signals import challenge_closed
from app.extensions import db
from app.nudges.models import Notification
from app.points import ledger
from app.points.models import PointEntry
from tests.challenges.helpers import ago, earn, make_challenge


def _prize_entries(challenge_id: int) -> list[PointEntry]:
    return list(db.session.scalars(sa.select(PointEntry).where(
        PointEntry.source_type == "challenge", PointEntry.source_id == str(challenge_id)).order_by(PointEntry.id)))


def _nudges(kind: str) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.nudge_type == kind)))


def test_the_job_starts_warns_and_closes_by_the_dates(org):
    now = utcnow()
    upcoming = make_challenge([org.store], created_by=org.sm, status=Status.SCHEDULED,
                              starts_at=now + timedelta(hours=1), ends_at=now + timedelta(days=3))
    due = make_challenge([org.store], created_by=org.sm, status=Status.SCHEDULED,
                         starts_at=now - timedelta(minutes=3), ends_at=now + timedelta(days=3))
    ending = make_challenge([org.store], created_by=org.sm, starts_at=now - timedelta(days=3),
                            ends_at=now + timedelta(hours=10))
    over = make_challenge([org.store], created_by=org.sm, starts_at=now - timedelta(days=3),
                          ends_at=now - timedelta(minutes=1))
    missed = make_challenge([org.store], created_by=org.sm, status=Status.SCHEDULED,
                            starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=1))
    draft = make_challenge([org.store], created_by=org.sm, status=Status.DRAFT,
                           starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=1))
    db.session.commit()

    result = lifecycle.tick(now)

    assert result.started == [due.id, missed.id]
    assert result.ending == [ending.id]
    assert sorted(result.closed) == sorted([over.id, missed.id])
    statuses = {c.id: c.status for c in db.session.scalars(sa.select(Challenge))}
    assert statuses == {upcoming.id: Status.SCHEDULED, due.id: Status.RUNNING, ending.id: Status.RUNNING,
                        over.id: Status.CLOSED, missed.id: Status.CLOSED, draft.id: Status.DRAFT}
    started = {n.person_id for n in _nudges("challenge_started") if n.params["challenge_id"] == due.id}
    assert started == {org.staff.id, org.colleague.id}  # the author (sm) doesn't compete
    assert len([n for n in _nudges("challenge_ending") if n.params["challenge_id"] == ending.id]) == 2

    # A second run finds nothing left to do and nudges nobody again.
    counts = db.session.scalar(sa.select(sa.func.count(Notification.id)))
    again = lifecycle.tick(now)
    assert (again.started, again.ending, again.closed) == ([], [], [])
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == counts


def test_the_periodic_job_itself_runs(org):
    over = make_challenge([org.store], created_by=org.sm, ends_at=ago(minutes=1))
    db.session.commit()
    jobs.tick_challenges()
    db.session.expire_all()
    assert db.session.get(Challenge, over.id).status == Status.CLOSED


def test_closing_twice_pays_once(org):
    challenge = make_challenge([org.store], created_by=org.sm, winners=1, reward_points=50, ends_at=ago(minutes=1))
    earn(org.staff, 20, ago(hours=3))
    earn(org.colleague, 10, ago(hours=3))
    db.session.commit()
    closed = []

    def record(_sender, *, event):
        closed.append(event)

    challenge_closed.connect(record)
    try:
        assert lifecycle.close_challenge(challenge.id) is True
        db.session.commit()
        assert lifecycle.close_challenge(challenge.id) is False
        db.session.commit()
        lifecycle.tick()
    finally:
        challenge_closed.disconnect(record)
    [prize] = _prize_entries(challenge.id)
    assert (prize.person_id, prize.amount, prize.idempotency_key) == (
        org.staff.id, 50, f"challenge:{challenge.id}:winner:{org.staff.id}")
    results = list(db.session.scalars(sa.select(ChallengeResult).where(ChallengeResult.challenge_id == challenge.id)
                                      .order_by(ChallengeResult.rank)))
    assert [(r.person_id, r.rank, r.winner, r.paid) for r in results] == [
        (org.staff.id, 1, True, True), (org.colleague.id, 2, False, False)]
    assert len([event for event in closed if event.challenge.id == challenge.id]) == 1
    assert [w.id for w in closed[-1].winners] == [org.staff.id]
    result_nudges = [n for n in _nudges("challenge_result") if n.params["challenge_id"] == challenge.id]
    assert {n.person_id for n in result_nudges} == {org.staff.id, org.colleague.id}
    assert "won" in next(n.body for n in result_nudges if n.person_id == org.staff.id)
    assert ledger.verify() == []


@pytest.mark.slow
def test_two_threads_closing_at_once_pay_once(app, org):
    challenge = make_challenge([org.store], created_by=org.sm, winners=2, reward_points=30, ends_at=ago(minutes=1))
    earn(org.staff, 20, ago(hours=3))
    earn(org.colleague, 10, ago(hours=3))
    db.session.commit()
    challenge_id = challenge.id
    db.session.rollback()
    barrier = threading.Barrier(2)
    outcomes, crashed = [], []

    def attempt():
        with app.app_context():
            barrier.wait()
            try:
                outcomes.append(lifecycle.close_challenge(challenge_id))
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                db.session.rollback()
                crashed.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not crashed, crashed
    assert sorted(outcomes) == [False, True]
    assert len(_prize_entries(challenge_id)) == 2
    assert db.session.scalar(sa.select(sa.func.count(ChallengeResult.id))
                             .where(ChallengeResult.challenge_id == challenge_id)) == 2
    assert ledger.verify() == []


def test_a_store_win_pays_every_active_person_of_the_store_and_the_badge_once(org, journey_defaults):
    badge = db.session.scalar(sa.select(BadgeDefinition).where(BadgeDefinition.key == "store_champion"))
    challenge = make_challenge([org.store, org.sibling_store], created_by=org.dm, kind=Kind.STORES, winners=1,
                               reward_points=20, badge=badge, ends_at=ago(minutes=1))
    earn(org.sibling_staff, 50, ago(hours=2))
    db.session.commit()
    assert lifecycle.close_challenge(challenge.id)
    db.session.commit()
    assert not lifecycle.close_challenge(challenge.id)
    paid = {entry.person_id for entry in _prize_entries(challenge.id)}
    assert paid == {org.sibling_staff.id, org.sibling_sm.id}
    grants = db.session.scalars(sa.select(BadgeGrant.person_id).where(BadgeGrant.badge_id == badge.id)).all()
    assert sorted(grants) == sorted(paid)


def test_a_closed_challenge_is_final(org):
    challenge = make_challenge([org.store], created_by=org.sm, status=Status.CLOSED, ends_at=ago(days=1))
    db.session.commit()
    assert lifecycle.close_challenge(challenge.id) is False
    assert lifecycle.start_challenge(challenge.id) is False
    with pytest.raises(ServiceError):
        authoring.update_challenge(org.sm, challenge, authoring.ChallengeDraft(title="Again"))
    with pytest.raises(ServiceError):
        authoring.cancel(org.sm, challenge)
    with pytest.raises(ServiceError):
        authoring.publish(org.sm, challenge)
    assert db.session.get(Challenge, challenge.id).status == Status.CLOSED


def test_overtaking_someone_nudges_them_once_a_day(org):
    challenge = make_challenge([org.store], created_by=org.sm)
    earn(org.colleague, 10, ago(hours=2))
    db.session.commit()
    earn(org.staff, 15)  # staff passes colleague (the job runs after commit)
    db.session.commit()
    earn(org.staff, 1)
    db.session.commit()
    nudges = [n for n in _nudges("challenge_overtaken") if n.params["challenge_id"] == challenge.id]
    assert [(n.person_id, n.params["name"]) for n in nudges] == [(org.colleague.id, "Sara S.")]

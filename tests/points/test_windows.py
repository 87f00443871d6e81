"""Points earned in a window: one rule everywhere. A reversal made after its month has ended lowers the
month the points were earned in — on the live board, in the board's rebuild, in the league and in a
challenge alike — and spends, refunds and (for challenges) prizes are not earning."""

import itertools
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from app.challenges import standings as challenge_standings
from app.extensions import db
from app.leaderboards.models import BoardScore
from app.leaderboards.scores import rebuild_scores
from app.leagues import standings as league_standings
from app.points import ledger, windows
from tests.challenges.helpers import make_challenge

MARCH, APRIL = date(2025, 3, 1), date(2025, 4, 1)
MARCH_STARTS, APRIL_STARTS, MAY_STARTS = datetime(2025, 3, 1), datetime(2025, 4, 1), datetime(2025, 5, 1)

_keys = itertools.count(1)


@pytest.fixture
def at(monkeypatch):
    """Make the ledger's next entries at `moment` (naive UTC), through the whole award path."""
    def set_moment(moment: datetime) -> None:
        monkeypatch.setattr("app.points.ledger.utcnow", lambda: moment)
    return set_moment


def _award(person, points: int, source_type: str = "api"):
    return ledger.award(person, points, source_type=source_type, reason="Good sale",
                        idempotency_key=f"window-test:{next(_keys)}").entry


def _month_scores(person) -> dict[date, int]:
    return dict(db.session.execute(sa.select(BoardScore.period_start, BoardScore.points).where(
        BoardScore.person_id == person.id, BoardScore.period == "month")).all())


def test_a_late_reversal_lands_in_the_month_it_was_earned_in_everywhere(org, at):
    at(datetime(2025, 3, 20, 10, 0))
    _award(org.staff, 30)
    at(datetime(2025, 3, 31, 10, 0))
    wrong = _award(org.staff, 40)
    at(datetime(2025, 4, 2, 10, 0))  # March is over when the wrong award is corrected
    ledger.reverse(wrong, reason="Wrong person", reversed_by=org.hr)
    at(datetime(2025, 4, 3, 10, 0))
    _award(org.staff, 5)
    db.session.commit()

    # The definition itself.
    assert windows.earned_totals(start=MARCH_STARTS, end=APRIL_STARTS) == {org.staff.id: 30}
    assert windows.earned_totals(start=APRIL_STARTS, end=MAY_STARTS) == {org.staff.id: 5}
    # The board, as the awards moved it and as rebuilt from the ledger.
    assert _month_scores(org.staff) == {MARCH: 30, APRIL: 5}
    rebuild_scores()
    assert _month_scores(org.staff) == {MARCH: 30, APRIL: 5}
    # The league.
    assert league_standings.earned_points([org.store.id], MARCH) == {org.store.id: 30}
    assert league_standings.earned_points([org.store.id], APRIL) == {org.store.id: 5}
    # A challenge over March, looked at after the correction.
    challenge = make_challenge([org.store], created_by=org.sm, starts_at=MARCH_STARTS,
                               ends_at=datetime(2025, 3, 31, 23, 59, 59))
    line = next(line for line in challenge_standings.compute(challenge) if line.entrant_id == org.staff.id)
    assert line.score == 30


def test_spends_refunds_and_left_out_sources_are_not_earning(org, at):
    at(datetime(2025, 3, 10, 10, 0))
    _award(org.staff, 50)
    _award(org.colleague, 20, source_type="challenge")
    spend = ledger.spend(org.staff, 15, source_type="redemption", source_id=1, reason="Coffee",
                         idempotency_key="window-test:spend")
    ledger.reverse(spend.entry, reason="Refused", reversed_by=org.hr)  # a refund gives spendable points back
    db.session.flush()

    march = {"start": MARCH_STARTS, "end": APRIL_STARTS}
    assert windows.earned_totals(**march) == {org.staff.id: 50, org.colleague.id: 20}
    assert windows.earned_totals(**march, excluding_source="challenge") == {org.staff.id: 50}
    assert windows.earned_totals(**march, among=[org.colleague.id]) == {org.colleague.id: 20}
    assert windows.earned_totals(by=windows.STORE, **march) == {org.store.id: 70}
    assert windows.earned_totals(start=APRIL_STARTS) == {}
    assert windows.earned_totals(end=MARCH_STARTS) == {}

"""The rules the ledger enforces on every award (README "Rules for awards and caps"): the daily cap holds
under concurrent awards, a mission or prize never pays its author, the company maxima bound every mission
and prize payment, and a manager's missions and prizes count toward the receiver's daily cap.
Real sessions and real threads, on whichever database the run uses (PostgreSQL with DATABASE_URL)."""

import threading

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.core.errors import ServiceError
from app.extensions import db
from app.org.models import Person
from app.points import ledger, limits
from app.points.models import PointEntry


@pytest.fixture
def caps(app):
    app.config.update(POINTS_MAX_PER_AWARD=200, POINTS_DAILY_CAP=300)


def _paid_to(person_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(PointEntry.amount), 0))
                             .where(PointEntry.person_id == person_id))


def _race(app, work, threads: int) -> tuple[list[str], list[Exception]]:
    """Run `work(n)` on `threads` threads released at once, each in its own session; the outcomes."""
    db.session.close()  # the test's own session must not hold a transaction (or SQLite's write lock)
    barrier = threading.Barrier(threads)
    outcomes, crashes = [], []

    def worker(n):
        with app.app_context():
            barrier.wait()
            try:
                work(n)
                db.session.commit()
                outcomes.append("paid")
            except ServiceError:
                db.session.rollback()
                outcomes.append("refused")
            except Exception as error:  # collected and asserted by the caller
                db.session.rollback()
                crashes.append(error)
            finally:
                db.session.remove()

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    return outcomes, crashes


# Item 3: the daily cap raced ---------------------------------------------------------------------------

def test_daily_cap_holds_when_eight_manual_awards_race(app, org, caps):
    """8 simultaneous manual awards of 100 against a 300/day cap: exactly 3 pay (before: all 8 on PostgreSQL)."""
    staff_id, sm_id = org.staff.id, org.sm.id

    def award(n):
        ledger.award(db.session.get(Person, staff_id), 100, source_type="manual", reason="Great week",
                     idempotency_key=f"race-{n}", awarded_by=db.session.get(Person, sm_id))

    outcomes, crashes = _race(app, award, threads=8)
    assert crashes == []
    assert sorted(outcomes) == ["paid"] * 3 + ["refused"] * 5
    assert _paid_to(staff_id) == 300
    assert ledger.verify() == []


def test_daily_cap_holds_when_manager_missions_race(app, org, caps):
    """The same lock covers every capped source, here a store manager's missions paid at once."""
    staff_id, sm_id = org.staff.id, org.sm.id

    def pay(n):
        ledger.pay_authored(db.session.get(Person, staff_id), 200, author=db.session.get(Person, sm_id),
                            source_type="mission", source_id=n, reason="Window", idempotency_key=f"m-{n}")

    outcomes, crashes = _race(app, pay, threads=6)
    assert crashes == []
    assert _paid_to(staff_id) == 300  # 200, then the 100 left, then nothing
    assert ledger.verify() == []


# The author never pays themself -------------------------------------------------------------------------

def test_mission_author_is_never_paid_by_the_ledger(org):
    with pytest.raises(ServiceError, match="they created"):
        ledger.award(org.hr, 100, source_type="mission", reason="Own mission", idempotency_key="own",
                     author=org.hr)
    payment = ledger.pay_authored(org.hr, 100, author=org.hr, source_type="mission", source_id=1,
                                  reason="Own mission", idempotency_key="own")
    assert (payment.entry, payment.paid, payment.withheld) == (None, 0, ledger.Withheld.AUTHOR)
    assert ledger.balances(org.hr.id) == (0, 0)


def test_challenge_author_is_never_paid_a_prize_by_the_ledger(org):
    with pytest.raises(ServiceError, match="they created"):
        ledger.award(org.sm, 50, source_type="challenge", reason="Won", idempotency_key="own-prize", author=org.sm)
    assert ledger.balances(org.sm.id) == (0, 0)


# Company maxima -------------------------------------------------------------------------------------------

def test_ledger_refuses_a_mission_award_above_the_company_maximum(org):
    with pytest.raises(ServiceError, match="at most 200"):
        ledger.award(org.staff, 201, source_type="mission", reason="Too much", idempotency_key="big",
                     author=org.hr)
    with pytest.raises(ServiceError, match="at most 500"):
        ledger.award(org.staff, 501, source_type="challenge", reason="Too much", idempotency_key="big-prize",
                     author=org.hr)
    assert ledger.balances(org.staff.id) == (0, 0)


def test_a_mission_written_before_a_lower_maximum_pays_the_maximum(org):
    """Protects the person: the work was done, so they get what the company now allows, not nothing."""
    limits.save(org.hr, mission_max=50, prize_max=100)
    payment = ledger.pay_authored(org.staff, 80, author=org.hr, source_type="mission", source_id=1,
                                  reason="Old mission", idempotency_key="old")
    assert (payment.paid, payment.withheld) == (50, ledger.Withheld.MAXIMUM)


def test_hr_mission_is_a_company_rule_outside_the_daily_cap(org, caps):
    for n, points in enumerate((200, 100)):
        ledger.award(org.staff, points, source_type="manual", reason="Cap used", idempotency_key=f"c{n}",
                     awarded_by=org.hr)
    payment = ledger.pay_authored(org.staff, 200, author=org.hr, source_type="mission", source_id=1,
                                  reason="HR mission", idempotency_key="hr-mission")
    assert payment.paid == 200


# A manager's missions and prizes count toward the daily cap ------------------------------------------------

def test_store_manager_missions_count_toward_the_receivers_daily_cap(org, caps):
    """Five 200-point missions from one store manager paid 1,000 in a day; now the cap stops them at 300,
    and manual awards share the same cap."""
    paid = [ledger.pay_authored(org.staff, 200, author=org.sm, source_type="mission", source_id=n,
                                reason="Store mission", idempotency_key=f"sm-mission-{n}").paid for n in range(5)]
    assert paid == [200, 100, 0, 0, 0]
    with pytest.raises(ServiceError, match="0 left"):
        ledger.award(org.staff, 10, source_type="manual", reason="More", idempotency_key="manual",
                     awarded_by=org.sm)
    assert ledger.balances(org.staff.id) == (300, 300)


def test_store_manager_prize_is_bounded_by_the_per_award_maximum(org, caps):
    with pytest.raises(ServiceError, match="at most 200"):
        ledger.award(org.staff, 1000, source_type="challenge", reason="Prize", idempotency_key="prize",
                     author=org.sm)
    payment = ledger.pay_authored(org.staff, 1000, author=org.sm, source_type="challenge", source_id=1,
                                  reason="Prize", idempotency_key="prize")
    assert payment.paid == 200


def test_an_authored_award_pays_once_per_key(org, caps):
    first = ledger.pay_authored(org.staff, 150, author=org.sm, source_type="mission", source_id=1,
                                reason="Mission", idempotency_key="once")
    second = ledger.pay_authored(org.staff, 150, author=org.sm, source_type="mission", source_id=1,
                                 reason="Mission", idempotency_key="once")
    assert (first.paid, second.paid, second.entry.id) == (150, 0, first.entry.id)
    # Even when the first payment left no room under the cap for a second.
    ledger.award(org.staff, 150, source_type="manual", reason="Fill", idempotency_key="fill", awarded_by=org.sm)
    third = ledger.pay_authored(org.staff, 150, author=org.sm, source_type="mission", source_id=1,
                                reason="Mission", idempotency_key="once")
    assert (third.paid, third.entry.id) == (0, first.entry.id)
    assert ledger.balances(org.staff.id) == (300, 300)


# The settings screen -----------------------------------------------------------------------------------------

def test_hr_sets_the_award_maxima_on_the_settings_screen(client, sign_in, org):
    sign_in(org.hr)
    page = client.get("/points/limits")
    assert page.status_code == 200 and 'value="200"' in page.get_data(as_text=True)
    assert "/points/limits" in client.get("/settings").get_data(as_text=True)
    response = client.post("/points/limits", data={"mission_max": "120", "prize_max": "300"})
    assert response.status_code == 303
    assert limits.current() == limits.Limits(120, 300)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "points.limits_changed"))
    assert entry.actor_id == org.hr.id and entry.details["after"] == {"mission_max": 120, "prize_max": 300}


@pytest.mark.parametrize(("mission_max", "prize_max", "message"), [
    ("0", "300", "from 1 to 500"), ("501", "300", "from 1 to 500"), ("100", "1001", "from 0 to 1000"),
    ("100", "-1", "from 0 to 1000"), ("", "300", "Enter a number"),
])
def test_bad_award_maxima_are_refused_and_change_nothing(client, sign_in, org, mission_max, prize_max, message):
    sign_in(org.admin)
    response = client.post("/points/limits", data={"mission_max": mission_max, "prize_max": prize_max})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert limits.current() == limits.Limits(limits.DEFAULT_MISSION_MAX, limits.DEFAULT_PRIZE_MAX)


def test_only_hr_and_admins_set_the_award_maxima(client, sign_in, org):
    with pytest.raises(ServiceError):
        limits.save(org.dm, mission_max=500, prize_max=1000)
    sign_in(org.sm)
    assert client.post("/points/limits", data={"mission_max": "500", "prize_max": "1000"}).status_code == 403
    assert limits.current() == limits.Limits(limits.DEFAULT_MISSION_MAX, limits.DEFAULT_PRIZE_MAX)

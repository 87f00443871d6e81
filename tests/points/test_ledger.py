import pytest

from app.core.audit import AuditEntry
from app.core.errors import ServiceError
from app.core.signals import points_awarded
from app.extensions import db
from app.points import ledger
from app.points.models import EntryKind, PointEntry


def test_award_pays_once_per_key(org):
    first = ledger.award(org.staff, 20, source_type="mission", reason="Window display", idempotency_key="k1")
    again = ledger.award(org.staff, 20, source_type="mission", reason="Window display", idempotency_key="k1")
    db.session.commit()
    assert first.created and not again.created
    assert again.entry.id == first.entry.id
    assert ledger.balances(org.staff.id) == (20, 20)
    assert db.session.query(PointEntry).count() == 1


def test_entry_names_its_source_and_store(org):
    result = ledger.award(org.staff, 5, source_type="mission", source_id=42, reason="  Greet   customers ",
                          idempotency_key="k2")
    assert result.entry.source_type == "mission"
    assert result.entry.source_id == "42"
    assert result.entry.store_id == org.store.id
    assert result.entry.reason == "Greet customers"
    assert result.entry.kind == EntryKind.EARN


@pytest.mark.parametrize("points", [0, -5])
def test_award_refuses_non_positive_points(org, points):
    with pytest.raises(ServiceError):
        ledger.award(org.staff, points, source_type="mission", reason="x", idempotency_key="bad")
    assert ledger.balances(org.staff.id) == (0, 0)


def test_award_needs_reason_and_key(org):
    with pytest.raises(ServiceError):
        ledger.award(org.staff, 5, source_type="mission", reason="   ", idempotency_key="k")
    with pytest.raises(ServiceError):
        ledger.award(org.staff, 5, source_type="mission", reason="ok", idempotency_key=" ")


def test_no_self_award(org):
    with pytest.raises(ServiceError, match="yourself"):
        ledger.award(org.sm, 5, source_type="manual", reason="me", idempotency_key="self", awarded_by=org.sm)


def test_manager_awards_only_inside_scope(org):
    ledger.award(org.staff, 10, source_type="manual", reason="Great", idempotency_key="in", awarded_by=org.sm)
    with pytest.raises(ServiceError, match="stores you manage"):
        ledger.award(org.other_staff, 10, source_type="manual", reason="No", idempotency_key="out",
                     awarded_by=org.sm)
    with pytest.raises(ServiceError):
        ledger.award(org.colleague, 10, source_type="manual", reason="Peer", idempotency_key="peer",
                     awarded_by=org.staff)


def test_district_manager_and_hr_scope(org):
    ledger.award(org.sibling_staff, 10, source_type="manual", reason="ok", idempotency_key="dm",
                 awarded_by=org.dm)
    ledger.award(org.other_staff, 10, source_type="manual", reason="ok", idempotency_key="hr",
                 awarded_by=org.hr)
    with pytest.raises(ServiceError):
        ledger.award(org.other_staff, 10, source_type="manual", reason="no", idempotency_key="dm2",
                     awarded_by=org.dm)


def test_per_award_maximum_and_daily_cap(app, org):
    app.config.update(POINTS_MAX_PER_AWARD=50, POINTS_DAILY_CAP=80)
    with pytest.raises(ServiceError, match="at most 50"):
        ledger.award(org.staff, 51, source_type="manual", reason="big", idempotency_key="max", awarded_by=org.sm)
    ledger.award(org.staff, 50, source_type="manual", reason="a", idempotency_key="c1", awarded_by=org.sm)
    with pytest.raises(ServiceError, match="30 left"):
        ledger.award(org.staff, 40, source_type="manual", reason="b", idempotency_key="c2", awarded_by=org.sm)
    # Rule-driven sources (a mission) are not discretionary and are not capped.
    ledger.award(org.staff, 100, source_type="mission", reason="m", idempotency_key="c3")
    assert ledger.balances(org.staff.id) == (150, 150)


def test_manual_award_is_audited(org):
    ledger.award(org.staff, 10, source_type="manual", reason="ok", idempotency_key="aud", awarded_by=org.sm)
    entry = db.session.query(AuditEntry).filter_by(action="points.awarded").one()
    assert entry.actor_id == org.sm.id and entry.target_id == org.staff.id


def test_deactivated_person_gets_nothing(org):
    org.staff.active = False
    with pytest.raises(ServiceError):
        ledger.award(org.staff, 10, source_type="mission", reason="x", idempotency_key="gone")


def test_points_awarded_signal_fires_inside_the_transaction(org):
    seen = []

    def receiver(_sender, *, event):
        seen.append((event.entry.amount, event.person.id, event.lifetime))

    points_awarded.connect(receiver)
    try:
        ledger.award(org.staff, 7, source_type="mission", reason="x", idempotency_key="sig")
        ledger.award(org.staff, 7, source_type="mission", reason="x", idempotency_key="sig")
    finally:
        points_awarded.disconnect(receiver)
    assert seen == [(7, org.staff.id, 7)]  # the lifetime total comes with the award


def test_spend_never_goes_negative(org):
    ledger.award(org.staff, 30, source_type="mission", reason="x", idempotency_key="e")
    ledger.spend(org.staff, 20, source_type="redemption", source_id=1, reason="Coffee", idempotency_key="s1")
    with pytest.raises(ServiceError, match="Not enough points"):
        ledger.spend(org.staff, 20, source_type="redemption", source_id=2, reason="Mug", idempotency_key="s2")
    # Spending lowers the balance, never the lifetime points.
    assert ledger.balances(org.staff.id) == (30, 10)


def test_reversal_of_an_award_is_a_correction(org):
    entry = ledger.award(org.staff, 30, source_type="manual", reason="typo", idempotency_key="w",
                         awarded_by=org.sm).entry
    reversal = ledger.reverse(entry, reason="Meant for Cosimo", reversed_by=org.hr)
    assert reversal.amount == -30 and reversal.kind == EntryKind.REVERSAL and reversal.reverses_id == entry.id
    assert ledger.balances(org.staff.id) == (0, 0)
    with pytest.raises(ServiceError, match="already reversed"):
        ledger.reverse(entry, reason="again", reversed_by=org.hr)
    with pytest.raises(ServiceError):
        ledger.reverse(reversal, reason="undo", reversed_by=org.hr)
    assert db.session.query(AuditEntry).filter_by(action="points.reversed").count() == 1


def test_reversal_refused_when_points_were_spent(org):
    entry = ledger.award(org.staff, 30, source_type="mission", reason="x", idempotency_key="r").entry
    ledger.spend(org.staff, 25, source_type="redemption", source_id=1, reason="Mug", idempotency_key="sp")
    with pytest.raises(ServiceError, match="already been spent"):
        ledger.reverse(entry, reason="wrong", reversed_by=org.hr)
    assert ledger.balances(org.staff.id) == (30, 5)


def test_reversing_a_spend_refunds_the_balance_only(org):
    ledger.award(org.staff, 30, source_type="mission", reason="x", idempotency_key="r2")
    spent = ledger.spend(org.staff, 25, source_type="redemption", source_id=1, reason="Mug", idempotency_key="sp2")
    ledger.reverse(spent.entry, reason="Out of stock", reversed_by=org.sm)
    assert ledger.balances(org.staff.id) == (30, 30)


def test_verify_agrees_then_detects_tampering(org):
    ledger.award(org.staff, 30, source_type="manual", reason="x", idempotency_key="v1", awarded_by=org.sm)
    ledger.award(org.colleague, 10, source_type="mission", reason="y", idempotency_key="v2")
    ledger.spend(org.staff, 5, source_type="redemption", source_id=1, reason="z", idempotency_key="v3")
    db.session.commit()
    assert ledger.verify() == []
    db.session.execute(db.text("UPDATE point_balances SET balance = balance + 1 WHERE person_id = :p"),
                       {"p": org.colleague.id})
    db.session.commit()
    mismatches = ledger.verify()
    assert [(m.person_id, m.cached_balance, m.ledger_balance) for m in mismatches] == [(org.colleague.id, 11, 10)]


def test_verify_counts_reversed_awards_out_of_lifetime(org):
    entry = ledger.award(org.staff, 30, source_type="mission", reason="x", idempotency_key="v4").entry
    ledger.award(org.staff, 10, source_type="mission", reason="y", idempotency_key="v5")
    ledger.reverse(entry, reason="duplicate", reversed_by=org.hr)
    db.session.commit()
    assert ledger.balances(org.staff.id) == (10, 10)
    assert ledger.verify() == []

"""The approval queue: who may decide, approve → collected, refusal with a reason refunds everything."""

import pytest
import sqlalchemy as sa
from flask import url_for

from app.core.audit import AuditEntry
from app.extensions import db
from app.points import ledger
from app.points.models import EntryKind, PointEntry
from app.rewards import redemptions
from app.rewards.models import RedemptionStatus
from tests.rewards.helpers import balance, give_points, make_reward, redemptions_of, stock


@pytest.fixture
def pending(org):
    """Sara (staff, store A) redeemed a reward of 40 points; one unit of stock left after it."""
    reward = make_reward(name="Cinema tickets", cost=40, stock=2)
    give_points(org.staff, 100)
    redemption = redemptions.redeem(org.staff, reward.id).redemption
    db.session.commit()
    return redemption


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_store_manager_sees_and_approves_their_store(client, auth, org, pending):
    auth.login(org.sm)
    page = client.get(url_for("rewards.approvals")).get_data(as_text=True)
    assert "Cinema tickets" in page and org.staff.full_name in page
    response = client.post(url_for("rewards.approve", redemption_id=pending.id))
    assert response.status_code == 303
    [redemption] = redemptions_of(org.staff.id)
    assert redemption.status == RedemptionStatus.APPROVED and redemption.decided_by_id == org.sm.id
    assert balance(org.staff.id) == 60  # approval doesn't move points again
    [entry] = _audit("reward.redemption_approved")
    assert entry.actor_id == org.sm.id and entry.target_id == pending.id
    client.post(url_for("rewards.fulfil", redemption_id=pending.id))
    assert redemptions_of(org.staff.id)[0].status == RedemptionStatus.FULFILLED
    assert _audit("reward.redemption_fulfilled")


def test_refusal_needs_a_reason_and_changes_nothing_without_one(client, auth, org, pending):
    auth.login(org.sm)
    response = client.post(url_for("rewards.refuse", redemption_id=pending.id), data={"reason": "  "},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "Tell them why" in response.get_data(as_text=True)
    assert redemptions_of(org.staff.id)[0].status == RedemptionStatus.PENDING
    assert balance(org.staff.id) == 60 and stock(pending.reward_id) == 1
    assert not _audit("reward.redemption_refused")


def test_refusal_refunds_through_a_reversal_and_returns_the_stock(client, auth, org, pending):
    auth.login(org.sm)
    response = client.post(url_for("rewards.refuse", redemption_id=pending.id),
                           data={"reason": "Tickets are for next month"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body and "points went back" in body
    [redemption] = redemptions_of(org.staff.id)
    assert redemption.status == RedemptionStatus.REFUSED
    assert redemption.refusal_reason == "Tickets are for next month"
    refund = db.session.get(PointEntry, redemption.refund_entry_id)
    assert refund.kind == EntryKind.REVERSAL and refund.reverses_id == redemption.spend_entry_id
    assert refund.amount == 40
    assert balance(org.staff.id) == 100 and stock(pending.reward_id) == 2
    assert ledger.balances(org.staff.id) == (100, 100)  # lifetime untouched by spend and refund
    assert ledger.verify() == []
    [entry] = _audit("reward.redemption_refused")
    assert entry.details["reason"] == "Tickets are for next month"
    # The person reads why.
    auth.logout()
    auth.login(org.staff)
    assert "Tickets are for next month" in client.get(url_for("rewards.mine")).get_data(as_text=True)


def test_a_decision_is_taken_once(client, auth, org, pending):
    auth.login(org.sm)
    client.post(url_for("rewards.approve", redemption_id=pending.id))
    response = client.post(url_for("rewards.refuse", redemption_id=pending.id),
                           data={"reason": "Changed my mind"}, follow_redirects=True)
    assert "already dealt with" in response.get_data(as_text=True)
    assert redemptions_of(org.staff.id)[0].status == RedemptionStatus.APPROVED
    assert balance(org.staff.id) == 60


@pytest.mark.parametrize("who", ["sibling_sm", "other_sm"])
def test_a_manager_of_another_store_cant_decide(client, auth, org, pending, who):
    auth.login(getattr(org, who))
    assert "Cinema tickets" not in client.get(url_for("rewards.approvals")).get_data(as_text=True)
    for endpoint in ("rewards.approve", "rewards.refuse", "rewards.fulfil"):
        response = client.post(url_for(endpoint, redemption_id=pending.id), data={"reason": "no"})
        assert response.status_code == 404
    assert redemptions_of(org.staff.id)[0].status == RedemptionStatus.PENDING and balance(org.staff.id) == 60


@pytest.mark.parametrize("who", ["staff", "colleague", "dm"])
def test_staff_and_district_managers_have_no_queue(client, auth, org, pending, who):
    auth.login(getattr(org, who))
    assert client.get(url_for("rewards.approvals")).status_code == 403
    assert client.post(url_for("rewards.approve", redemption_id=pending.id)).status_code == 403
    assert redemptions_of(org.staff.id)[0].status == RedemptionStatus.PENDING


def test_hr_decides_for_any_store(client, auth, org):
    reward = make_reward(cost=10)
    give_points(org.other_staff, 10)
    redemption = redemptions.redeem(org.other_staff, reward.id).redemption
    db.session.commit()
    auth.login(org.hr)
    assert org.other_staff.full_name in client.get(url_for("rewards.approvals")).get_data(as_text=True)
    client.post(url_for("rewards.approve", redemption_id=redemption.id))
    assert redemptions_of(org.other_staff.id)[0].status == RedemptionStatus.APPROVED


def test_nobody_approves_their_own_request(client, auth, org):
    reward = make_reward(cost=10)
    give_points(org.sm, 10)
    redemption = redemptions.redeem(org.sm, reward.id).redemption
    db.session.commit()
    auth.login(org.sm)
    assert client.post(url_for("rewards.approve", redemption_id=redemption.id)).status_code == 404
    auth.logout()
    auth.login(org.hr)
    client.post(url_for("rewards.approve", redemption_id=redemption.id))
    assert redemptions_of(org.sm.id)[0].status == RedemptionStatus.APPROVED


def test_approval_page_and_fragment(client, auth, org, pending):
    auth.login(org.sm)
    assert "<html" in client.get(url_for("rewards.approvals")).get_data(as_text=True)
    fragment = client.htmx_get(url_for("rewards.approvals")).get_data(as_text=True)
    assert "<html" not in fragment and 'id="approval-list"' in fragment
    response = client.post(url_for("rewards.approve", redemption_id=pending.id),
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and f'id="redemption-{pending.id}"' in response.get_data(as_text=True)


def test_empty_queue_says_so(client, auth, org):
    auth.login(org.sm)
    assert "All caught up" in client.get(url_for("rewards.approvals")).get_data(as_text=True)


def test_decisions_nudge_the_person(org, pending):
    from app.nudges.models import Notification

    redemptions.approve(org.sm, pending)
    other = redemptions.redeem(org.staff, make_reward(name="Mug", cost=10, stock=5).id).redemption
    redemptions.refuse(org.sm, other, "Out of mugs this week")
    kinds = db.session.scalars(sa.select(Notification.nudge_type).where(
        Notification.person_id == org.staff.id).order_by(Notification.id)).all()
    assert kinds == ["reward_approved", "reward_refused"]

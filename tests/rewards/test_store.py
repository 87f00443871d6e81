"""Browsing the store and redeeming: balance, stock and the per-person limit move together or not at all."""

import sqlalchemy as sa
from flask import url_for

from app.extensions import db
from app.points.models import EntryKind, PointEntry
from app.rewards.models import Redemption, RedemptionStatus
from tests.rewards.helpers import balance, entry_count, give_points, make_reward, redemptions_of, stock


def test_store_shows_the_catalogue_of_my_store_and_my_balance(client, auth, org):
    everywhere = make_reward(name="Coffee voucher", cost=50)
    mine = make_reward(name="Milano mug", cost=80, stores=[org.store])
    elsewhere = make_reward(name="Roma scarf", cost=80, stores=[org.other_store])
    hidden = make_reward(name="Retired gadget", active=False)
    give_points(org.staff, 120)
    db.session.commit()
    auth.login(org.staff)
    body = client.get(url_for("rewards.store")).get_data(as_text=True)
    assert everywhere.name in body and mine.name in body
    assert elsewhere.name not in body and hidden.name not in body
    assert "120" in body
    assert client.get(url_for("rewards.reward", reward_id=elsewhere.id)).status_code == 404
    assert client.get(url_for("rewards.reward", reward_id=hidden.id)).status_code == 404
    assert client.get(url_for("rewards.reward", reward_id=mine.id)).status_code == 200


def test_empty_store_says_what_to_do(client, auth, org):
    auth.login(org.staff)
    body = client.get(url_for("rewards.store")).get_data(as_text=True)
    assert "Keep earning points" in body


def test_redeeming_spends_points_takes_stock_and_waits_for_approval(client, auth, org):
    reward = make_reward(cost=100, stock=3)
    give_points(org.staff, 150)
    db.session.commit()
    auth.login(org.staff)
    response = client.post(url_for("rewards.redeem", reward_id=reward.id), data={"request_key": "a" * 32})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url_for("rewards.mine", _external=False))
    assert balance(org.staff.id) == 50
    assert stock(reward.id) == 2
    [redemption] = redemptions_of(org.staff.id)
    assert redemption.status == RedemptionStatus.PENDING
    assert redemption.store_id == org.store.id and redemption.cost == 100
    spend = db.session.get(PointEntry, redemption.spend_entry_id)
    assert (spend.kind, spend.amount, spend.source_type, spend.source_id) == (
        EntryKind.SPEND, -100, "redemption", str(redemption.id))
    body = client.get(url_for("rewards.mine")).get_data(as_text=True)
    assert reward.name in body and "Waiting for approval" in body


def test_a_double_submission_redeems_once(client, auth, org):
    reward = make_reward(cost=10, stock=5)
    give_points(org.staff, 100)
    db.session.commit()
    auth.login(org.staff)
    for _ in range(2):
        client.post(url_for("rewards.redeem", reward_id=reward.id), data={"request_key": "same-key-123456"})
    assert len(redemptions_of(org.staff.id)) == 1
    assert balance(org.staff.id) == 90 and stock(reward.id) == 4


def test_not_enough_points_changes_nothing(client, auth, org):
    reward = make_reward(cost=100, stock=1)
    give_points(org.staff, 99)
    db.session.commit()
    before = entry_count()
    auth.login(org.staff)
    response = client.post(url_for("rewards.redeem", reward_id=reward.id), follow_redirects=True)
    assert "Not enough points" in response.get_data(as_text=True)
    assert balance(org.staff.id) == 99 and stock(reward.id) == 1
    assert redemptions_of(org.staff.id) == [] and entry_count() == before


def test_sold_out_changes_nothing(client, auth, org):
    reward = make_reward(cost=10, stock=0)
    give_points(org.staff, 50)
    db.session.commit()
    auth.login(org.staff)
    response = client.post(url_for("rewards.redeem", reward_id=reward.id), follow_redirects=True)
    assert "just run out" in response.get_data(as_text=True)
    assert balance(org.staff.id) == 50 and stock(reward.id) == 0 and redemptions_of(org.staff.id) == []


def test_unlimited_stock_stays_unlimited(client, auth, org):
    reward = make_reward(cost=10, stock=None)
    give_points(org.staff, 50)
    db.session.commit()
    auth.login(org.staff)
    client.post(url_for("rewards.redeem", reward_id=reward.id))
    assert stock(reward.id) is None and balance(org.staff.id) == 40


def test_per_person_limit(client, auth, org):
    reward = make_reward(cost=10, stock=10, per_person_limit=1)
    give_points(org.staff, 100)
    give_points(org.colleague, 100)
    db.session.commit()
    auth.login(org.staff)
    client.post(url_for("rewards.redeem", reward_id=reward.id))
    response = client.post(url_for("rewards.redeem", reward_id=reward.id), follow_redirects=True)
    assert "most times allowed" in response.get_data(as_text=True)
    assert len(redemptions_of(org.staff.id)) == 1 and balance(org.staff.id) == 90 and stock(reward.id) == 9
    page = client.get(url_for("rewards.reward", reward_id=reward.id)).get_data(as_text=True)
    assert "as many times as allowed" in page
    # The limit is per person: a colleague still can.
    auth.logout()
    auth.login(org.colleague)
    client.post(url_for("rewards.redeem", reward_id=reward.id))
    assert len(redemptions_of(org.colleague.id)) == 1


def test_cancelling_a_pending_request_gives_everything_back(client, auth, org):
    reward = make_reward(cost=30, stock=2, per_person_limit=1)
    give_points(org.staff, 30)
    db.session.commit()
    auth.login(org.staff)
    client.post(url_for("rewards.redeem", reward_id=reward.id))
    [redemption] = redemptions_of(org.staff.id)
    assert client.post(url_for("rewards.cancel", redemption_id=redemption.id)).status_code == 303
    [redemption] = redemptions_of(org.staff.id)
    assert redemption.status == RedemptionStatus.CANCELLED and redemption.refund_entry_id
    assert balance(org.staff.id) == 30 and stock(reward.id) == 2
    # A cancelled request doesn't count towards the limit, and can't be cancelled twice.
    client.post(url_for("rewards.cancel", redemption_id=redemption.id))
    assert balance(org.staff.id) == 30
    client.post(url_for("rewards.redeem", reward_id=reward.id))
    assert balance(org.staff.id) == 0


def test_nobody_cancels_someone_elses_request(client, auth, org):
    reward = make_reward(cost=10)
    give_points(org.colleague, 10)
    db.session.commit()
    auth.login(org.colleague)
    client.post(url_for("rewards.redeem", reward_id=reward.id))
    [redemption] = redemptions_of(org.colleague.id)
    auth.logout()
    auth.login(org.staff)
    assert client.post(url_for("rewards.cancel", redemption_id=redemption.id)).status_code == 404
    assert redemptions_of(org.colleague.id)[0].status == RedemptionStatus.PENDING


def test_my_rewards_page_and_fragment(client, auth, org):
    reward = make_reward(cost=10)
    give_points(org.staff, 10)
    db.session.commit()
    auth.login(org.staff)
    client.post(url_for("rewards.redeem", reward_id=reward.id))
    page = client.get(url_for("rewards.mine"))
    fragment = client.htmx_get(url_for("rewards.mine"))
    assert "<html" in page.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'id="my-redemptions"' in body and reward.name in body


def test_someone_elses_redemptions_never_show(client, auth, org):
    reward = make_reward(cost=10, name="Secret santa")
    give_points(org.colleague, 10)
    db.session.commit()
    auth.login(org.colleague)
    client.post(url_for("rewards.redeem", reward_id=reward.id))
    auth.logout()
    auth.login(org.staff)
    assert "Secret santa" not in client.get(url_for("rewards.mine")).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Redemption.id))) == 1

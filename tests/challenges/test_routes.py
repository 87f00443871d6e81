"""Pages and fragments: the list, the form (with its refusals), a challenge's live board, publishing and
cancelling, who may do what, and the queries other features use."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import url_for

from app.challenges import queries
from app.challenges.models import Challenge, Kind, Status
from app.extensions import db
from tests.challenges.helpers import ago, earn, make_challenge


def _rome_today() -> date:
    """The stores' today (Europe/Rome): between 23:00 and midnight UTC it is already tomorrow there."""
    return datetime.now(ZoneInfo("Europe/Rome")).date()


def _form(**overrides) -> dict:
    start = _rome_today() + timedelta(days=1)
    data = {"title": "Saturday sprint", "description": "", "kind": "individual", "audience": "store",
            "store_id": "", "district_id": "", "metric": "points", "kpi_id": "", "format": "ranking",
            "target": "", "winners_count": "", "reward_points": "30", "reward_badge_id": "",
            "starts_on": start.isoformat(), "ends_on": (start + timedelta(days=6)).isoformat()}
    data.update({key: str(value) for key, value in overrides.items()})
    return data


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Challenge.id)))


def test_list_page_and_fragment(client, sign_in, org):
    make_challenge([org.store], created_by=org.sm, title="Window week")
    make_challenge([org.other_store], created_by=org.other_sm, title="Roma relay")
    make_challenge([org.store], created_by=org.sm, title="Secret draft", status=Status.DRAFT)
    db.session.commit()
    sign_in(org.staff)
    body = client.get(url_for("challenges.index")).get_data(as_text=True)
    assert "Window week" in body and "Roma relay" not in body and "<html" in body
    fragment = client.htmx_get(url_for("challenges.index", show="drafts")).get_data(as_text=True)
    assert "<html" not in fragment and 'id="challenge-list"' in fragment and "Secret draft" not in fragment
    sign_in(org.sm)
    assert "Secret draft" in client.htmx_get(url_for("challenges.index", show="drafts")).get_data(as_text=True)


def test_empty_list_says_what_to_do(client, sign_in, org):
    sign_in(org.staff)
    assert "No challenge running" in client.get(url_for("challenges.index")).get_data(as_text=True)
    sign_in(org.dm)
    assert "Create a challenge" in client.get(url_for("challenges.index")).get_data(as_text=True)


def test_staff_see_their_place_and_the_gap(client, sign_in, org):
    challenge = make_challenge([org.store], created_by=org.sm)
    earn(org.colleague, 30, ago(hours=2))
    earn(org.staff, 18, ago(hours=1))
    db.session.commit()
    sign_in(org.staff)
    body = client.get(url_for("challenges.detail", challenge_id=challenge.id)).get_data(as_text=True)
    assert "Place 2 of 2" in body and "12 behind Cosimo C." in body
    assert "Cosimo Collega" not in body  # display names only
    fragment = client.htmx_get(url_for("challenges.detail", challenge_id=challenge.id)).get_data(as_text=True)
    assert "<html" not in fragment and 'data-live-on="board-changed challenge-changed"' in fragment
    assert 'hx-trigger="live-refresh"' in fragment


def test_results_after_close(client, sign_in, org):
    from app.challenges import lifecycle

    challenge = make_challenge([org.store], created_by=org.sm, winners=1, ends_at=ago(minutes=1))
    earn(org.staff, 20, ago(hours=2))
    db.session.commit()
    lifecycle.close_challenge(challenge.id)
    db.session.commit()
    sign_in(org.staff)
    body = client.get(url_for("challenges.detail", challenge_id=challenge.id)).get_data(as_text=True)
    assert "Final standings" in body and "You won!" in body


def test_a_manager_creates_a_draft_then_publishes_it(client, sign_in, org):
    sign_in(org.sm)
    assert client.get(url_for("challenges.new")).status_code == 200
    response = client.post(url_for("challenges.new"), data=_form(store_id=org.store.id))
    assert response.status_code == 303
    challenge = db.session.scalar(sa.select(Challenge))
    assert challenge.status == Status.DRAFT and challenge.winners_count == 3
    assert [store.id for store in challenge.stores] == [org.store.id]
    # Start at 00:00 Rome time, end at 23:59:59 Rome time, stored in UTC.
    assert challenge.starts_at.hour in (22, 23) and challenge.ends_at.minute == 59
    sign_in(org.staff)
    assert client.get(url_for("challenges.detail", challenge_id=challenge.id)).status_code == 404
    sign_in(org.sm)
    page = client.get(url_for("challenges.detail", challenge_id=challenge.id)).get_data(as_text=True)
    assert "hx-confirm" in page
    assert client.post(url_for("challenges.publish", challenge_id=challenge.id)).status_code == 303
    db.session.expire_all()
    assert db.session.get(Challenge, challenge.id).status == Status.SCHEDULED
    sign_in(org.staff)
    assert client.get(url_for("challenges.detail", challenge_id=challenge.id)).status_code == 200
    sign_in(org.sm)
    assert client.post(url_for("challenges.cancel", challenge_id=challenge.id)).status_code == 303
    db.session.expire_all()
    assert db.session.get(Challenge, challenge.id).status == Status.CANCELLED


def test_publishing_a_challenge_starting_today_starts_it(client, sign_in, org):
    sign_in(org.sm)
    today = _rome_today()
    client.post(url_for("challenges.new"), data=_form(store_id=org.store.id, starts_on=today.isoformat(),
                                                      ends_on=(today + timedelta(days=2)).isoformat()))
    challenge = db.session.scalar(sa.select(Challenge))
    client.post(url_for("challenges.publish", challenge_id=challenge.id))
    db.session.expire_all()
    assert db.session.get(Challenge, challenge.id).status == Status.RUNNING


def _refused(client, data, message):
    before = _count()
    response = client.post(url_for("challenges.new"), data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422, body
    assert message in body
    assert _count() == before


def test_bad_input_gets_a_clear_message_and_changes_nothing(client, sign_in, org, kpi_library):
    sign_in(org.dm)
    today = date.today()
    _refused(client, _form(store_id=org.store.id, starts_on=(today + timedelta(days=5)).isoformat(),
                           ends_on=(today + timedelta(days=1)).isoformat()), "can&#39;t be before the first day")
    _refused(client, _form(store_id=org.store.id, format="race"), "A race needs a target")
    _refused(client, _form(kind="stores", audience="district", metric="kpi"), "Choose the KPI that counts")
    _refused(client, _form(kind="stores", audience="store", store_id=org.store.id), "at least two stores")
    _refused(client, _form(title="", store_id=org.store.id), "Give the challenge a name")


def test_permissions_on_creating(client, sign_in, org):
    sign_in(org.staff)
    assert client.get(url_for("challenges.new")).status_code == 403
    assert client.post(url_for("challenges.new"), data=_form(store_id=org.store.id)).status_code == 403
    sign_in(org.sm)
    _refused(client, _form(store_id=org.sibling_store.id), "only create challenges for the stores you manage")
    _refused(client, _form(kind="stores", audience="district"), "Not a valid choice")  # not even offered
    sign_in(org.dm)
    _refused(client, _form(store_id=org.other_store.id), "only create challenges for the stores you manage")
    response = client.post(url_for("challenges.new"), data=_form(kind="stores", audience="district"))
    assert response.status_code == 303
    challenge = db.session.scalar(sa.select(Challenge))
    assert challenge.kind == Kind.STORES
    assert {s.id for s in challenge.stores} == {org.store.id, org.sibling_store.id}
    # The store manager sees it (their store takes part) but can't change it.
    client.post(url_for("challenges.publish", challenge_id=challenge.id))
    sign_in(org.sm)
    assert client.get(url_for("challenges.detail", challenge_id=challenge.id)).status_code == 200
    assert client.post(url_for("challenges.cancel", challenge_id=challenge.id)).status_code == 404


def test_a_running_or_closed_challenge_cant_be_edited(client, sign_in, org):
    running = make_challenge([org.store], created_by=org.sm)
    closed = make_challenge([org.store], created_by=org.sm, status=Status.CLOSED, ends_at=ago(days=1))
    db.session.commit()
    sign_in(org.sm)
    for challenge in (running, closed):
        response = client.post(url_for("challenges.edit", challenge_id=challenge.id), data=_form(title="Changed"))
        assert response.status_code == 303
        assert client.post(url_for("challenges.cancel", challenge_id=challenge.id)).status_code == 303
    db.session.expire_all()
    assert db.session.get(Challenge, running.id).status == Status.RUNNING
    assert db.session.get(Challenge, closed.id).status == Status.CLOSED
    assert db.session.get(Challenge, running.id).title != "Changed"


def test_the_board_costs_a_fixed_number_of_queries(client, sign_in, org, count_queries):
    from tests import factories

    challenge = make_challenge([org.store], created_by=org.sm)
    people = [factories.make_person(store=org.store) for _ in range(12)]
    for index, person in enumerate(people):
        earn(person, index + 1, ago(hours=1))
    db.session.commit()
    sign_in(org.staff)
    url = url_for("challenges.detail", challenge_id=challenge.id)
    client.get(url)
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    assert counter.count <= 12, counter.statements


def test_public_queries_for_home_and_tv(org):
    challenge = make_challenge([org.store], created_by=org.sm, title="Window week")
    make_challenge([org.store], created_by=org.sm, status=Status.SCHEDULED, title="Later")
    earn(org.colleague, 30, ago(hours=2))
    earn(org.staff, 18, ago(hours=1))
    db.session.commit()
    [summary] = queries.running_for_store(org.store.id)
    assert summary.id == challenge.id and summary.metric_label == "Points earned"
    assert [(leader.rank, leader.name, leader.score) for leader in summary.top] == [
        (1, "Cosimo C.", 30), (2, "Sara S.", 18)]
    [mine] = queries.running_for_person(org.staff)
    assert (mine.my_rank, mine.gap) == (2, 12)
    assert queries.running_for_person(org.other_staff) == []
    assert queries.running_for_store(org.other_store.id) == []

"""Item 5, the privacy switch: "hide me from district and company boards" holds on challenges across
stores too (standings page, the running card on the board page and home, the store TV, the "passed you"
nudge), by the leaderboards' own rule: others never see the person's name, they still see their place."""

import re

import sqlalchemy as sa
from flask import url_for

from app.challenges import lifecycle, queries
from app.challenges.models import Audience
from app.extensions import db
from app.leaderboards import scores
from app.nudges.models import Notification
from tests.challenges.helpers import ago, earn, make_challenge


def _district_challenge(org, **options):
    challenge = make_challenge([org.store, org.sibling_store], created_by=org.dm, **options)
    assert challenge.audience == Audience.DISTRICT
    return challenge


def _hide_staff_and_score(org):
    scores.set_hidden(org.staff, True)
    earn(org.staff, 50, ago(hours=3))
    earn(org.colleague, 20, ago(hours=2))
    earn(org.sibling_staff, 10, ago(hours=1))


def test_privacy_switch_hides_person_from_district_challenge_standings(client, sign_in, org):
    challenge = _district_challenge(org)
    _hide_staff_and_score(org)
    db.session.commit()
    url = url_for("challenges.detail", challenge_id=challenge.id)

    sign_in(org.sibling_staff)
    body = client.get(url).get_data(as_text=True)
    assert "Cosimo C." in body and "Sara S." not in body
    # The total still counts everyone, and the gap never points at the hidden leader.
    assert "Place 3 of 5" in body
    fragment = client.htmx_get(url).get_data(as_text=True)
    assert "Sara S." not in fragment

    sign_in(org.staff)  # the hidden person still sees their own place
    body = client.get(url).get_data(as_text=True)
    assert "Sara S." in body and "Place 1 of 5" in body


def test_privacy_switch_hides_person_from_challenge_card_and_tv(client, sign_in, org):
    _district_challenge(org)
    _hide_staff_and_score(org)
    db.session.commit()

    sign_in(org.colleague)
    board_page = client.get(url_for("leaderboards.board")).get_data(as_text=True)
    card = re.search(r'<section class="card challenge-card".*?</section>', board_page, re.S).group(0)
    assert "Cosimo C." in card and "Sara S." not in card

    (tv,) = queries.running_for_store(org.store.id)  # the TV has no viewer: nobody's own line
    names = [leader.name for leader in tv.top]
    assert names[:2] == ["Cosimo C.", "Marta V."] and "Sara S." not in names

    (own,) = queries.running_for_person(org.staff)
    assert own.my_rank == 1 and "Sara S." in [leader.name for leader in own.top]


def test_privacy_switch_hides_person_from_final_challenge_standings(client, sign_in, org):
    challenge = _district_challenge(org, winners=1, ends_at=ago(minutes=1))
    _hide_staff_and_score(org)
    db.session.commit()
    lifecycle.close_challenge(challenge.id)
    db.session.commit()
    sign_in(org.colleague)
    body = client.get(url_for("challenges.detail", challenge_id=challenge.id)).get_data(as_text=True)
    assert "Final standings" in body and "Cosimo C." in body and "Sara S." not in body


def test_privacy_switch_does_not_apply_to_a_one_store_challenge(client, sign_in, org):
    # Like the store board: colleagues of one store see each other anyway.
    challenge = make_challenge([org.store], created_by=org.sm)
    _hide_staff_and_score(org)
    db.session.commit()
    sign_in(org.colleague)
    assert "Sara S." in client.get(url_for("challenges.detail", challenge_id=challenge.id)).get_data(as_text=True)


def test_privacy_switch_keeps_a_hidden_passer_out_of_the_overtaken_nudge(org):
    challenge = _district_challenge(org)
    scores.set_hidden(org.staff, True)
    earn(org.colleague, 10, ago(hours=2))
    db.session.commit()
    earn(org.staff, 15)  # passes the colleague; the job runs after commit
    db.session.commit()
    names = [n.params.get("name") for n in db.session.scalars(sa.select(Notification).where(
        Notification.nudge_type == "challenge_overtaken"))
        if n.params.get("challenge_id") == challenge.id]
    assert names == []

import re

import sqlalchemy as sa

from app.badges import services as badges
from app.core.audit import AuditEntry
from app.extensions import db
from app.journey import services
from app.journey.models import Endorsement, Stage, StageChange
from tests.factories import make_person
from tests.journey.helpers import badge, pay, stage


def htmx_post(client, url, **kwargs):
    return client.post(url, headers={"HX-Request": "true"}, **kwargs)


# The staff home ---------------------------------------------------------------------------------------

def test_staff_home_shows_the_journey(client, org, sign_in):
    pay(org.staff, 1120)
    db.session.commit()
    body = sign_in(org.staff).get("/home").get_data(as_text=True)
    assert 'aria-current="step"' in body
    assert re.search(r'journey-step--current".*?Engagement', body, re.S)
    assert "To reach <strong>Leader</strong>:" in body
    assert "360 more points" in body  # 1120 + 20 (Rising star's own points) of 1500
    assert "the Mentor badge" in body and "your manager&#39;s endorsement" in body
    assert "1,140" in body  # the points pill
    assert "style=" not in body  # strict CSP: no inline style attributes
    assert "missions/_today.html" not in body


def test_staff_home_for_a_newcomer(client, org, sign_in):
    body = sign_in(org.staff).get("/home").get_data(as_text=True)
    assert "To reach <strong>Engagement</strong>:" in body
    assert "150 more points" in body
    assert "No streak yet" in body
    assert "Your first badge is close" in body


BOARD_AND_CHALLENGE_CARDS = 3


def test_staff_home_query_count_stays_flat(client, org, sign_in, count_queries):
    from datetime import date, timedelta

    from app.core.signals import ActivityRecorded, activity_recorded
    from app.org.models import Person, Store

    pay(org.staff, 200)  # in Engagement: the next stage's criteria decide which facts are read
    db.session.commit()
    staff_id, manager_id, store_id = org.staff.id, org.sm.id, org.store.id
    sign_in(org.staff)
    client.get("/home")
    with count_queries(kept=True) as small:
        assert client.get("/home").status_code == 200
    # Counting emptied the session: the test's people are read again.
    staff, manager = db.session.get(Person, staff_id), db.session.get(Person, manager_id)
    pay(staff, 2500)
    for n in range(12):
        badges.record_event(staff, "kudos_received", f"k{n}")
        activity_recorded.send(None, event=ActivityRecorded(person=staff, activity="mission",
                                                            on=date.today() - timedelta(days=n)))
    badges.manual_grant(manager, staff, badge("mentor"), "Mentor")
    badges.manual_grant(manager, staff, badge("helping_hand"), "Helped")
    for _ in range(5):
        make_person(store=db.session.get(Store, store_id), manager=manager)
    db.session.commit()
    # The person's own points and nudges dropped their kept bell count and board card (app/core/shortcache.py):
    # the first page reads them again, the next one is measured like `small`.
    client.get("/home")
    with count_queries(kept=True) as large:
        assert client.get("/home").status_code == 200
    assert large.count <= small.count, "\n".join(large.statements)
    # Sign-in (with the store) and journey, streak and badges take four; today's missions, the colleagues
    # and the running-challenges card read their own; the bell and the store board card are kept.
    assert large.count <= 5 + BOARD_AND_CHALLENGE_CARDS, "\n".join(large.statements)


def test_celebration_is_shown_exactly_once(client, org, sign_in):
    pay(org.staff, 200)
    db.session.commit()
    sign_in(org.staff)
    home = client.get("/home").get_data(as_text=True)
    assert 'hx-post="/journey/celebrations"' in home
    first = htmx_post(client, "/journey/celebrations")
    assert first.status_code == 200
    text = first.get_data(as_text=True)
    assert "Welcome to Engagement!" in text and "First steps" in text and 'class="confetti"' in text
    again = htmx_post(client, "/journey/celebrations")
    assert again.get_data(as_text=True) == ""
    assert 'hx-post="/journey/celebrations"' not in client.get("/home").get_data(as_text=True)
    assert db.session.scalar(sa.select(StageChange.seen_at)) is not None


def test_celebrations_only_touch_your_own(client, org, sign_in):
    pay(org.colleague, 200)
    db.session.commit()
    sign_in(org.staff)
    assert htmx_post(client, "/journey/celebrations").get_data(as_text=True) == ""
    assert db.session.scalar(sa.select(StageChange.seen_at)) is None


def test_journey_page(client, org, sign_in):
    services.endorse(org.sm, org.staff, stage("leader"), "Ready to lead")
    db.session.commit()
    body = sign_in(org.staff).get("/journey/").get_data(as_text=True)
    assert "The four stages" in body and "Ambassador" in body
    assert "Sofia Manager endorsed you for Leader" in body


# Endorsement screen ------------------------------------------------------------------------------------

def test_manager_endorses_from_the_screen(client, org, sign_in):
    sign_in(org.sm)
    page = client.get(f"/journey/people/{org.staff.id}/endorse")
    assert page.status_code == 200 and "Endorse Sara" in page.get_data(as_text=True)
    response = client.post(f"/journey/people/{org.staff.id}/endorse",
                           data={"stage_id": stage("leader").id, "note": "Leads by example"})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(Endorsement.note)) == "Leads by example"


def test_manager_endorse_page_speaks_to_the_manager(client, org, sign_in):
    """The journey card on the endorse page is about the associate, read by their manager: not "Your
    journey" and "your manager's endorsement" (the associate's wording)."""
    pay(org.staff, 1120)
    db.session.commit()
    sign_in(org.sm)
    body = client.get(f"/journey/people/{org.staff.id}/endorse").get_data(as_text=True)
    card = re.search(r'<section class="card journey-card".*?</section>', body, re.S).group(0)
    assert "Sara's journey" in card and "Your journey" not in card
    assert "your endorsement" in card and "your manager&#39;s endorsement" not in card
    # The associate's own card keeps their wording.
    body = sign_in(org.staff).get("/home").get_data(as_text=True)
    assert "Your journey" in body and "your manager&#39;s endorsement" in body


def test_endorsement_needs_a_note(client, org, sign_in):
    sign_in(org.sm)
    response = client.post(f"/journey/people/{org.staff.id}/endorse",
                           data={"stage_id": stage("leader").id, "note": ""})
    assert response.status_code == 422
    assert "why they are ready" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Endorsement.id))) == 0


def test_manager_of_another_store_cannot_endorse(client, org, sign_in):
    sign_in(org.other_sm)
    assert client.get(f"/journey/people/{org.staff.id}/endorse").status_code == 404
    response = client.post(f"/journey/people/{org.staff.id}/endorse",
                           data={"stage_id": stage("leader").id, "note": "Sneaky"})
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Endorsement.id))) == 0


def test_staff_cannot_endorse(client, org, sign_in):
    sign_in(org.colleague)
    assert client.post(f"/journey/people/{org.staff.id}/endorse",
                       data={"stage_id": stage("leader").id, "note": "Me too"}).status_code == 403


# Stage settings (HR) -----------------------------------------------------------------------------------

def _stage_form(stage_obj: Stage, **changes) -> dict:
    """The stage's form as the page posts it: badges and missions are ticked boxes (one value each)."""
    prefix = f"s{stage_obj.id}-"
    data = {"stage_id": stage_obj.id, "name": stage_obj.name, "description": stage_obj.description,
            "min_lifetime_points": stage_obj.min_lifetime_points,
            "required_badge_keys": list(stage_obj.required_badge_keys),
            "required_mission_ids": [str(m) for m in stage_obj.required_mission_ids],
            "level_points": stage_obj.level_points}
    if stage_obj.requires_endorsement:
        data["requires_endorsement"] = "y"
    data.update(changes)
    return {(k if k == "stage_id" else prefix + k): v for k, v in data.items()}


def _mission(title: str, *, active: bool = True):
    from tests.missions.factories import make_mission

    return make_mission(title=title, audience="journey", active=active)


def test_the_settings_list_badges_and_missions_by_name(client, org, sign_in):
    values, goals = _mission("Our values"), _mission("Your store's goals")
    _mission("An old promotion", active=False)
    db.session.commit()
    leader = stage("leader")
    body = sign_in(org.hr).get("/journey/stages").get_data(as_text=True)
    prefix = f"s{leader.id}-"
    # Ticked boxes by name, never a box for typing keys or numbers.
    assert re.search(rf'<input checked id="{prefix}required_badge_keys-\d+" name="{prefix}required_badge_keys" '
                     r'type="checkbox" value="mentor">\s*<span>Mentor</span>', body)
    assert f'name="{prefix}required_mission_ids" type="checkbox" value="{values.id}"> <span>Our values</span>' in body
    assert f'value="{goals.id}"> <span>Your store&#39;s goals</span>' in body
    assert "An old promotion" not in body
    assert "separated by commas" not in body


def test_the_badges_read_in_the_reader_s_language(client, org, sign_in):
    org.hr.locale = "it"
    db.session.commit()
    body = sign_in(org.hr).get("/journey/stages").get_data(as_text=True)
    from flask_babel import force_locale, gettext

    with force_locale("it"):
        crowd = gettext("Crowd favourite")
    assert f"<span>{crowd}</span>" in body.replace("&#39;", "'")


def test_hr_edits_stage_criteria(client, org, sign_in):
    values, goals = _mission("Our values"), _mission("Your store's goals")
    db.session.commit()
    values_id, goals_id = values.id, goals.id
    leader = stage("leader")
    sign_in(org.hr)
    assert client.get("/journey/stages").status_code == 200
    response = client.post("/journey/stages", data=_stage_form(
        leader, min_lifetime_points="1200", required_badge_keys=["mentor", "customer_hero"],
        required_mission_ids=[str(goals_id), str(values_id)]))
    assert response.status_code == 303
    db.session.expire_all()
    leader = stage("leader")
    assert leader.min_lifetime_points == 1200
    assert leader.required_badge_keys == ["mentor", "customer_hero"]
    assert leader.required_mission_ids == [goals_id, values_id]
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.target_type == "stage")) \
        == "journey.stage_updated"
    # Nothing ticked: no badge or mission needed any more.
    response = client.post("/journey/stages", data=_stage_form(
        stage("leader"), required_badge_keys=[], required_mission_ids=[]))
    assert response.status_code == 303
    db.session.expire_all()
    assert (stage("leader").required_badge_keys, stage("leader").required_mission_ids) == ([], [])


def test_a_requirement_withdrawn_since_stays_until_hr_unticks_it(client, org, sign_in):
    promo = _mission("Autumn promotion")
    leader = stage("leader")
    leader.required_mission_ids = [promo.id]
    promo.active = False
    db.session.commit()
    promo_id = promo.id
    sign_in(org.hr)
    body = client.get("/journey/stages").get_data(as_text=True)
    assert "Autumn promotion (withdrawn)" in body
    assert client.post("/journey/stages", data=_stage_form(stage("leader"), name="Leaders")).status_code == 303
    db.session.expire_all()
    assert stage("leader").required_mission_ids == [promo_id]


def _unchanged(before: dict) -> bool:
    db.session.expire_all()
    leader = stage("leader")
    return (leader.min_lifetime_points, leader.required_badge_keys, leader.required_mission_ids,
            leader.name) == before


def test_bad_stage_criteria_change_nothing(client, org, sign_in):
    withdrawn = _mission("An old promotion", active=False)
    db.session.commit()
    leader = stage("leader")
    before = (leader.min_lifetime_points, list(leader.required_badge_keys), list(leader.required_mission_ids),
              leader.name)
    sign_in(org.hr)
    badges_from_list = "Choose the badges from the list: one you picked isn&#39;t an active badge."
    missions_from_list = "Choose the missions from the list: one you picked isn&#39;t an active mission."
    cases = [
        ({"required_badge_keys": ["mentor", "unicorn"]}, badges_from_list),
        ({"required_mission_ids": ["999999"]}, missions_from_list),
        ({"required_mission_ids": [str(withdrawn.id)]}, missions_from_list),
        ({"required_mission_ids": ["four"]}, missions_from_list),
        ({"min_lifetime_points": "100"}, "fewer points than Engagement"),
        ({"min_lifetime_points": "9000"}, "more points than Ambassador"),
        ({"min_lifetime_points": "-5"}, ""),
        ({"name": ""}, "Give the stage a name"),
        ({"level_points": "0"}, ""),
    ]
    for change, message in cases:
        response = client.post("/journey/stages", data=_stage_form(leader, **change))
        assert response.status_code == 422, change
        assert message in response.get_data(as_text=True), change
        assert _unchanged(before), change


def test_first_stage_has_no_entry_criteria(client, org, sign_in):
    onboarding = stage("onboarding")
    sign_in(org.hr)
    response = client.post("/journey/stages", data=_stage_form(onboarding, min_lifetime_points="10"))
    assert response.status_code == 422
    response = client.post("/journey/stages", data=_stage_form(onboarding, name="Welcome"))
    assert response.status_code == 303


def test_stage_settings_are_for_hr_only(client, org, sign_in):
    sign_in(org.sm)
    assert client.get("/journey/stages").status_code == 403
    assert client.post("/journey/stages", data=_stage_form(stage("leader"))).status_code == 403

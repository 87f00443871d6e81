"""The phone screens: the list, the mission page and its fragments, completing through HTTP."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.missions.models import Audience, EvidenceType, MissionAssignment, StepCheck
from app.org.models import Person
from app.points.models import PointEntry
from tests.missions.factories import assign, loyalty_quiz, make_mission, today_for


def _html(response) -> str:
    return response.get_data(as_text=True)


def _paid(person) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(PointEntry.amount), 0))
                             .where(PointEntry.person_id == person.id))


def test_missions_list_page_and_fragment(client, auth, org):
    checklist = make_mission(store=org.store, title="Greet every customer",
                             steps=("Eye contact", "Smile", "Hello"))
    assignment = assign(checklist, org.staff)
    db.session.add(StepCheck(assignment_id=assignment.id, step_id=checklist.steps[0].id))
    db.session.add(StepCheck(assignment_id=assignment.id, step_id=checklist.steps[1].id))
    db.session.commit()
    auth.login(org.staff)
    page = client.get("/missions/")
    assert page.status_code == 200
    html = _html(page)
    assert "<html" in html and "Greet every customer" in html
    assert "Checklist · 2 of 3 done · due today" in html
    assert 'aria-current="page"' in html  # the Missions tab
    fragment = client.htmx_get("/missions/")
    assert fragment.status_code == 200
    assert "<html" not in _html(fragment) and 'id="mission-list"' in _html(fragment)
    assert "HX-Request" in fragment.headers.get("Vary", "")


def test_empty_list_says_what_happens_next(client, auth, org):
    auth.login(org.staff)
    assert "Your manager sets missions for your store" in _html(client.get("/missions/"))


def test_list_query_count_does_not_grow_with_missions(org, count_queries):
    from app.missions.queries import my_missions

    for n in range(2):
        assign(make_mission(store=org.store, title=f"Mission {n}", steps=("a", "b")), org.staff)
    for n in range(12):
        mission = make_mission(store=org.store, title=f"Mission {n}", steps=("a", "b"),
                               evidence_type=EvidenceType.QUIZ if n % 2 else EvidenceType.TICK)
        assign(mission, org.colleague)
    db.session.commit()
    counts = []
    for person_id in (org.staff.id, org.colleague.id):
        with count_queries() as counter:
            person = db.session.get(Person, person_id)
            sections = my_missions(person, today_for(person))
            assert [card.meta for card in sections["today"]]
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 10


def test_today_fragment_for_the_home_screen(client, auth, org):
    greet = make_mission(store=org.store, title="Greet every customer", steps=("a", "b", "c"))
    first = assign(greet, org.staff)
    assign(loyalty_quiz(store=org.store), org.staff)
    assign(make_mission(store=org.store, title="Window display photo", evidence_type=EvidenceType.PHOTO,
                        requires_approval=True, points=40), org.staff)
    assign(make_mission(store=org.store, title="A fourth one"), org.staff)
    db.session.commit()
    auth.login(org.staff)
    html = _html(client.htmx_get("/missions/today"))
    assert "Today&#39;s missions" in html or "Today's missions" in html
    assert html.count('class="list__item mission-item"') == 3
    assert "Checklist · 0 of 3 done" in html and "Quiz · 2 questions" in html
    assert "Photo · manager sign-off" in html and "+40" in html
    assert "Continue: Greet every customer" in html
    assert f'href="/missions/{first.id}"' in html


def test_todays_missions_query(org):
    from app.missions.queries import todays_missions

    assign(make_mission(store=org.store, title="Later"), org.staff, due=None)
    assign(make_mission(store=org.store, title="Now"), org.staff)
    db.session.commit()
    assert [card.mission.title for card in todays_missions(org.staff, limit=3)] == ["Now", "Later"]
    assert [card.mission.title for card in todays_missions(org.staff, limit=1)] == ["Now"]


def test_mission_page_and_fragment(client, auth, org):
    denim = make_mission(store=org.store, title="Fold the denim wall", steps=("Sizes", "Colours"))
    assignment = assign(denim, org.staff)
    db.session.commit()
    auth.login(org.staff)
    page = client.get(f"/missions/{assignment.id}")
    assert page.status_code == 200
    html = _html(page)
    assert "Fold the denim wall" in html and 'id="mission-checklist"' in html and "js/missions.js" in html
    assert "style=" not in html and "<script>" not in html  # strict CSP: no inline style or script
    fragment = client.htmx_get(f"/missions/{assignment.id}")
    assert "<html" not in _html(fragment) and 'id="mission"' in _html(fragment)


def test_someone_elses_mission_is_a_404(client, auth, org):
    assignment = assign(make_mission(store=org.store), org.colleague)
    db.session.commit()
    auth.login(org.staff)
    assert client.get(f"/missions/{assignment.id}").status_code == 404
    assert client.post(f"/missions/{assignment.id}/submit").status_code == 404
    assert client.post(f"/missions/{assignment.id}/checklist", data={"step": "1"}).status_code == 404


def test_ticking_steps_returns_the_checklist_fragment(client, auth, org):
    mission = make_mission(store=org.store, steps=("Sizes", "Colours", "Price tags"))
    assignment = assign(mission, org.staff)
    db.session.commit()
    auth.login(org.staff)
    ids = [str(step.id) for step in mission.steps]
    response = client.post(f"/missions/{assignment.id}/checklist", data={"step": ids[:2]},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = _html(response)
    assert html.lstrip().startswith('<section class="card" id="mission-checklist"')
    assert "2 of 3 done" in html
    assert len(re.findall(r"checked\s*>", html)) == 2
    # Without htmx the same post redirects back to the page.
    plain = client.post(f"/missions/{assignment.id}/checklist", data={"step": ids})
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"/missions/{assignment.id}")


def test_checklist_post_needs_csrf(client, auth, org):
    assignment = assign(make_mission(store=org.store, steps=("a",)), org.staff)
    db.session.commit()
    auth.login(org.staff)
    assert client.post(f"/missions/{assignment.id}/checklist", data={}, csrf=False).status_code == 400


def test_completing_through_the_page_pays_once(client, auth, org):
    assignment = assign(make_mission(store=org.store, points=20), org.staff)
    db.session.commit()
    auth.login(org.staff)
    first = client.post(f"/missions/{assignment.id}/submit")
    assert first.status_code == 303
    assert "Mission done — +20 points" in _html(client.get(first.headers["Location"]))
    second = client.post(f"/missions/{assignment.id}/submit")
    assert second.status_code == 303
    assert "already sent this one" in _html(client.get(second.headers["Location"]))
    assert _paid(org.staff) == 20


def test_incomplete_checklist_is_a_clear_422(client, auth, org):
    assignment = assign(make_mission(store=org.store, steps=("a", "b")), org.staff)
    db.session.commit()
    auth.login(org.staff)
    response = client.post(f"/missions/{assignment.id}/submit")
    assert response.status_code == 422
    assert "Tick every step of the checklist first." in _html(response)
    assert _paid(org.staff) == 0


def test_failed_quiz_keeps_the_answers_and_pays_nothing(client, auth, org):
    mission = loyalty_quiz(store=org.store)
    assignment = assign(mission, org.staff)
    db.session.commit()
    auth.login(org.staff)
    first, second = mission.questions
    wrong = next(o for o in second.options if not o.correct)
    right = next(o for o in first.options if o.correct)
    response = client.post(f"/missions/{assignment.id}/submit",
                           data={f"q{first.id}": right.id, f"q{second.id}": wrong.id})
    assert response.status_code == 422
    html = _html(response)
    assert "You got 1 of 2 right; 2 are needed to pass." in html
    assert re.search(rf'id="option-{wrong.id}"[^>]*checked', html)
    assert _paid(org.staff) == 0
    passed = client.post(f"/missions/{assignment.id}/submit",
                         data={f"q{first.id}": right.id,
                               f"q{second.id}": next(o for o in second.options if o.correct).id})
    assert passed.status_code == 303 and _paid(org.staff) == 30


def test_empty_text_answer_is_tied_to_the_field(client, auth, org):
    assignment = assign(make_mission(store=org.store, evidence_type=EvidenceType.TEXT), org.staff)
    db.session.commit()
    auth.login(org.staff)
    response = client.post(f"/missions/{assignment.id}/submit", data={"answer": "  "})
    assert response.status_code == 422
    html = _html(response)
    assert "Write your answer before sending it." in html
    assert re.search(r'<textarea[^>]*aria-describedby="answer-hint evidence-error"'
                     r'[^>]*aria-invalid="true"', html)


def test_sign_off_request_says_who_will_check(client, auth, org):
    assignment = assign(make_mission(store=org.store, evidence_type=EvidenceType.SIGNOFF), org.staff)
    db.session.commit()
    auth.login(org.staff)
    response = client.post(f"/missions/{assignment.id}/submit", data={"note": "Done before opening"},
                           follow_redirects=True)
    assert "Sofia will check it soon" in _html(response)
    assert db.session.get(MissionAssignment, assignment.id).status == "pending"


def test_opening_the_list_rolls_recurring_missions_over(client, auth, org):
    from app.missions.models import Recurrence

    make_mission(store=org.store, audience=Audience.STORE, recurrence=Recurrence.DAILY, title="Open the till")
    db.session.commit()
    auth.login(org.staff)
    assert "Open the till" in _html(client.get("/missions/"))
    assert db.session.scalar(sa.select(sa.func.count(MissionAssignment.id))
                             .where(MissionAssignment.person_id == org.staff.id)) == 1

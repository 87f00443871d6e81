"""Goals pages: the overview (page and fragment), one objective, check-ins over htmx, the editor, templates."""

from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.kpis.aggregation import period_bounds
from app.kpis.models import KpiDefinition
from app.okrs.models import CheckIn, KeyResult, Objective
from app.org.models import Person, Store
from tests.factories import make_store


def _quarter():
    return period_bounds("quarter", date.today())


def _cascade(org, goals):
    company = goals.objective(title="Delight every customer", owner=org.hr)
    district = goals.objective("district", title="North converts", district=org.district, parent=company,
                               owner=org.dm)
    fine = goals.objective("store", title="Duomo greets everyone", store=org.store, parent=district, owner=org.sm)
    worry = goals.objective("store", title="Monza fixes queues", store=org.sibling_store, parent=district,
                            owner=org.sibling_sm)
    goals.check_in(goals.kr(fine, title="Greeting", current=80), "on_track")
    goals.check_in(goals.kr(worry, title="Queue time", start=300, target=120, current=280), "off_track")
    db.session.commit()
    return company, district, fine, worry


def test_overview_shows_the_tree_and_what_needs_attention_first(client, org, goals, sign_in):
    company, district, fine, worry = _cascade(org, goals)
    sign_in(org.dm)

    page = client.get("/goals/")
    body = page.get_data(as_text=True)

    assert page.status_code == 200
    assert "<html" in body
    attention = body.index("Needs attention")
    tree = body.index("The cascade")
    assert attention < body.index("Monza fixes queues") < tree  # the off-track one is listed first
    in_tree = body[tree:]
    # The tree goes company → district → stores, the off-track store before the on-track one.
    assert in_tree.index("Delight every customer") < in_tree.index("North converts") < \
        in_tree.index("Monza fixes queues") < in_tree.index("Duomo greets everyone")
    assert "Off track" in body and "On track" in body


def test_overview_fragment_for_htmx(client, org, goals, sign_in):
    _cascade(org, goals)
    sign_in(org.sm)

    fragment = client.htmx_get("/goals/")
    body = fragment.get_data(as_text=True)

    assert fragment.status_code == 200
    assert "<html" not in body and "The cascade" in body
    assert "Duomo greets everyone" in body
    assert "Monza" not in body  # another store's objective is not the store manager's to see


def test_overview_empty_quarter_says_what_to_do(client, org, sign_in):
    sign_in(org.staff)
    body = client.get("/goals/?period=2031-Q2").get_data(as_text=True)
    assert "No goals for Q2 2031 yet" in body and "New objective" in body


def test_objective_page_and_fragment(client, org, goals, sign_in):
    _company, _district, fine, _worry = _cascade(org, goals)
    sign_in(org.sm)

    page = client.get(f"/goals/{fine.id}")
    fragment = client.htmx_get(f"/goals/{fine.id}")

    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert "Greeting" in fragment.get_data(as_text=True) and "Check in" in fragment.get_data(as_text=True)
    assert client.get(f"/goals/{_worry.id}").status_code == 404  # not theirs to see


def test_check_in_over_htmx_updates_the_objective(client, org, goals, sign_in):
    objective = goals.objective("person", title="Learn the new till", person=org.staff, owner=org.staff)
    kr = goals.kr(objective, title="Transactions on the new till", start=0, target=50, current=0)
    db.session.commit()
    sign_in(org.staff)

    response = client.post(f"/goals/key-results/{kr.id}/check-in", headers={"HX-Request": "true"},
                           data={"confidence": "at_risk", "value": "12.5", "comment": "Busy week"})  # in English

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Checked in" in body and "<html" not in body
    assert "25%" in body  # 12.5 of 50
    assert db.session.get(KeyResult, kr.id).current_value == 12.5


def test_check_in_with_bad_input_changes_nothing(client, org, goals, sign_in):
    kr = goals.kr(goals.objective("person", person=org.staff, owner=org.staff), start=0, target=50, current=0)
    db.session.commit()
    sign_in(org.staff)

    no_confidence = client.post(f"/goals/key-results/{kr.id}/check-in", headers={"HX-Request": "true"},
                                data={"value": "10"})
    not_a_number = client.post(f"/goals/key-results/{kr.id}/check-in", headers={"HX-Request": "true"},
                               data={"confidence": "on_track", "value": "lots"})

    assert no_confidence.status_code == 422 and "Say how confident you are" in no_confidence.get_data(as_text=True)
    assert not_a_number.status_code == 422 and "“lots” is not a number" in not_a_number.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 0


def test_staff_cannot_check_in_on_the_store_objective(client, org, goals, sign_in):
    kr = goals.kr(goals.objective("store", store=org.store, owner=org.sm))
    db.session.commit()
    sign_in(org.staff)
    response = client.post(f"/goals/key-results/{kr.id}/check-in", data={"confidence": "on_track"})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 0


def _objective_form(**values):
    start, end = _quarter()
    data = {"title": "Faster checkout", "period_start": start.isoformat(), "period_end": end.isoformat(),
            "parent_id": "0", "owner_id": "0",
            "kr-a1-id": "", "kr-a1-title": "Queue time", "kr-a1-kind": "number", "kr-a1-start": "300",
            "kr-a1-target": "120", "kr-a1-weight": "2", "kr-a1-kpi_id": "",
            "kr-b2-id": "", "kr-b2-title": "New tills live", "kr-b2-kind": "boolean", "kr-b2-start": "",
            "kr-b2-target": "", "kr-b2-weight": "1", "kr-b2-kpi_id": ""}
    data.update(values)
    return data


def test_store_manager_creates_a_store_objective(client, org, sign_in):
    sign_in(org.sm)
    assert client.get("/goals/new?level=store").status_code == 200

    response = client.post("/goals/new", data=_objective_form(level="store", store_id=str(org.store.id)))

    assert response.status_code == 303
    objective = db.session.scalar(sa.select(Objective))
    assert (objective.level, objective.store_id, objective.owner_id) == ("store", org.store.id, org.sm.id)
    assert [(kr.title, kr.kind, kr.weight) for kr in objective.key_results] == [
        ("Queue time", "number", 2), ("New tills live", "boolean", 1)]


def test_store_manager_cannot_create_for_another_store(client, org, sign_in):
    sign_in(org.sm)
    response = client.post("/goals/new", data=_objective_form(level="store", store_id=str(org.sibling_store.id)))
    assert response.status_code == 422
    assert "You can&#39;t add an objective there." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Objective)) == 0


def test_staff_cannot_create_store_objectives_but_can_create_their_own(client, org, sign_in):
    sign_in(org.staff)
    refused = client.post("/goals/new", data=_objective_form(level="store", store_id=str(org.store.id)))
    assert refused.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Objective)) == 0

    made = client.post("/goals/new", data=_objective_form(level="person", person_id=str(org.staff.id)))
    assert made.status_code == 303
    objective = db.session.scalar(sa.select(Objective))
    assert (objective.level, objective.person_id, objective.owner_id) == ("person", org.staff.id, org.staff.id)


def test_editor_shows_problems_and_keeps_the_rows(client, org, sign_in):
    sign_in(org.sm)
    start, end = _quarter()
    cases = [
        ({"kr-a1-target": "300"}, "the target must differ from the start"),
        ({"kr-a1-weight": "0"}, "the weight must be more than 0"),
        ({"period_start": end.isoformat(), "period_end": start.isoformat()}, "The period must end after it starts."),
        ({"kr-a1-start": "abc"}, "is not a number"),
    ]
    for change, message in cases:
        response = client.post("/goals/new", data=_objective_form(level="store", store_id=str(org.store.id),
                                                                  **change))
        body = response.get_data(as_text=True)
        assert response.status_code == 422, change
        assert message in body, change
        assert 'value="Queue time"' in body  # what was typed stays
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Objective)) == 0


def test_edit_removes_a_key_result_row(client, org, goals, sign_in):
    objective = goals.objective("store", title="Old", store=org.store, owner=org.sm)
    keep = goals.kr(objective, title="Keep")
    goals.kr(objective, title="Drop")
    db.session.commit()
    sign_in(org.sm)
    start, end = _quarter()
    assert client.get(f"/goals/{objective.id}/edit").status_code == 200

    response = client.post(f"/goals/{objective.id}/edit", data={
        "title": "New", "period_start": start.isoformat(), "period_end": end.isoformat(), "parent_id": "0",
        "owner_id": str(org.sm.id), "kr-x-id": str(keep.id), "kr-x-title": "Keep", "kr-x-kind": "number",
        "kr-x-start": "0", "kr-x-target": "100", "kr-x-weight": "1"})

    assert response.status_code == 303
    db.session.expire_all()
    assert [kr.title for kr in db.session.get(Objective, objective.id).key_results] == ["Keep"]


def test_key_result_row_fragment(client, org, sign_in, kpi_library):
    sign_in(org.staff)
    body = client.htmx_get("/goals/key-result-row").get_data(as_text=True)
    assert "<fieldset" in body and "Conversion rate" in body and "<html" not in body


def test_archive_hides_from_the_tree(client, org, goals, sign_in):
    objective = goals.objective("store", title="Window refresh", store=org.store, owner=org.sm)
    db.session.commit()
    sign_in(org.sm)
    assert client.post(f"/goals/{objective.id}/status", data={"status": "archived"}).status_code == 303
    assert "Window refresh" not in client.get("/goals/").get_data(as_text=True)


def test_templates_pages_apply_to_three_stores(client, org, sign_in, kpi_library):
    make_store(org.district, "Como", "CO01")
    sign_in(org.dm)
    assert client.get("/goals/templates").status_code == 200
    assert client.get("/goals/templates/new").status_code == 200
    made = client.post("/goals/templates/new", data={
        "name": "Quarter basics", "level": "store", "title": "Every customer greeted",
        "kr-a-title": "Conversion", "kr-a-kind": "kpi", "kr-a-kpi_id": str(kpi_library["conversion_rate"].id),
        "kr-a-start": "10", "kr-a-target": "13", "kr-a-weight": "1"})
    assert made.status_code == 303
    template_id = db.session.scalar(sa.text("SELECT id FROM goal_templates"))
    page = client.get(f"/goals/templates/{template_id}/apply")
    assert page.status_code == 200 and "Roma Termini" not in page.get_data(as_text=True)
    stores = db.session.scalars(sa.text("SELECT id FROM stores WHERE district_id = :d"),
                                {"d": org.district.id}).all()
    start, end = _quarter()
    form = {"target_ids": [str(store_id) for store_id in stores], "parent_id": "0",
            "period_start": start.isoformat(), "period_end": end.isoformat()}

    first = client.post(f"/goals/templates/{template_id}/apply", data=dict(form), follow_redirects=True)
    second = client.post(f"/goals/templates/{template_id}/apply", data=dict(form), follow_redirects=True)

    assert "Created 3 objectives" in first.get_data(as_text=True)
    assert "Skipped 3 that already have it" in second.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Objective)) == 3


def test_overview_query_count_does_not_grow_with_objectives(client, org, goals, sign_in, count_queries,
                                                           kpi_library):
    conversion_id, sales_id = kpi_library["conversion_rate"].id, kpi_library["sales"].id
    dm_id, staff_id, store_ids = org.dm.id, org.staff.id, (org.store.id, org.sibling_store.id)

    def add_branch(n):
        # The query counter empties the session: read everything again.
        company = db.session.scalar(sa.select(Objective).where(Objective.level == "company"))
        dm, staff = db.session.get(Person, dm_id), db.session.get(Person, staff_id)
        stores = [db.session.get(Store, store_id) for store_id in store_ids]
        conversion, sales = db.session.get(KpiDefinition, conversion_id), db.session.get(KpiDefinition, sales_id)
        district = goals.objective("district", title=f"District goal {n}", district=dm.district,
                                   parent=company, owner=dm)
        for store in stores:
            store_goal = goals.objective("store", title=f"Store goal {n}", store=store, parent=district)
            goals.check_in(goals.kr(store_goal, kind="kpi", kpi=conversion, start=10, target=13, current=None),
                           "at_risk")
            goals.kr(store_goal, title="Greeting", current=30)
        person_goal = goals.objective("person", title=f"Personal {n}", person=staff, owner=staff)
        goals.kr(person_goal, kind="kpi", kpi=sales, start=0, target=1000, current=None)
        goals.kr(district, kind="kpi", kpi=conversion, start=10, target=13, current=None)
        db.session.commit()

    goals.objective(title="Company", owner=org.hr)
    sign_in(org.dm)
    add_branch(0)
    with count_queries() as few:
        assert client.get("/goals/").status_code == 200
    for n in range(1, 6):
        add_branch(n)
    with count_queries() as many:
        assert client.get("/goals/").status_code == 200

    assert many.count == few.count, many.statements
    assert few.count <= 20

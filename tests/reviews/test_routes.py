"""The pages: HR's cycles, the review form, calibration, sign-off, history, print and CSV."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.org.models import Person, Store
from app.reviews import queries
from app.reviews.models import Review, ReviewCycle, ReviewTemplate
from tests.factories import make_person
from tests.reviews.factories import make_cycle, make_template, review_of


def _get(review_id: int) -> Review:
    db.session.expire_all()
    return db.session.get(Review, review_id)


def _form(prefix: str, action: str = "save", overall: str = "4", **ratings) -> dict:
    data = {f"{prefix}rating-customer_focus": ratings.get("customer_focus", "4"),
            f"{prefix}rating-teamwork": ratings.get("teamwork", "3"),
            f"{prefix}answer-0": "Great Saturday sales.", f"{prefix}answer-1": "", "action": action}
    if overall:
        data[f"{prefix}overall"] = overall
    return data


# -- HR ---------------------------------------------------------------------------------------------

def test_hr_creates_a_template_and_a_cycle_then_launches_it(client, sign_in, org):
    sign_in(org.hr)
    response = client.post("/reviews/templates/new", data={"name": "Store associate 2026",
                                                            "competencies": "Customer focus: listens\nTeamwork",
                                                            "questions": "What went well?"})
    assert response.status_code == 303
    template = db.session.scalar(sa.select(ReviewTemplate))
    response = client.post("/reviews/cycles/new", data={
        "name": "First half", "template_id": str(template.id), "period_start": "2026-01-01",
        "period_end": "2026-06-30", "self_due": "2026-07-10", "store_ids": [str(org.store.id)], "roles": ["staff"]})
    assert response.status_code == 303
    cycle = db.session.scalar(sa.select(ReviewCycle))
    page = client.get(f"/reviews/cycles/{cycle.id}").get_data(as_text=True)
    assert "2 people take part" in page and "Launch the cycle" in page
    assert client.post(f"/reviews/cycles/{cycle.id}/launch").status_code == 303
    db.session.expire_all()
    assert db.session.get(ReviewCycle, cycle.id).phase == "self_review"
    response = client.post(f"/reviews/cycles/{cycle.id}/advance", data={"from_phase": "self_review"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(ReviewCycle, cycle.id).phase == "manager_review"
    # A second click from the same page doesn't skip calibration.
    client.post(f"/reviews/cycles/{cycle.id}/advance", data={"from_phase": "self_review"})
    db.session.expire_all()
    assert db.session.get(ReviewCycle, cycle.id).phase == "manager_review"


def test_cycle_form_errors_are_shown(client, sign_in, org):
    sign_in(org.hr)
    make_template()
    db.session.commit()
    response = client.post("/reviews/cycles/new", data={"name": "", "period_start": "2026-06-01",
                                                        "period_end": "2026-01-01"})
    assert response.status_code == 422
    assert "Give the cycle a name." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ReviewCycle.id))) == 0


def test_participant_preview_counts(client, sign_in, org):
    sign_in(org.hr)
    response = client.htmx_get(f"/reviews/cycles/preview?roles=staff&store_ids={org.store.id}&hired_before=")
    assert response.status_code == 200
    assert "2 people take part" in response.get_data(as_text=True)


def test_cycle_detail_page_and_fragment(client, sign_in, org):
    cycle = make_cycle("manager_review", [org.staff, org.colleague])
    review_of(cycle, org.staff).self_submitted_at = review_of(cycle, org.staff).created_at
    db.session.commit()
    sign_in(org.hr)
    page = client.get(f"/reviews/cycles/{cycle.id}").get_data(as_text=True)
    assert "<html" in page and "Sara Staff" in page and "Move on to Calibration" in page
    fragment = client.htmx_get(f"/reviews/cycles/{cycle.id}").get_data(as_text=True)
    assert "<html" not in fragment and 'id="cycle-progress"' in fragment
    assert "Sara Staff" in fragment


# -- The review form --------------------------------------------------------------------------------

def test_the_person_writes_and_submits_their_self_review(client, sign_in, org):
    review = review_of(make_cycle("self_review", [org.staff]), org.staff)
    db.session.commit()
    sign_in(org.staff)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert 'name="self-rating-customer_focus"' in page and "Submit self-review" in page
    assert client.post(f"/reviews/{review.id}/self", data=_form("self-")).status_code == 303
    assert _get(review.id).self_ratings == {"customer_focus": 4, "teamwork": 3}
    assert _get(review.id).self_submitted_at is None
    response = client.post(f"/reviews/{review.id}/self", data=_form("self-", "submit", teamwork=""))
    assert response.status_code == 422
    assert "Rate “Teamwork” before you submit." in response.get_data(as_text=True)
    assert _get(review.id).self_submitted_at is None
    assert client.post(f"/reviews/{review.id}/self", data=_form("self-", "submit")).status_code == 303
    assert _get(review.id).self_submitted_at is not None


def test_review_fragment(client, sign_in, org):
    review = review_of(make_cycle("self_review", [org.staff]), org.staff)
    db.session.commit()
    sign_in(org.staff)
    fragment = client.htmx_get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "<html" not in fragment and 'id="review"' in fragment


def test_a_manager_cannot_edit_a_self_review(client, sign_in, org):
    cycle = make_cycle("self_review", [org.staff])
    review = review_of(cycle, org.staff)
    review.self_ratings = {"customer_focus": 2}
    db.session.commit()
    sign_in(org.sm)
    response = client.post(f"/reviews/{review.id}/self", data=_form("self-", "submit"))
    assert response.status_code == 404
    assert _get(review.id).self_ratings == {"customer_focus": 2}
    assert _get(review.id).self_submitted_at is None
    # The draft is private: the manager doesn't see it until it's submitted.
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert 'name="self-rating' not in page and "submitted their self-review yet" in page


def test_the_manager_reads_the_submitted_self_review_and_writes_theirs(client, sign_in, org):
    cycle = make_cycle("manager_review", [org.staff])
    review = review_of(cycle, org.staff)
    review.self_ratings, review.self_answers, review.self_overall = {"customer_focus": 5, "teamwork": 4}, \
        {"0": "I ran the window display."}, 5
    review.self_submitted_at = review.created_at
    db.session.commit()
    sign_in(org.sm)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "I ran the window display." in page and 'name="manager-rating-customer_focus"' in page
    assert 'name="self-rating' not in page  # read, never edit
    assert "Self: <strong>5 · Outstanding</strong>" in page
    # Still no way to edit the self-review in this phase, whoever asks.
    assert client.post(f"/reviews/{review.id}/self", data=_form("self-", "submit", overall="1")).status_code in (
        403, 404, 422)
    assert _get(review.id).self_overall == 5
    response = client.post(f"/reviews/{review.id}/manager", data=_form("manager-", "submit", overall="3"))
    assert response.status_code == 303
    saved = _get(review.id)
    assert (saved.overall_rating, saved.manager_answers) == (3, {"0": "Great Saturday sales."})


@pytest.mark.parametrize("who", ["staff", "colleague", "sibling_sm"])
def test_others_cannot_write_the_manager_review(client, sign_in, org, who):
    review = review_of(make_cycle("manager_review", [org.staff]), org.staff)
    db.session.commit()
    sign_in(getattr(org, who))
    response = client.post(f"/reviews/{review.id}/manager", data=_form("manager-", "submit"))
    assert response.status_code in (403, 404, 422)
    assert _get(review.id).manager_ratings == {}


def test_the_person_sees_the_manager_review_only_at_sign_off(client, sign_in, org):
    cycle = make_cycle("calibration", [org.staff])
    review = review_of(cycle, org.staff)
    review.manager_answers, review.overall_rating = {"0": "Secret until sign-off"}, 4
    review.manager_submitted_at = review.created_at
    db.session.commit()
    sign_in(org.staff)
    assert "Secret until sign-off" not in client.get(f"/reviews/{review.id}").get_data(as_text=True)
    cycle.phase = "sign_off"
    db.session.commit()
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "Secret until sign-off" in page and "Sign off my review" in page


def test_sign_off_then_every_post_is_refused(client, sign_in, org):
    cycle = make_cycle("sign_off", [org.staff])
    review = review_of(cycle, org.staff)
    review.overall_rating = 4
    review.manager_submitted_at = review.created_at
    db.session.commit()
    sign_in(org.staff)
    response = client.post(f"/reviews/{review.id}/sign-off", data={"comment": "Fair."})
    assert response.status_code == 303
    signed = _get(review.id)
    assert signed.signed_off_at is not None and signed.person_comment == "Fair."
    assert "Signed off on" in client.get(f"/reviews/{review.id}").get_data(as_text=True)
    before = (signed.self_ratings, signed.manager_ratings, signed.final_rating, signed.signed_off_at)
    for phase in ("self_review", "manager_review", "calibration", "sign_off"):
        cycle = db.session.get(ReviewCycle, review.cycle_id)
        cycle.phase = phase
        db.session.commit()
        for who, url, data in ((org.staff, f"/reviews/{review.id}/self", _form("self-", "submit")),
                               (org.sm, f"/reviews/{review.id}/manager", _form("manager-", "submit")),
                               (org.hr, f"/reviews/{review.id}/calibrate", {"rating": "1", "reason": "x"}),
                               (org.staff, f"/reviews/{review.id}/sign-off", {"comment": "Changed my mind"})):
            sign_in(who)
            assert client.post(url, data=data).status_code in (303, 403, 404, 422)
            after = _get(review.id)
            assert (after.self_ratings, after.manager_ratings, after.final_rating, after.signed_off_at) == before
            assert after.person_comment == "Fair."


# -- Calibration ------------------------------------------------------------------------------------

def _calibration_cycle(org):
    extra = make_person(store=org.sibling_store, manager=org.sibling_sm, name="Extra Sibling")
    cycle = make_cycle("calibration", [org.staff, org.colleague, org.sibling_staff, extra, org.other_staff])
    for person, rating in ((org.staff, 4), (org.colleague, 3), (org.sibling_staff, 3), (extra, None),
                           (org.other_staff, 5)):
        review_of(cycle, person).overall_rating = rating
    db.session.commit()
    return cycle


def test_distribution_across_the_district_managers_stores(org):
    cycle = _calibration_cycle(org)
    view = queries.calibration_view(org.dm, cycle)
    assert view.final.counts == {1: 0, 2: 0, 3: 2, 4: 1, 5: 0}
    assert (view.final.rated, view.final.unrated, round(view.final.average, 2)) == (3, 1, 3.33)
    assert [(row.store.name, row.final.total, row.final.counts[3]) for row in view.stores] == [
        ("Milano Duomo", 2, 1), ("Monza", 2, 1)]
    hr_view = queries.calibration_view(org.hr, cycle)
    assert hr_view.final.counts[5] == 1 and len(hr_view.stores) == 3


def test_calibration_page_and_fragment(client, sign_in, org):
    cycle = _calibration_cycle(org)
    sign_in(org.dm)
    page = client.get(f"/reviews/cycles/{cycle.id}/calibration").get_data(as_text=True)
    assert "Sara Staff" in page and "Monza" in page and "Rita Remota" not in page and "Roma Termini" not in page
    assert 'class="rv-chart"' in page and "style=" not in page
    fragment = client.htmx_get(f"/reviews/cycles/{cycle.id}/calibration").get_data(as_text=True)
    assert "<html" not in fragment and 'id="calibration-summary"' in fragment


def test_calibration_reason_required_over_htmx(client, sign_in, org):
    cycle = _calibration_cycle(org)
    review = review_of(cycle, org.staff)
    sign_in(org.dm)
    response = client.post(f"/reviews/{review.id}/calibrate", data={"rating": "5", "reason": "  "},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "the reason is required" in response.get_data(as_text=True)
    assert _get(review.id).calibrated_rating is None
    response = client.post(f"/reviews/{review.id}/calibrate", data={"rating": "5", "reason": "Best NPS in Milan"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "calibration-changed"
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="cal-{review.id}"') and "Best NPS in Milan" in body
    assert (_get(review.id).calibrated_rating, _get(review.id).calibration_reason) == (5, "Best NPS in Milan")


def test_a_district_manager_cannot_calibrate_another_district(client, sign_in, org):
    cycle = _calibration_cycle(org)
    review = review_of(cycle, org.other_staff)
    sign_in(org.dm)
    assert client.post(f"/reviews/{review.id}/calibrate", data={"rating": "1", "reason": "x"}).status_code == 404
    assert _get(review.id).calibrated_rating is None


# -- CSV --------------------------------------------------------------------------------------------

def test_cycle_csv_export(client, sign_in, org):
    cycle = make_cycle("sign_off", [org.staff, org.colleague])
    review = review_of(cycle, org.staff)
    review.self_overall, review.overall_rating, review.calibrated_rating = 4, 3, 4
    review.calibration_reason = "=HYPERLINK(\"http://evil\")"
    review.signed_off_at = review.created_at.replace(year=2026, month=7, day=20, hour=9, minute=5, second=0)
    org.colleague.full_name = "-Cosimo+ Collega"
    db.session.commit()
    sign_in(org.hr)
    response = client.get(f"/reviews/cycles/{cycle.id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data().decode("utf-8-sig").split("\r\n")
    assert lines[0] == ("Person,Employee number,Store,Manager,Self overall,Manager overall,Calibrated rating,"
                        "Calibration reason,Signed off at (Europe/Rome)")
    assert lines[1] == f"'-Cosimo+ Collega,{org.colleague.employee_number},Milano Duomo,Sofia Manager,,,,,"
    assert lines[2] == ("Sara Staff,E1001,Milano Duomo,Sofia Manager,4,3,4,"
                        "\"'=HYPERLINK(\"\"http://evil\"\")\",2026-07-20 11:05")  # 09:05 UTC


def test_csv_for_a_district_manager_has_only_their_stores(client, sign_in, org):
    cycle = _calibration_cycle(org)
    sign_in(org.dm)
    body = client.get(f"/reviews/cycles/{cycle.id}/export.csv").get_data().decode("utf-8-sig")
    assert "Sara Staff" in body and "Rita Remota" not in body and len(body.strip().split("\r\n")) == 5


# -- History ----------------------------------------------------------------------------------------

def test_history_of_every_cycle(client, sign_in, org):
    template = make_template()
    old = make_cycle("closed", [org.staff], template=template, name="Second half 2025", start=date(2025, 7, 1),
                     end=date(2025, 12, 31))
    older = make_cycle("closed", [org.staff], template=template, name="First half 2025", start=date(2025, 1, 1),
                       end=date(2025, 6, 30))
    current = make_cycle("self_review", [org.staff], template=template)
    make_cycle("draft", [org.staff], template=template, name="Not launched")
    review_of(old, org.staff).overall_rating = 4
    db.session.commit()
    assert [r.cycle_id for r in queries.my_reviews(org.staff)] == [current.id, old.id, older.id]
    sign_in(org.staff)
    page = client.get("/reviews/mine").get_data(as_text=True)
    assert page.index("First half 2026") < page.index("Second half 2025") < page.index("First half 2025")
    assert "Not launched" not in page and "Your self-review is open." in page
    fragment = client.htmx_get("/reviews/mine").get_data(as_text=True)
    assert "<html" not in fragment and 'id="my-reviews"' in fragment


def test_reviews_to_write_and_nominations(client, sign_in, org):
    from app.reviews import peers

    cycle = make_cycle("self_review", [org.staff, org.colleague])
    peer = peers.nominate(org.staff, review_of(cycle, org.staff), org.colleague.id)
    db.session.commit()
    sign_in(org.sm)
    page = client.get("/reviews/to-write").get_data(as_text=True)
    assert "Sara Staff asks Cosimo Collega" in page and "Cosimo Collega" in page
    assert client.post(f"/reviews/nominations/{peer.id}/decide", data={"approve": "1"}).status_code == 303
    sign_in(org.colleague)
    assert f"/reviews/peers/{peer.id}" in client.get("/reviews/mine").get_data(as_text=True)
    response = client.post(f"/reviews/peers/{peer.id}", data=_form("peer-", "submit", overall=""))
    assert response.status_code == 303
    sign_in(org.staff)
    page = client.get(f"/reviews/{review_of(cycle, org.staff).id}").get_data(as_text=True)
    assert "Answered" in page and "Great Saturday sales." not in page  # the person never reads peers' words
    sign_in(org.sm)
    assert "Great Saturday sales." in client.get(f"/reviews/{review_of(cycle, org.staff).id}").get_data(as_text=True)


def test_printable_review(client, sign_in, org):
    review = review_of(make_cycle("closed", [org.staff]), org.staff)
    review.overall_rating, review.manager_submitted_at = 4, review.created_at
    review.signed_off_at = review.created_at
    db.session.commit()
    sign_in(org.staff)
    page = client.get(f"/reviews/{review.id}/print").get_data(as_text=True)
    assert "Save as PDF" in page and "Sara Staff" in page and "4</span> Strong" in page


# -- Query counts -----------------------------------------------------------------------------------

def _count(client, count_queries, url) -> int:
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


@pytest.mark.parametrize("page", ["cycles/{id}", "cycles/{id}/calibration", "cycles/{id}/export.csv"])
def test_cycle_pages_do_not_grow_with_reviews(client, sign_in, count_queries, org, page):
    cycle = make_cycle("calibration", [org.staff])
    first = review_of(cycle, org.staff)
    first.overall_rating, first.calibrated_rating, first.calibration_reason = 3, 4, "x"
    first.calibrated_by_id = org.hr.id
    db.session.commit()
    sign_in(org.hr)
    url = "/reviews/" + page.format(id=cycle.id)
    hr_id, store_id, manager_id = org.hr.id, org.sibling_store.id, org.sibling_sm.id
    small = _count(client, count_queries, url)
    store, manager = db.session.get(Store, store_id), db.session.get(Person, manager_id)
    for _ in range(6):
        person = make_person(store=store, manager=manager)
        review = Review(cycle_id=cycle.id, person_id=person.id, manager_id=person.manager_id, store_id=person.store_id,
                        self_ratings={}, self_answers={}, manager_ratings={}, manager_answers={}, overall_rating=3,
                        calibrated_rating=4, calibrated_by_id=hr_id, calibration_reason="x")
        db.session.add(review)
    db.session.commit()
    assert _count(client, count_queries, url) == small

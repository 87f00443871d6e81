import sqlalchemy as sa

from app.extensions import db
from app.feedback import services
from app.feedback.models import CompanyValue, Feedback


def test_inbox_page_and_fragments(client, sign_in, org):
    services.give_kudos(org.sm, org.staff.id, "Brilliant window display")
    services.request_feedback(org.colleague, org.staff.id, "How was my greeting?")
    db.session.commit()
    sign_in(org.staff)
    page = client.get("/feedback/")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    assert "Brilliant window display" in page.get_data(as_text=True)
    fragment = client.htmx_get("/feedback/?tab=requests")
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and "How was my greeting?" in body
    for tab in ("given", "upward"):
        assert client.htmx_get(f"/feedback/?tab={tab}").status_code == 200


def test_give_kudos_page_preselects_the_receiver(client, sign_in, org):
    sign_in(org.sm)
    body = client.get(f"/feedback/kudos?to={org.staff.id}").get_data(as_text=True)
    assert f'<option selected value="{org.staff.id}">' in body or f'value="{org.staff.id}" selected' in body
    assert org.sibling_staff.full_name not in body


def test_give_kudos_posts_and_celebrates(client, sign_in, org, company_values):
    sign_in(org.staff)
    response = client.post("/feedback/kudos", data={
        "receiver_id": org.colleague.id, "message": "Saved the Saturday rush", "visibility": "public",
        "value_id": company_values["teamwork"].id, "points": "5"})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(Feedback)).points == 5
    assert "sent=" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kudos sent" in page and "confetti" in page


def test_give_kudos_to_self_shows_the_message_and_changes_nothing(client, sign_in, org):
    sign_in(org.staff)
    response = client.post("/feedback/kudos", data={"receiver_id": org.staff.id, "message": "Me!",
                                                    "visibility": "public", "points": "0"})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Feedback.id))) == 0


def test_over_budget_shows_the_message(client, sign_in, org, app):
    app.config["KUDOS_MONTHLY_BUDGET"] = 10
    services.give_kudos(org.staff, org.colleague.id, "First", points=10)
    db.session.commit()
    sign_in(org.staff)
    response = client.post("/feedback/kudos", data={"receiver_id": org.colleague.id, "message": "Second",
                                                    "visibility": "public", "points": "5"})
    assert response.status_code == 422
    assert "0 of 10 points left" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Feedback.id))) == 1


def test_request_answer_and_cancel_routes(client, sign_in, org):
    sign_in(org.staff)
    assert client.post("/feedback/ask", data={"asked_id": org.sm.id, "question": "How did my pitch go?"}
                       ).status_code == 303
    assert client.post("/feedback/ask", data={"asked_id": org.colleague.id, "question": "And mine?"}
                       ).status_code == 303
    from app.feedback.models import FeedbackRequest

    to_sm, to_colleague = db.session.scalars(sa.select(FeedbackRequest).order_by(FeedbackRequest.id)).all()
    assert client.post(f"/feedback/requests/{to_colleague.id}/cancel").status_code == 303
    db.session.refresh(to_colleague)
    assert to_colleague.status == "cancelled"
    assert client.get(f"/feedback/requests/{to_sm.id}/answer").status_code == 404  # not asked of staff
    sign_in(org.sm)
    assert client.get(f"/feedback/requests/{to_sm.id}/answer").status_code == 200
    assert client.post(f"/feedback/requests/{to_sm.id}/answer", data={"message": ""}).status_code == 422
    assert client.post(f"/feedback/requests/{to_sm.id}/answer", data={"message": "Nice!"}).status_code == 303
    assert client.post(f"/feedback/requests/{to_colleague.id}/cancel").status_code == 404


def test_upward_routes(client, sign_in, org):
    sign_in(org.staff)
    assert client.post("/feedback/upward/new", data={"audience": "manager", "body": "More training?",
                                                     "anonymous": "y"}).status_code == 303
    from app.feedback.models import UpwardMessage

    message = db.session.scalar(sa.select(UpwardMessage))
    assert message.anonymous and message.author_id == org.staff.id
    assert client.post(f"/feedback/upward/{message.id}/answer", data={"answer": "x"}).status_code == 404
    sign_in(org.sm)
    assert client.post(f"/feedback/upward/{message.id}/answer", data={"answer": ""}).status_code == 422
    assert client.post(f"/feedback/upward/{message.id}/answer",
                       data={"answer": "Yes, on Tuesdays.", "share": "y"}).status_code == 303
    db.session.refresh(message)
    assert message.shared and message.answer == "Yes, on Tuesdays."


def test_company_values_settings(client, sign_in, org, company_values):
    sign_in(org.hr)
    assert client.get("/feedback/values").status_code == 200
    assert client.post("/feedback/values", data={"name": "Curiosity"}).status_code == 303
    assert client.post("/feedback/values", data={"name": "curiosity"}).status_code == 422
    value = company_values["teamwork"]
    assert client.post(f"/feedback/values/{value.id}", data={"name": "Team spirit"}).status_code == 303
    assert client.post(f"/feedback/values/{value.id}/active", data={"active": "0"}).status_code == 303
    db.session.refresh(value)
    assert value.name == "Team spirit" and not value.active
    assert db.session.scalar(sa.select(CompanyValue).where(CompanyValue.name == "Curiosity"))
    sign_in(org.sm)
    assert client.get("/feedback/values").status_code == 403

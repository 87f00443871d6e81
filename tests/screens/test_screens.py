"""TV mode: screen links (created once, stored hashed, revocable), the TV page and its fragment, the
socket authenticator, and what a TV must never show."""

import hashlib
import re
import sys
import types
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.extensions import db, socketio
from app.screens import services
from app.screens.models import ScreenToken


def _create(org, name="Back office TV", store=None):
    created = services.create_screen(org.sm, (store or org.store).id, name)
    db.session.commit()
    return created


def _token_from(body: str) -> str:
    return re.search(r"/tv/(tv_[A-Za-z0-9_\-]+)", body).group(1)


def test_store_manager_creates_a_screen_link_shown_once(client, org, sign_in):
    sign_in(org.sm)
    assert client.get("/tv/screens").status_code == 200
    response = client.post("/tv/screens", data={"name": "Back office TV", "store_id": str(org.store.id)})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Back office TV" in body
    token = _token_from(body)
    screen = db.session.scalar(sa.select(ScreenToken))
    assert screen.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in screen.token_hash
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.target_type == "screen")) == "screen.created"
    assert token not in client.get("/tv/screens").get_data(as_text=True)  # never shown again


def test_bad_input_changes_nothing(client, org, sign_in):
    sign_in(org.sm)
    response = client.post("/tv/screens", data={"name": "  ", "store_id": str(org.store.id)})
    assert response.status_code == 422 and "Name the screen" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScreenToken)) == 0


def test_store_manager_cannot_manage_another_store_screens(client, org, sign_in):
    sign_in(org.sm)
    response = client.post("/tv/screens", data={"name": "Sneaky", "store_id": str(org.sibling_store.id)})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScreenToken)) == 0
    theirs = services.create_screen(org.sibling_sm, org.sibling_store.id, "Monza TV")
    db.session.commit()
    assert "Monza TV" not in client.get("/tv/screens").get_data(as_text=True)
    assert client.get(f"/tv/screens/{theirs.screen.id}/revoke").status_code == 404
    assert client.post(f"/tv/screens/{theirs.screen.id}/revoke").status_code == 404
    assert db.session.get(ScreenToken, theirs.screen.id).revoked_at is None


def test_district_manager_manages_screens_of_their_district(client, org, sign_in):
    sign_in(org.dm)
    response = client.post("/tv/screens", data={"name": "Monza TV", "store_id": str(org.sibling_store.id)})
    assert response.status_code == 200
    response = client.post("/tv/screens", data={"name": "Roma TV", "store_id": str(org.other_store.id)})
    assert response.status_code == 422


def test_staff_cannot_manage_screens(client, org, sign_in):
    sign_in(org.staff)
    assert client.get("/tv/screens").status_code == 403
    assert client.post("/tv/screens", data={"name": "X", "store_id": str(org.store.id)}).status_code == 403


def test_revoke_with_confirmation_then_the_tv_is_gone(client, org, sign_in):
    created = _create(org)
    url = f"/tv/{created.token}"
    assert client.get(url).status_code == 200
    sign_in(org.sm)
    confirm = client.get(f"/tv/screens/{created.screen.id}/revoke")
    assert confirm.status_code == 200 and "Revoke the link" in confirm.get_data(as_text=True)
    assert client.post(f"/tv/screens/{created.screen.id}/revoke").status_code == 303
    assert db.session.get(ScreenToken, created.screen.id).revoked_at is not None
    response = client.get(url)
    assert response.status_code == 404
    assert "doesn't work any more" in response.get_data(as_text=True)
    assert client.htmx_get(f"{url}/board").status_code == 404


def test_unknown_tokens_are_404(client, org):
    for token in ("tv_nope", "nope", "tv_" + "x" * 200):
        assert client.get(f"/tv/{token}").status_code == 404
        assert client.get(f"/tv/{token}/board").status_code == 404


@dataclass
class _Row:
    rank: int
    display_name: str
    points: int


@pytest.fixture
def fake_sections(monkeypatch, org):
    """Stand-ins for the leaderboard, challenges and KPI functions other features provide."""
    def store_top(store_id, period, limit):
        assert period == "week" and limit == 10
        return [_Row(1, org.staff.display_name, 120), _Row(2, org.colleague.display_name, 80)]

    def running_for_store(store_id):
        return [types.SimpleNamespace(title="Window week", ends_at=None,
                                      top=[types.SimpleNamespace(display_name=org.staff.display_name, score=9)])]

    def today_tiles(store_id):
        return [types.SimpleNamespace(name="Sales", value_display="€ 3.200", target_display="€ 3.000",
                                      status="on_track")]

    for name, function in (("app.leaderboards.queries", store_top), ("app.challenges.queries", running_for_store),
                           ("app.kpis.queries", today_tiles)):
        module = types.ModuleType(name)
        setattr(module, function.__name__, function)
        monkeypatch.setitem(sys.modules, name, module)


def test_tv_page_and_fragment_show_display_names_only(client, org, fake_sections):
    created = _create(org)
    page = client.get(f"/tv/{created.token}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'class="tv"' in body and 'class="tabs"' not in body  # its own layout, not the app shell
    assert "Milano Duomo" in body and "Sara S." in body and "Window week" in body and "On track" in body
    for person in (org.staff, org.colleague, org.sm):
        assert person.full_name not in body
        assert person.email not in body
        assert person.employee_number not in body
    assert "<script>" not in body and "style=" not in body
    fragment = client.htmx_get(f"/tv/{created.token}/board")
    assert fragment.status_code == 200
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and "Sara S." in text and org.staff.full_name not in text


def test_tv_sections_are_empty_when_a_feature_is_missing(client, org, monkeypatch):
    for name in ("app.leaderboards.queries", "app.challenges.queries", "app.kpis.queries"):
        monkeypatch.setitem(sys.modules, name, None)  # import fails
    created = _create(org)
    body = client.get(f"/tv/{created.token}").get_data(as_text=True)
    assert "This screen is connected" in body


def test_last_seen_is_updated_at_most_once_a_minute(client, org, count_queries):
    created = _create(org)
    screen_id = created.screen.id
    client.get(f"/tv/{created.token}")
    first = db.session.get(ScreenToken, screen_id).last_seen_at
    assert first is not None
    client.get(f"/tv/{created.token}/board")
    db.session.expire_all()
    assert db.session.get(ScreenToken, screen_id).last_seen_at == first
    db.session.get(ScreenToken, screen_id).last_seen_at = first - timedelta(minutes=2)
    db.session.commit()
    client.get(f"/tv/{created.token}/board")
    db.session.expire_all()
    assert db.session.get(ScreenToken, screen_id).last_seen_at > first - timedelta(minutes=2)


def test_socket_authenticator_accepts_a_live_token_only(app, org):
    created = _create(org)
    assert services.socket_rooms({"screen": created.token}) == [f"store:{org.store.id}",
                                                                f"screen:{created.screen.id}"]
    assert services.socket_rooms({"screen": "tv_unknown"}) is None
    assert services.socket_rooms({}) is None

    live = socketio.test_client(app, auth={"screen": created.token})
    assert live.is_connected()
    socketio.emit("board-changed", {}, to=f"store:{org.store.id}")
    assert any(message["name"] == "board-changed" for message in live.get_received())
    live.disconnect()

    assert not socketio.test_client(app, auth={"screen": "tv_unknown"}).is_connected()
    services.revoke_screen(org.sm, db.session.get(ScreenToken, created.screen.id))
    db.session.commit()
    assert not socketio.test_client(app, auth={"screen": created.token}).is_connected()


def test_a_screen_socket_hears_only_its_store(app, org):
    created = _create(org)
    live = socketio.test_client(app, auth={"screen": created.token})
    socketio.emit("board-changed", {}, to=f"store:{org.other_store.id}")
    assert live.get_received() == []
    live.disconnect()


def test_tv_with_the_real_sections_shows_display_names_only(client, org, kpi_library):
    from app.points import ledger

    ledger.award(org.staff, 30, source_type="api", reason="Sale", idempotency_key="tv:1")
    ledger.award(org.other_staff, 50, source_type="api", reason="Sale", idempotency_key="tv:2")
    db.session.commit()
    created = _create(org)
    body = client.get(f"/tv/{created.token}").get_data(as_text=True)
    assert "Milano Duomo" in body
    for person in (org.staff, org.colleague, org.sm, org.other_staff):
        assert person.full_name not in body and person.email not in body
    assert org.other_staff.display_name not in body  # another store's board never shows here

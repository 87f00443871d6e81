"""Sockets outlive access (item 8), for TV screens: revoking a screen's link disconnects its open
sockets once the revocation commits, and a screen socket asking to (re)join is checked again."""

import sqlalchemy as sa

from app.core import realtime
from app.core.models import utcnow
from app.extensions import db, socketio
from app.screens import services
from app.screens.models import ScreenToken


def _create(org, name="Back office TV"):
    created = services.create_screen(org.sm, org.store.id, name)
    db.session.commit()
    return created


def tv_socket(app, token: str):
    with app.app_context():  # each socket event in its own app context, as on the real server
        socket = socketio.test_client(app, auth={"screen": token})
    assert socket.is_connected()
    return socket


def board_changed_reaches(socket, org) -> bool:
    socket.queue[:] = []
    realtime.notify(realtime.store_room(org.store.id), "board-changed")
    return "board-changed" in [event["name"] for event in socket.queue]


def revoke(org, screen_id: int) -> None:
    assert services.revoke_screen(org.sm, db.session.get(ScreenToken, screen_id))


def test_sockets_outlive_access_revoking_a_screen_disconnects_it_and_only_it(app, org):
    revoked, kept = _create(org, "Back office TV"), _create(org, "Shop floor TV")
    revoked_socket, kept_socket = tv_socket(app, revoked.token), tv_socket(app, kept.token)

    revoke(org, revoked.screen.id)
    assert revoked_socket.is_connected()  # not before commit
    db.session.commit()

    assert not revoked_socket.is_connected()
    assert not board_changed_reaches(revoked_socket, org)
    assert kept_socket.is_connected()  # the store's other screen carries on
    assert board_changed_reaches(kept_socket, org)


def test_sockets_outlive_access_a_rolled_back_revocation_cuts_nothing(app, org):
    created = _create(org)
    socket = tv_socket(app, created.token)

    revoke(org, created.screen.id)
    db.session.rollback()

    assert socket.is_connected()
    assert board_changed_reaches(socket, org)


def test_sockets_outlive_access_a_revoked_screen_cannot_rejoin(app, org):
    """The cut can be lost (Redis down at that moment): the next join asks the database again. A bulk
    UPDATE stands in for the lost cut, as it bypasses the service."""
    created = _create(org)
    socket = tv_socket(app, created.token)
    db.session.execute(sa.update(ScreenToken).where(ScreenToken.id == created.screen.id)
                       .values(revoked_at=utcnow()))
    db.session.commit()
    assert socket.is_connected()

    with app.app_context():
        socket.emit("rejoin")

    assert not socket.is_connected()
    assert not board_changed_reaches(socket, org)


def test_sockets_outlive_access_a_live_screen_rejoins(app, org):
    socket = tv_socket(app, _create(org).token)

    with app.app_context():
        socket.emit("rejoin")

    assert socket.is_connected()
    assert board_changed_reaches(socket, org)


def test_a_screen_watches_its_stores_board_and_no_other(app, org):
    from app.leaderboards import live

    socket = tv_socket(app, _create(org).token)
    own = realtime.watch_room(live.EVENT, realtime.store_room(org.store.id))
    other = realtime.watch_room(live.EVENT, realtime.store_room(org.other_store.id))
    company = realtime.watch_room(live.EVENT, realtime.COMPANY_ROOM)

    with app.app_context():
        assert socket.emit("watch", {"rooms": [own, other, company]}, callback=True) == [own]
    socket.queue[:] = []
    realtime.notify(own, live.EVENT)
    realtime.notify(other, live.EVENT)
    realtime.notify(company, live.EVENT)
    assert [event["name"] for event in socket.queue] == [live.EVENT]


def test_the_tv_page_names_its_stores_board(app, org):
    from app.leaderboards import live

    response = app.test_client().get(f"/tv/{_create(org).token}")
    assert f'data-live-watch="{realtime.watch_room(live.EVENT, realtime.store_room(org.store.id))}"' in response.text

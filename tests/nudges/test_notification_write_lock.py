"""Opening a notification is a GET that writes (it marks the notification read): on SQLite it must hold
the write lock from its first statement, or a colleague's write committed meanwhile fails it with
"database is locked"."""

import sqlite3
import threading

import pytest
import sqlalchemy as sa

from app import nudges
from app.extensions import db
from app.nudges import queries
from app.nudges.models import Notification
from app.org.models import Person
from tests.core.support import sign_in


def test_opening_a_notification_is_not_database_is_locked_under_concurrent_writes(app, org, database_url,
                                                                                     monkeypatch):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only: PostgreSQL locks rows, not the whole database")
    notification_id = nudges.send(org.staff.id, "badge_earned", "/badges/", badge="Mentor").id
    colleague_id = org.colleague.id
    client = app.test_client()
    sign_in(client, org.staff)
    db.session.commit()  # outside a request even a read takes the write lock: let it go before the race
    found_by = queries.own_notification
    other_writer = []

    def a_colleague_writes_meanwhile(person_id, wanted_id):
        """Between the request's first read (signing in) and its write, another connection commits a
        write, as a busy store does. It can only when the request does not hold the write lock yet."""
        found = found_by(person_id, wanted_id)
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=0)
        try:
            connection.execute("UPDATE people SET full_name = 'Colleague Renamed' WHERE id = ?", (colleague_id,))
            connection.commit()
            other_writer.append("wrote")
        except sqlite3.OperationalError:  # database is locked: it waits for the request, as it should
            other_writer.append("waits")
        finally:
            connection.close()
        return found

    monkeypatch.setattr(queries, "own_notification", a_colleague_writes_meanwhile)
    responses = []
    # A thread of its own: the request gets its own app context and database session, as in production.
    thread = threading.Thread(target=lambda: responses.append(client.get(f"/notifications/{notification_id}")))
    thread.start()
    thread.join(timeout=60)

    assert other_writer == ["waits"]
    assert responses[0].status_code == 303
    db.session.rollback()
    assert db.session.get(Notification, notification_id).read_at is not None
    assert db.session.scalar(sa.select(Person.full_name).where(Person.id == colleague_id)) != "Colleague Renamed"

"""Migration 0021 on an existing database: the three badges nothing could trigger become HR's to give, and
kudos already received in the app are counted for the kudos badges, once (SQLite and PostgreSQL)."""


import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.badges.models import BadgeDefinition, BadgeEvent
from app.extensions import db
from app.feedback.models import Feedback
from tests import factories
from tests.conftest import _test_config
from tests.core.test_migrations import scratch_postgres


def _check(url: str, instance) -> None:
    app = create_app(_test_config(url, instance))
    with app.app_context():
        try:
            # The rows are written with today's models (at head), then the schema goes back to just before
            # 0021: later migrations add columns the factories fill, so the data can't be written at 0020.
            upgrade()
            giver, receiver = factories.make_person(), factories.make_person()
            kudos = Feedback(kind="kudos", giver_id=giver.id, receiver_id=receiver.id, message="Thanks",
                             visibility="private", points=0)
            db.session.add_all([kudos, Feedback(kind="feedback", giver_id=giver.id, receiver_id=receiver.id,
                                                message="Try this", visibility="private", points=0)])
            db.session.commit()
            receiver_id, kudos_id = receiver.id, kudos.id
            db.session.close()
            downgrade(revision="0020_kpi_valid_range")
            upgrade(revision="0021_correctness")
            db.session.expire_all()
            spark = db.session.scalar(sa.select(BadgeDefinition).where(BadgeDefinition.key == "idea_spark"))
            assert (spark.criterion, spark.event_type, spark.threshold, spark.granters) == ("manual", None, None,
                                                                                         ["hr"])
            events = db.session.execute(sa.select(BadgeEvent.person_id, BadgeEvent.event_type, BadgeEvent.source_key))
            assert list(events) == [(receiver_id, "kudos_received", f"kudos:{kudos_id}")]
        finally:
            db.session.remove()
            db.engine.dispose()


def test_kudos_received_in_the_app_count_toward_team_player_after_migration_on_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path / 'existing.db'}", tmp_path)


def test_kudos_received_in_the_app_count_toward_team_player_after_migration_on_postgresql(tmp_path):
    with scratch_postgres("ascent_0021") as url:
        _check(url, tmp_path)

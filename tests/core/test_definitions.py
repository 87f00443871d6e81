"""Definitions kept by the process (app/core/definitions.py): correct across processes, here two apps on one
database, because every change bumps a version row in its own transaction."""

import pytest
import sqlalchemy as sa

from app import create_app
from app.api import tokens
from app.api.models import ApiToken
from app.badges.models import BadgeDefinition, Criterion
from app.badges.services import RULES
from app.challenges.jobs import runs_points_challenge
from app.challenges.models import Challenge, Status
from app.core.definitions import DefinitionVersion
from app.extensions import db
from app.journey.services import STAGES
from tests.challenges.helpers import make_challenge
from tests.conftest import _test_config


@pytest.fixture
def other_app(database_url, tmp_path):
    """A second app on the test's database: another process, as far as its caches go."""
    other = create_app(_test_config(database_url, tmp_path / "other"))
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def _thresholds() -> dict[int, int | None]:
    thresholds = {rule.id: rule.threshold for rule in RULES.get()}
    db.session.commit()  # end the read: a transaction waiting on SQLite's write lock would block the other app
    return thresholds


def _badge(threshold: int = 100) -> int:
    badge = BadgeDefinition(key=f"points-{threshold}", name="Points", image="star.svg",
                            criterion=Criterion.LIFETIME_POINTS, threshold=threshold)
    db.session.add(badge)
    db.session.commit()
    return badge.id


def _version(name: str) -> int:
    version = db.session.scalar(sa.select(DefinitionVersion.version).where(DefinitionVersion.name == name)) or 0
    db.session.commit()
    return version


def test_an_hr_edit_in_one_app_is_seen_by_another_on_the_same_database(app, other_app):
    badge_id = _badge(100)
    assert _thresholds() == {badge_id: 100}  # kept by this app from now on
    with other_app.app_context():
        assert _thresholds() == {badge_id: 100}
        db.session.get(BadgeDefinition, badge_id).threshold = 250
        db.session.commit()
        assert _thresholds() == {badge_id: 250}
    assert _thresholds() == {badge_id: 250}


def test_a_badge_added_or_removed_elsewhere_is_seen(app, other_app):
    first = _badge(100)
    assert set(_thresholds()) == {first}
    with other_app.app_context():
        second = _badge(200)
    assert set(_thresholds()) == {first, second}
    with other_app.app_context():
        db.session.delete(db.session.get(BadgeDefinition, first))
        db.session.commit()
    assert set(_thresholds()) == {second}


def test_a_token_revoked_in_one_app_is_refused_by_the_other(app, other_app, org):
    created = tokens.create_token(None, "Tills", all_stores=True, store_ids=[])
    db.session.commit()
    token_id = created.token.id
    assert tokens.authenticate(created.secret).id == token_id
    db.session.commit()
    with other_app.app_context():
        tokens.revoke_token(None, db.session.get(ApiToken, token_id))
        db.session.commit()
    assert tokens.authenticate(created.secret) is None


def test_a_challenge_started_by_a_guarded_update_is_seen(app, other_app, org):
    challenge_id, store_id = make_challenge([org.store], status=Status.SCHEDULED).id, org.store.id
    db.session.commit()
    assert not runs_points_challenge(store_id)
    db.session.commit()
    with other_app.app_context():
        # The lifecycle's own kind of write: a Core UPDATE through the session, no ORM object changed.
        db.session.execute(sa.update(Challenge).where(Challenge.id == challenge_id).values(status=Status.RUNNING),
                           execution_options={"synchronize_session": False})
        db.session.commit()
    assert runs_points_challenge(store_id)


def test_a_change_is_read_in_its_own_transaction_and_a_rollback_leaves_nothing_behind(app):
    badge_id = _badge(100)
    assert _thresholds() == {badge_id: 100}
    db.session.get(BadgeDefinition, badge_id).threshold = 300
    db.session.flush()
    assert {rule.id: rule.threshold for rule in RULES.get()} == {badge_id: 300}  # this transaction's view
    db.session.rollback()
    assert _thresholds() == {badge_id: 100}


def test_a_write_that_changes_no_definition_bumps_nothing(app, org):
    token_id = tokens.create_token(None, "Tills", all_stores=True, store_ids=[]).token.id
    db.session.commit()
    before = _version("api_tokens")
    tokens.touch(token_id)  # when a token was last used is no definition
    db.session.commit()
    assert _version("api_tokens") == before


def test_stages_are_plain_values_shared_by_requests(app, journey_defaults):
    stages = STAGES.get()
    db.session.commit()
    assert [stage.key for stage in stages] == ["onboarding", "engagement", "leader", "ambassador"]
    assert STAGES.get() is stages  # the same tuple, not a new read
    assert all(not isinstance(stage, db.Model) for stage in stages)


def test_definitions_made_again_after_their_versions_were_emptied_are_read_again(app):
    """A database emptied (between tests) or restored from a backup loses its version rows; definitions
    made again must not match what the process kept under an old version (found on PostgreSQL, whose
    ids don't start again after a DELETE: a kept badge id pointed at nothing)."""
    first = _badge(100)
    assert set(_thresholds()) == {first}
    for table in (BadgeDefinition.__table__, DefinitionVersion.__table__):
        db.session.execute(table.delete())
    db.session.commit()
    second = _badge(200)
    assert _thresholds() == {second: 200}

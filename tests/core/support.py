"""Helpers for the core tests: the app's URL map, read once at collection time so tests can be
parametrized from it; a test value for every URL argument; signing in without a password check.

The app built for the URL map never connects to its (in-memory) database: only its routes are read."""

import contextlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from flask import has_app_context

from app import create_app
from app.auth import services as auth_services
from app.extensions import db
from app.org.models import Person
from tests.conftest import AscentClient, _test_config
from tests.core.matrix import merged


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    methods: frozenset[str]
    arguments: frozenset[str]


@cache
def routes() -> tuple[Route, ...]:
    """Every rule except static files, in a stable order."""
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(_test_config("sqlite://", Path(instance)))
        found = tuple(sorted(
            (Route(rule.endpoint, rule.rule, frozenset(rule.methods - {"HEAD", "OPTIONS"}),
                   frozenset(rule.arguments))
             for rule in app.url_map.iter_rules() if not is_static(rule.endpoint)),
            key=lambda route: (route.endpoint, route.rule),
        ))
    return found


def route(endpoint: str) -> Route:
    return next(found for found in routes() if found.endpoint == endpoint)


# Test values for URL arguments -------------------------------------------------------------------
# Each maker receives the org and the person the request names (None for routes that name nobody)
# and returns {argument: value}: the objects it creates belong to that person, or to their store.
# Feature modules are imported inside the makers, so a feature being reworked breaks only its cases.

# A real 1×1 PNG: uploads are decoded (app/core/images.py), so a PNG whose pixel data is short won't do.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8cfc0f01f00050001ff89993d1d0000000049454e44ae426082")


def _invite_token(org, _person) -> dict:
    """A real, open invite for someone in another district who has never signed in (invites are only
    for them): the token is the credential."""
    org.other_staff.password_hash = None
    token = auth_services.issue_invite(org.other_staff, issued_by=org.other_sm, valid_days=14)
    db.session.commit()
    return {"token": token}


def _award(person, points: int = 5) -> int:
    import uuid

    from app.points import ledger

    result = ledger.award(person, points, source_type="api", reason="Sale of the week",
                          idempotency_key=f"test:{uuid.uuid4().hex}")
    db.session.commit()
    return result.entry.id


def _point_entry(_org, person) -> dict:
    """Points paid to `person` by a store system, so that the entry is theirs."""
    return {"entry_id": _award(person)}


def _point_dispute(_org, person) -> dict:
    """An open question from `person` about one of their own entries."""
    from app.points import disputes
    from app.points.models import PointEntry

    entry = db.session.get(PointEntry, _award(person))
    dispute = disputes.open_dispute(person, entry, "I think this is wrong")
    db.session.commit()
    return {"dispute_id": dispute.id}


def _mission(person, *, requires_approval: bool = False, evidence_type: str = "tick"):
    """A mission of `person`'s store (an org-wide one when they have no store)."""
    from datetime import date

    from app.missions.models import Mission

    mission = Mission(title="Window display", description="Dress the window.", points=10,
                      evidence_type=evidence_type, requires_approval=requires_approval,
                      store_id=person.store_id, start_date=date.today())
    db.session.add(mission)
    db.session.flush()
    return mission


def _mission_id(_org, person) -> dict:
    mission = _mission(person)
    db.session.commit()
    return {"mission_id": mission.id}


def _assignment(person, status: str = "open"):
    from datetime import date

    from app.missions.models import MissionAssignment

    mission = _mission(person, requires_approval=status == "pending", evidence_type="photo")
    assignment = MissionAssignment(mission_id=mission.id, person_id=person.id, period_start=date.today(),
                                   status=status)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def _assignment_id(_org, person) -> dict:
    assignment = _assignment(person)
    db.session.commit()
    return {"assignment_id": assignment.id}


def _submission_id(_org, person) -> dict:
    """Photo evidence from `person`, waiting for sign-off; the photo file exists."""
    from app.missions import evidence
    from app.missions.models import MissionSubmission

    assignment = _assignment(person, status="pending")
    submission = MissionSubmission(assignment_id=assignment.id, person_id=person.id, status="pending",
                                   photo_path=evidence.store_photo(assignment.id, TINY_PNG, "png"),
                                   photo_type="image/png", photo_bytes=len(TINY_PNG))
    db.session.add(submission)
    db.session.commit()
    return {"submission_id": submission.id}


def _journey(org, _person) -> dict:
    """An onboarding journey with one step (HR's, names nobody)."""
    from app.missions.models import JourneyStep, OnboardingJourney

    journey = OnboardingJourney(name="First weeks", description="Welcome aboard.")
    db.session.add(journey)
    db.session.flush()
    step = JourneyStep(journey_id=journey.id, mission_id=_mission(org.admin).id, position=1, due_after_days=7)
    db.session.add(step)
    db.session.commit()
    return {"journey_id": journey.id, "step_id": step.id}


def _reward(*, stores: list | None = None, picture: bool = False):
    """Offered in every store, unless `stores` lists where."""
    from app.rewards import pictures
    from app.rewards.models import Reward

    reward = Reward(name="Cinema ticket", description="Two seats.", cost=10, stock=None,
                    per_person_limit=None, all_stores=stores is None, stores=stores or [],
                    image_filename=pictures.save_picture(TINY_PNG) if picture else None)
    db.session.add(reward)
    db.session.flush()
    return reward


def _reward_id(_org, person) -> dict:
    """A reward offered only in `person`'s store (in no store when they have none)."""
    reward = _reward(stores=[person.store] if person.store else [])
    db.session.commit()
    return {"reward_id": reward.id}


def _reward_with_picture(_org, _person) -> dict:
    reward = _reward(picture=True)
    db.session.commit()
    return {"reward_id": reward.id}


def _redemption_id(_org, person) -> dict:
    """`person` has redeemed an every-store reward and waits for a decision."""
    from app.rewards import redemptions

    _award(person, 50)
    reward = _reward()
    result = redemptions.redeem(person, reward.id)
    db.session.commit()
    return {"redemption_id": result.redemption.id}


def _api_token(_org, _person) -> dict:
    from app.api import tokens

    created = tokens.create_token(None, "Till system", all_stores=True, store_ids=[])
    db.session.commit()
    return {"token_id": created.token.id}


def _notification_id(_org, person) -> dict:
    """A notification for `person` (opening it marks it read and goes to its page)."""
    from app.nudges.models import Notification

    notification = Notification(person_id=person.id, nudge_type="test", title="Well done",
                                body="You finished a mission.", url="/home", tag="test", params={})
    db.session.add(notification)
    db.session.commit()
    return {"notification_id": notification.id}


ARGUMENT_VALUES: dict[str, Callable] = {
    "person_id": lambda _org, person: {"person_id": person.id},
    "token": _invite_token,
    "code": lambda _org, _person: {"code": "it"},
    "entry_id": _point_entry,
    "dispute_id": _point_dispute,
    "mission_id": _mission_id,
    "assignment_id": _assignment_id,
    "submission_id": _submission_id,
    "journey_id": _journey,
    "step_id": _journey,
    "reward_id": _reward_id,
    "redemption_id": _redemption_id,
    "token_id": _api_token,
    "notification_id": _notification_id,
}
# Where one endpoint needs something particular.
ENDPOINT_ARGUMENT_VALUES: dict[tuple[str, str], Callable] = {
    ("rewards.picture", "reward_id"): _reward_with_picture,
}
ARGUMENT_VALUES.update(merged("ARGUMENT_VALUES"))  # the features' own, from tests/core/matrix/
ENDPOINT_ARGUMENT_VALUES.update(merged("ENDPOINT_ARGUMENT_VALUES"))


def url_values(found: Route, org, person) -> dict:
    values: dict = {}
    for argument in sorted(found.arguments):
        if argument in values:
            continue
        maker = ENDPOINT_ARGUMENT_VALUES.get((found.endpoint, argument)) or ARGUMENT_VALUES.get(argument)
        if maker is None:
            pytest.fail(f"{found.endpoint}: no test value for URL argument <{argument}>: "
                        "add one to tests/core/support.py ARGUMENT_VALUES")
        values.update(maker(org, person))
    return values


def sign_in(client, person: Person) -> None:
    """What login_user stores, without paying for an argon2 verify in each of hundreds of cases
    (signing in itself is tested through /login in tests/auth and test_sessions). The first request
    still loads the person through the real user loader, session version included."""
    with client.session_transaction() as session:
        session["_user_id"] = person.get_id()
        session["_fresh"] = True


class IsolatedClient(AscentClient):
    """Each request in its own app context: a fresh `g` and database session (see conftest.py)."""

    def open(self, *args, **kwargs):
        if has_app_context():  # (a thread of its own has none)
            db.session.commit()  # the request must not wait on the test's transaction (SQLite write lock)
        with self.application.app_context():
            return super().open(*args, **kwargs)


@contextlib.contextmanager
def https_app(database_url: str, tmp_path, monkeypatch):
    """The app as configured with ASCENT_HTTPS=1, on the test database (use it with the `app` fixture,
    which empties the tables)."""
    monkeypatch.setenv("ASCENT_HTTPS", "1")
    secure_app = create_app(_test_config(database_url, tmp_path))
    secure_app.test_client_class = IsolatedClient
    try:
        yield secure_app
    finally:
        with secure_app.app_context():
            db.session.remove()
            db.engine.dispose()


def is_static(endpoint: str) -> bool:
    """The app's and blueprints' static files: not pages."""
    return endpoint == "static" or endpoint.endswith(".static")

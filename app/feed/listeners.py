"""Signal receivers that post to the store feed: every item arrives this way. They run inside the writer's
transaction, so an item commits (or rolls back) with the kudos, badge, mission, stage, challenge result or
shared answer that caused it."""

from app.core.signals import (
    BadgeGranted,
    ChallengeClosed,
    KudosGiven,
    MissionCompleted,
    StageReached,
    UpwardAnswered,
    badge_granted,
    challenge_closed,
    kudos_given,
    mission_completed,
    stage_reached,
    upward_answered,
)
from app.feed.models import FeedKind
from app.feed.services import add_item

SHOWN_WINNERS = 3


def on_kudos_given(_sender, *, event: KudosGiven) -> None:
    if not event.public:
        return
    kudos = event.kudos
    add_item(event.receiver.store_id, FeedKind.KUDOS, f"kudos:{kudos.id}", actor_id=event.giver.id,
             subject_id=event.receiver.id, created_at=kudos.created_at,
             params={"message": kudos.message, "value": event.value.name if event.value else None,
                     "points": kudos.points})


def on_badge_granted(_sender, *, event: BadgeGranted) -> None:
    badge = event.badge
    add_item(event.person.store_id, FeedKind.BADGE, f"badge:{event.grant.id}", subject_id=event.person.id,
             params={"badge": badge.name, "image": badge.image, "tier": badge.tier})


def on_mission_completed(_sender, *, event: MissionCompleted) -> None:
    add_item(event.person.store_id, FeedKind.MISSION, f"mission:{event.assignment.id}", subject_id=event.person.id,
             params={"mission": event.mission.title, "points": event.mission.points})


def on_stage_reached(_sender, *, event: StageReached) -> None:
    person, stage = event.person, event.stage
    add_item(person.store_id, FeedKind.STAGE, f"stage:{person.id}:{stage.id}", subject_id=person.id,
             params={"stage": stage.name, "stage_key": stage.key})


def on_challenge_closed(_sender, *, event: ChallengeClosed) -> None:
    """One item in each store with a winner among the first shown."""
    challenge, shown = event.challenge, event.winners[:SHOWN_WINNERS]
    names = [winner.name for winner in shown]
    for store_id in dict.fromkeys(winner.store_id for winner in shown if winner.store_id is not None):
        add_item(store_id, FeedKind.CHALLENGE, f"challenge:{challenge.id}:{store_id}",
                 params={"challenge": challenge.title, "winners": names})


def on_upward_answered(_sender, *, event: UpwardAnswered) -> None:
    """A question answered and shared with the author's store (without the author when anonymous)."""
    message = event.message
    if not message.shared:
        return
    add_item(message.store_id, FeedKind.UPWARD_ANSWER, f"upward:{message.id}", actor_id=event.answered_by.id,
             subject_id=None if message.anonymous else message.author_id,
             params={"question": message.body, "answer": message.answer})


def connect() -> None:
    kudos_given.connect(on_kudos_given)
    badge_granted.connect(on_badge_granted)
    mission_completed.connect(on_mission_completed)
    stage_reached.connect(on_stage_reached)
    challenge_closed.connect(on_challenge_closed)
    upward_answered.connect(on_upward_answered)

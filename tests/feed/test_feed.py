from datetime import timedelta

import sqlalchemy as sa

from app.core.models import utcnow
from app.core.signals import BadgeGranted, ChallengeClosed, ChallengeWinner, MissionCompleted, StageReached
from app.extensions import db
from app.feed import queries, services
from app.feed.listeners import on_badge_granted, on_challenge_closed, on_mission_completed, on_stage_reached
from app.feed.models import FeedItem, FeedReaction
from app.feedback import services as feedback


def _items(store_id: int, n: int) -> None:
    start = utcnow() - timedelta(hours=1)
    for i in range(n):
        services.add_item(store_id, "mission", f"test:{store_id}:{i}", params={"mission": f"Mission {i}"},
                          created_at=start + timedelta(seconds=i // 2))  # pairs share a timestamp
    db.session.commit()


class _Row:
    def __init__(self, **values):
        self.__dict__.update(values)


def test_listeners_post_once(org, app):
    badge = _Row(name="First mission", image="first-mission.svg", tier="bronze")
    grant = _Row(id=7)
    mission = _Row(title="Window", points=10)
    stage, previous = _Row(id=2, name="Engagement", key="engagement"), _Row(id=1, name="Onboarding", key="onboarding")
    on_badge_granted(None, event=BadgeGranted(person=org.staff, badge=badge, grant=grant))
    on_badge_granted(None, event=BadgeGranted(person=org.staff, badge=badge, grant=grant))
    on_mission_completed(None, event=MissionCompleted(person=org.staff, mission=mission, assignment=_Row(id=3)))
    on_mission_completed(None, event=MissionCompleted(person=org.staff, mission=mission, assignment=_Row(id=3)))
    on_stage_reached(None, event=StageReached(person=org.staff, stage=stage, previous=previous))
    on_stage_reached(None, event=StageReached(person=org.staff, stage=stage, previous=previous))
    on_badge_granted(None, event=BadgeGranted(person=org.dm, badge=badge, grant=_Row(id=8)))  # no store: no feed
    db.session.commit()
    kinds = sorted(db.session.scalars(sa.select(FeedItem.kind)))
    assert kinds == ["badge", "mission", "stage"]


def test_challenge_listener_posts_once_in_each_winning_store(org):
    challenge = _Row(id=4, title="Best upsell week")
    winners = (ChallengeWinner(id=org.staff.id, name=org.staff.display_name, store_id=org.store.id),
               ChallengeWinner(id=org.sibling_store.id, name=org.sibling_store.name, store_id=org.sibling_store.id))
    on_challenge_closed(None, event=ChallengeClosed(challenge=challenge, winners=winners))
    on_challenge_closed(None, event=ChallengeClosed(challenge=challenge, winners=winners))
    db.session.commit()
    items = db.session.scalars(sa.select(FeedItem).order_by(FeedItem.store_id)).all()
    assert sorted(item.store_id for item in items) == sorted([org.store.id, org.sibling_store.id])
    assert items[0].params["challenge"] == "Best upsell week"


def test_real_signals_reach_the_feed(org, journey_defaults):
    from app.badges.models import BadgeDefinition
    from app.badges.services import grant

    badge = db.session.scalars(sa.select(BadgeDefinition)).first()
    grant(org.staff, badge)
    db.session.commit()
    assert db.session.scalar(sa.select(FeedItem.kind).where(FeedItem.subject_id == org.staff.id)) == "badge"


def test_keyset_pages_cover_everything_once(org):
    _items(org.store.id, 45)
    seen, cursor = [], None
    while True:
        page = queries.page(org.staff, org.store, cursor, size=20)
        seen += [entry.item.id for entry in page.entries]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == 45 and len(set(seen)) == 45


def test_reactions_toggle(client, sign_in, org):
    _items(org.store.id, 1)
    item = db.session.scalar(sa.select(FeedItem))
    sign_in(org.colleague)
    response = client.post(f"/feed/{item.id}/react", data={"kind": "clap"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'aria-pressed="true"' in response.get_data(as_text=True)
    client.post(f"/feed/{item.id}/react", data={"kind": "party"})
    sign_in(org.staff)
    client.post(f"/feed/{item.id}/react", data={"kind": "clap"})
    assert queries.reactions_for(org.staff, [item.id])[item.id].counts == {"clap": 2, "party": 1}
    client.post(f"/feed/{item.id}/react", data={"kind": "clap"})  # off again
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FeedReaction)) == 2
    assert client.post(f"/feed/{item.id}/react", data={"kind": "poop"}, headers={"HX-Request": "true"}
                       ).status_code == 422
    sign_in(org.other_staff)
    assert client.post(f"/feed/{item.id}/react", data={"kind": "clap"}).status_code == 404


def test_feed_page_and_infinite_scroll_fragment(client, sign_in, org):
    _items(org.store.id, 25)
    _items(org.other_store.id, 1)
    sign_in(org.staff)
    page = client.get("/feed/").get_data(as_text=True)
    assert "<html" in page and 'data-live-on="feed-changed"' in page and 'hx-trigger="revealed"' in page
    assert "Mission 24" in page and "Mission 4" not in page
    cursor = page.split("before=")[1].split('"')[0].replace("&amp;", "&")
    fragment = client.htmx_get(f"/feed/?store={org.store.id}&before={cursor}")
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "Mission 4" in body and "Mission 24" not in body
    assert 'hx-trigger="revealed"' not in body  # the last page
    assert client.get(f"/feed/?store={org.other_store.id}").status_code == 404


def test_public_kudos_shows_in_the_receivers_feed_private_does_not(client, sign_in, org):
    feedback.give_kudos(org.staff, org.colleague.id, "Thanks for the stockroom help", public=True)
    feedback.give_kudos(org.staff, org.colleague.id, "A private thank-you", public=False)
    db.session.commit()
    sign_in(org.colleague)
    body = client.get("/feed/").get_data(as_text=True)
    assert "Thanks for the stockroom help" in body and "A private thank-you" not in body


def test_district_manager_picks_a_store(client, sign_in, org):
    _items(org.sibling_store.id, 1)
    sign_in(org.dm)
    body = client.get(f"/feed/?store={org.sibling_store.id}").get_data(as_text=True)
    assert "Mission 0" in body and org.other_store.name not in body


def test_feed_page_query_count_is_constant(client, sign_in, org, count_queries):
    _items(org.store.id, 50)
    items = db.session.scalars(sa.select(FeedItem.id)).all()
    for item_id in items[:10]:
        db.session.add(FeedReaction(item_id=item_id, person_id=org.colleague.id, kind="clap"))
    feedback.give_kudos(org.sm, org.staff.id, "Kudos card")
    db.session.commit()
    sign_in(org.staff)

    def measure(size):
        queries.PAGE_SIZE, original = size, queries.PAGE_SIZE
        try:
            with count_queries() as counter:
                assert client.get("/feed/").status_code == 200
        finally:
            queries.PAGE_SIZE = original
        return counter.count

    assert measure(50) == measure(5)
    assert measure(50) <= 12

"""What challenges tell people, through the nudges layer: it started, it ends tomorrow, the results, and
"someone passed you". Every nudge carries a dedupe key naming the event, so a repeated job nudges nobody
twice."""

from flask_babel import lazy_gettext as _l

from app import nudges
from app.challenges.models import Challenge
from app.challenges.standings import Standing, position_of

nudges.register_nudge_type(
    "challenge_started", label=_l("A challenge I take part in starts"),
    title=_l("Challenge on: %(title)s"), body=_l("%(metric)s counts, until %(ends)s. Good luck!"),
    tag="challenge-%(challenge_id)s", order=90)
nudges.register_nudge_type(
    "challenge_ending", label=_l("A challenge ends tomorrow"),
    title=_l("Last day tomorrow: %(title)s"), body=_l("%(where)s"),
    tag="challenge-%(challenge_id)s", order=91)
nudges.register_nudge_type(
    "challenge_result", label=_l("Challenge results"),
    title=_l("%(title)s: the results"), body=_l("%(outcome)s"),
    tag="challenge-%(challenge_id)s", order=92)
nudges.register_nudge_type(
    "challenge_overtaken", label=_l("Someone passes me in a challenge"),
    title=_l("%(name)s just passed you"), body=_l("In “%(title)s”. There's still time to get back ahead."),
    tag="challenge-%(challenge_id)s-overtaken", urgency="low", order=93)


def _url(challenge: Challenge) -> str:
    return nudges.path_for("challenges.detail", challenge_id=challenge.id)


def started(challenge: Challenge, people: list[int]) -> None:
    from flask_babel import format_date

    for person_id in people:
        nudges.send(person_id, "challenge_started", _url(challenge),
                    dedupe_key=f"challenge_started:{challenge.id}:{person_id}", title=challenge.title,
                    metric=challenge.metric_label, ends=format_date(challenge.ends_on, "medium"),
                    challenge_id=challenge.id)


def _where(challenge: Challenge, final: list[Standing], entrant_id: int | None, *, finished: bool):
    standing, _ahead = position_of(final, entrant_id) if entrant_id is not None else (None, None)
    if finished and standing is not None and standing.winner:
        return _l("You won! Place %(rank)s.", rank=standing.rank)
    if standing is not None:
        if finished:
            return _l("You finished in place %(rank)s of %(total)s.", rank=standing.rank, total=len(final))
        return _l("You're in place %(rank)s of %(total)s right now.", rank=standing.rank, total=len(final))
    return _l("See the final standings.") if finished else _l("See where everyone stands.")


def _entrant_for(challenge: Challenge, person_id: int, store_of: dict[int, int]) -> int | None:
    return store_of.get(person_id) if challenge.for_stores else person_id


def _stores_of(people: list[int]) -> dict[int, int]:
    import sqlalchemy as sa

    from app.extensions import db
    from app.org.models import Person

    if not people:
        return {}
    return dict(db.session.execute(sa.select(Person.id, Person.store_id).where(Person.id.in_(people))).all())


def ending(challenge: Challenge, current: list[Standing], people: list[int]) -> None:
    store_of = _stores_of(people)
    for person_id in people:
        where = _where(challenge, current, _entrant_for(challenge, person_id, store_of), finished=False)
        nudges.send(person_id, "challenge_ending", _url(challenge),
                    dedupe_key=f"challenge_ending:{challenge.id}:{person_id}", title=challenge.title,
                    where=where, challenge_id=challenge.id)


def results(challenge: Challenge, final: list[Standing], people: list[int]) -> None:
    store_of = _stores_of(people)
    for person_id in people:
        outcome = _where(challenge, final, _entrant_for(challenge, person_id, store_of), finished=True)
        nudges.send(person_id, "challenge_result", _url(challenge),
                    dedupe_key=f"challenge_result:{challenge.id}:{person_id}", title=challenge.title,
                    outcome=outcome, challenge_id=challenge.id)


def overtaken(challenge: Challenge, victim_id: int, passer_name: str, day: str) -> None:
    nudges.send(victim_id, "challenge_overtaken", _url(challenge),
                dedupe_key=f"challenge_overtaken:{challenge.id}:{victim_id}:{day}", name=passer_name,
                title=challenge.title, challenge_id=challenge.id)

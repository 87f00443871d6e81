"""Store leagues in the authorization matrix."""

from tests.core.access import EVERYONE, PEOPLE_MANAGERS, Access

LEAGUE_RUNNERS = frozenset({"district_manager", "hr", "admin"})

EXPECTATIONS = {
    # Store names of a league's division are the point of a league; the matrix org has no league, so this
    # page shows the empty state here (tests/leagues covers what each role sees in a running league).
    "leagues.index": Access(EVERYONE),
    "leagues.manage": Access(LEAGUE_RUNNERS),
    "leagues.new_league": Access(LEAGUE_RUNNERS),  # POST: an empty form is refused with its errors (422)
    "leagues.edit_league": Access(LEAGUE_RUNNERS),
    "leagues.headcounts_page": Access(PEOPLE_MANAGERS),
    "leagues.set_headcount": Access(PEOPLE_MANAGERS),  # POST: no store named → 422
}


def _league_id(org, _person) -> dict:
    """A league of district one, run by its district manager (HR and admins may change it too)."""
    from app.extensions import db
    from app.leagues.models import League

    league = League(name="Lombardia league", basis="per_head", division_size=6, district_id=org.district.id,
                    created_by_id=org.dm.id)
    db.session.add(league)
    db.session.commit()
    return {"league_id": league.id}


ARGUMENT_VALUES = {"league_id": _league_id}

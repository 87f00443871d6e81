"""A company store league (points per head) over the 12 demo stores, with scheduled headcounts for a few
stores and last month closed so promotion and relegation show; and a TV screen link for the back office
of sm@demo.ascent's store. The link's token is random and stored hashed only: the store manager creates
a fresh one from /tv/screens to open it. Run it after the points history."""

import sqlalchemy as sa

from app.extensions import db
from app.leagues import periods
from app.leagues.headcounts import set_headcount
from app.leagues.models import League
from app.leagues.seasons import ensure_season
from app.org.models import Person, Store
from app.screens import services as screens
from app.screens.models import ScreenToken

LEAGUE_NAME = "Campionato dei negozi"
# Store code → scheduled headcount this month (the rest count their active people).
HEADCOUNTS = {"MI01": 9, "RM01": 11, "VR01": 6}


def load_leagues() -> None:
    sm = db.session.scalar(sa.select(Person).where(Person.email == "sm@demo.ascent"))
    hr = db.session.scalar(sa.select(Person).where(Person.email == "hr@demo.ascent"))
    if sm is None or hr is None:
        return
    this_month = periods.month_start(periods.today())
    if db.session.scalar(sa.select(League.id).where(League.name == LEAGUE_NAME)) is None:
        admin = db.session.scalar(sa.select(Person).where(Person.email == "admin@demo.ascent")) or hr
        stores = {store.code: store for store in db.session.scalars(sa.select(Store))}
        for code, headcount in HEADCOUNTS.items():
            if code in stores:
                set_headcount(admin, stores[code].id, this_month, headcount)
        league = League(name=LEAGUE_NAME, basis="per_head", division_size=6, created_by_id=hr.id)
        db.session.add(league)
        db.session.flush()
        # Last month first: it closes when this month opens, so the arrows of the first moves show.
        ensure_season(league, periods.previous_month(this_month))
        ensure_season(league, this_month)
    if sm.store_id is not None and db.session.scalar(
            sa.select(ScreenToken.id).where(ScreenToken.store_id == sm.store_id)) is None:
        screens.create_screen(sm, sm.store_id, "TV del retro")
    db.session.flush()

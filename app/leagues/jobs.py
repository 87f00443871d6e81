"""The month-start roll-over of every league, on the job queue.

Hourly rather than once at midnight on the 1st: a consumer that was down then still opens the season
within the hour, and `ensure_current_seasons` creates each season once, so an extra run changes nothing."""

from huey import crontab

from app.extensions import db
from app.jobs import periodic_job
from app.leagues import seasons


@periodic_job(crontab(minute="13"))
def roll_league_seasons() -> int:
    created = seasons.ensure_current_seasons()
    db.session.commit()  # a job commits its own work
    return created

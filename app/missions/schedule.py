"""The daily roll-over of recurring missions, on the job queue.

Hourly rather than at one midnight: stores sit in different time zones, and `sync_all` assigns nothing
twice, so an extra run (or a second consumer) costs one query per mission and changes nothing."""

from huey import crontab

from app.core.timezones import default_zone, today_in
from app.extensions import db
from app.jobs import periodic_job
from app.missions import assignments


@periodic_job(crontab(minute="7"))
def roll_recurring_missions() -> int:
    today = today_in(default_zone())
    created = assignments.sync_all(today)
    db.session.commit()  # a job commits its own work
    return created

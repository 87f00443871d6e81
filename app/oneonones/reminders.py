"""1:1 nudges: the types (registered at import) and the hourly job that sends "1:1 tomorrow" to both sides
and "action due today" to an action's owner.

The job is idempotent: every nudge carries a dedupe key naming the 1:1 (and its time, so a rescheduled
1:1 is announced again), the recipient, or the action and its due date. Running it twice, or on two
consumers, nudges nobody twice."""

from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from huey import crontab

from app import nudges
from app.core.models import utcnow
from app.core.timezones import local_time, zone_for
from app.extensions import db
from app.jobs import periodic_job
from app.oneonones import queries
from app.oneonones.models import OneOnOne
from app.oneonones.timing import when
from app.org.models import Person

# "Tomorrow" is a 1:1 starting 20 to 28 hours from now: an hourly job sees each one about eight times,
# the dedupe key lets only the first through.
TOMORROW_FROM, TOMORROW_TO = timedelta(hours=20), timedelta(hours=28)
# Actions due today are announced from this local hour on (not at midnight).
ACTION_DUE_HOUR = 8

nudges.register_nudge_type(
    "one_on_one_scheduled", label=_l("1:1s booked with me"),
    title=_l("1:1 with %(name)s"), body=_l("%(when)s. Add what you'd like to talk about."),
    tag="one-on-one-%(one_on_one_id)s", order=90)
nudges.register_nudge_type(
    "one_on_one_tomorrow", label=_l("1:1 tomorrow"),
    title=_l("1:1 with %(name)s tomorrow"), body=_l("%(when)s. A minute now to add your points to the agenda?"),
    tag="one-on-one-%(one_on_one_id)s", fresh_for=timedelta(hours=12), order=91)
nudges.register_nudge_type(
    "action_item_due", label=_l("1:1 actions due"),
    title=_l("Due today: %(action)s"), body=_l("An action from your 1:1s with %(name)s."),
    tag="one-on-one-action-%(action_id)s", fresh_for=timedelta(hours=12), order=92)


def when_for(one: OneOnOne, recipient: Person) -> str:
    with force_locale(recipient.locale):
        return when(one.scheduled_at, zone_for(recipient))


def stamp(one: OneOnOne) -> str:
    return one.scheduled_at.strftime("%Y%m%d%H%M")


def send_tomorrow_reminders(now: datetime | None = None) -> int:
    """Nudge both sides of every 1:1 starting 20-28 h from `now`. Returns how many nudges went out."""
    now = now or utcnow()
    sent = 0
    for one in queries.starting_between(now + TOMORROW_FROM, now + TOMORROW_TO):
        url = nudges.path_for("oneonones.detail", one_on_one_id=one.id)
        for recipient, other in ((one.person, one.manager), (one.manager, one.person)):
            if nudges.send(recipient.id, "one_on_one_tomorrow", url,
                           dedupe_key=f"one_on_one_tomorrow:{one.id}:{recipient.id}:{stamp(one)}",
                           name=other.first_name, when=when_for(one, recipient), one_on_one_id=one.id):
                sent += 1
    return sent


def send_action_reminders(now: datetime | None = None) -> int:
    """Nudge owners of open actions due on their local today, once the local clock reaches 8:00."""
    now = now or utcnow()
    sent = 0
    days = {(now + timedelta(hours=offset)).date() for offset in (-14, 0, 14)}  # every zone's "today"
    for day in sorted(days):
        for item in queries.actions_due_on(day):
            owner = db.session.get(Person, item.owner_id)
            other_id = item.manager_id if item.owner_id == item.person_id else item.person_id
            other = db.session.get(Person, other_id)
            if owner is None or other is None:
                continue
            here = local_time(now, zone_for(owner))
            if here.date() != day or here.hour < ACTION_DUE_HOUR:
                continue
            if nudges.send(owner.id, "action_item_due",
                           nudges.path_for("oneonones.detail", one_on_one_id=item.one_on_one_id),
                           dedupe_key=f"action_item_due:{item.id}:{day.isoformat()}", action=item.text[:80],
                           name=other.first_name, action_id=item.id):
                sent += 1
    return sent


@periodic_job(crontab(minute="11"))
def one_on_one_reminders() -> None:
    now = utcnow()
    send_tomorrow_reminders(now)
    send_action_reminders(now)
    db.session.commit()  # a job commits its own work

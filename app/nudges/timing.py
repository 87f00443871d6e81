"""Clock arithmetic in the person's store time zone: quiet hours and "today" for the daily cap.
Stored times are naive UTC (app.core.models.utcnow)."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.core.timezones import local_time, utc_of


def parse_clock(value: str) -> time:
    hours, _, minutes = value.partition(":")
    return time(int(hours), int(minutes or 0))


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def ends_after(self, local: datetime) -> datetime | None:
        """When the quiet period `local` falls in ends (aware, local), or None if it's not quiet."""
        if self.start == self.end:
            return None
        now = local.time().replace(tzinfo=None)
        if self.start < self.end:
            quiet = self.start <= now < self.end
        else:  # over midnight, as 21:00-08:00
            quiet = now >= self.start or now < self.end
        if not quiet:
            return None
        end = datetime.combine(local.date(), self.end, tzinfo=local.tzinfo)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.end, tzinfo=local.tzinfo)
        return end


def local_day_start(moment: datetime, zone: ZoneInfo) -> datetime:
    """Naive UTC of the local midnight that began the day `moment` (naive UTC) falls in."""
    return utc_of(local_time(moment, zone).date(), time(0), zone)

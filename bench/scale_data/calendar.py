"""The year of history as the stores see it: local days, their period starts, and naive-UTC timestamps
in opening hours. Worked out once per day, so a million entries cost no time-zone arithmetic each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.leaderboards import periods

OPENING_SECOND = 8 * 3600 + 30 * 60  # 08:30 local
CLOSING_SECOND = 20 * 3600 + 30 * 60  # 20:30 local


@dataclass(frozen=True)
class Day:
    index: int
    local: date
    week_start: date
    month_start: date
    utc_midnight: datetime  # naive UTC of local midnight

    def at(self, second: int) -> datetime:
        """Naive UTC of `second` after local midnight. Opening hours are far from the night's DST switch,
        so the offset at midnight holds all day for them."""
        return self.utc_midnight + timedelta(seconds=second)


class Calendar:
    def __init__(self, now: datetime, timezone: str, days: int = 365):
        """`now` is naive UTC; the history covers `days` local days ending today."""
        zone = ZoneInfo(timezone)
        self.now = now
        today = now.replace(tzinfo=UTC).astimezone(zone).date()
        self.days: list[Day] = []
        for index in range(days):
            local = today - timedelta(days=days - 1 - index)
            midnight = datetime(local.year, local.month, local.day, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
            self.days.append(Day(index, local, periods.period_start(periods.WEEK, local),
                                 periods.period_start(periods.MONTH, local), midnight))
        self.today = self.days[-1]
        # The latest second today that is already past: today's history stops at `now`.
        self.seconds_so_far = int((now - self.today.utc_midnight).total_seconds())

    def clamp(self, index: int, second: int) -> tuple[int, int]:
        """A moment that would lie in the future (later today) moves to the same time the day before."""
        if index == len(self.days) - 1 and second >= self.seconds_so_far:
            return index - 1, second
        return index, second

"""A year of one associate's life, replayed in time order the way the app's services write it: each
ledger entry moves the balance and the board buckets; crossing a threshold grants the badge (which pays
its points through the ledger); a completed mission records its assignment, submission, badge event,
journey completion and active day, which moves the streak (with the app's own freeze rule); every
change re-checks the journey stage. At the end the derived rows (balance, board scores, stage, streak)
are written from the very state the entries produced, so they agree with the ledger by construction."""

from __future__ import annotations

import heapq
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.leaderboards import periods
from app.missions.models import AssignmentStatus, EvidenceType, Recurrence, SubmissionStatus
from app.points import ledger
from app.points.models import EntryKind
from app.streaks.services import bridge
from bench.scale_data import rules
from bench.scale_data.calendar import CLOSING_SECOND, OPENING_SECOND, Calendar, Day

POS_SHARE, MISSION_SHARE = 0.55, 0.18  # the rest are manager awards
REVERSED_SHARE = 0.004  # of manager awards, taken back two hours later
LEADER_SHARE = 0.15  # of those past the leader stage's points whom their manager makes mentors and endorses


class Ids:
    """Explicit ids per table: entries name assignments and grants before anything is written."""

    def __init__(self):
        self._counters = defaultdict(lambda: itertools.count(1))

    def next(self, table: str) -> int:
        return next(self._counters[table])


@dataclass
class Context:
    writer: object
    ids: Ids
    rules: rules.Rules
    calendar: Calendar
    store_codes: dict[int, str]
    district_of_store: dict[int, int]
    store_manager: dict[int, int]


@dataclass
class _Bucket:
    points: int
    reached_at: datetime


@dataclass
class Associate:
    context: Context
    person_id: int
    store_id: int
    rng: random.Random
    lifetime: int = 0
    balance: int = 0
    last_change: datetime | None = None
    buckets: dict = field(default_factory=dict)  # (period, start) -> _Bucket
    held: set = field(default_factory=set)  # badge keys
    mission_events: int = 0
    missions_done: set = field(default_factory=set)  # mission ids (journey completions)
    used_periods: set = field(default_factory=set)  # (mission id, period start)
    endorsed: set = field(default_factory=set)  # stage ids
    stage_index: int = 0
    stage_reached_at: datetime | None = None
    streak: list = field(default_factory=lambda: [0, 0, None, None])  # current, best, last day, freeze week
    entries: int = 0

    # The ledger ---------------------------------------------------------------------------------------

    def pay(self, amount: int, *, kind: str, source_type: str, source_id, reason: str, key: str, at: datetime,
            day: Day, awarded_by: int | None = None, reverses: int | None = None) -> int:
        entry_id = self.context.ids.next("point_entries")
        self.context.writer.add("point_entries", {
            "id": entry_id, "person_id": self.person_id, "store_id": self.store_id, "amount": amount, "kind": kind,
            "source_type": source_type, "source_id": None if source_id is None else str(source_id),
            "reason": reason, "awarded_by_id": awarded_by, "idempotency_key": key, "reverses_id": reverses,
            # What the daily cap sums: people's awards, the API and kudos (the demo's missions are HR's).
            "capped": source_type in ledger.DISCRETIONARY_SOURCES, "created_at": at})
        self.entries += 1
        self.balance += amount
        self.lifetime += amount  # earns, and reversals of earns (the only kinds written here)
        self.last_change = at
        # Board buckets: the period the points were earned in (`day`), reached at the latest change.
        for bucket_key in ((periods.WEEK, day.week_start), (periods.MONTH, day.month_start),
                           (periods.ALL_TIME, periods.ALL_TIME_START)):
            bucket = self.buckets.get(bucket_key)
            if bucket is None:
                self.buckets[bucket_key] = _Bucket(amount, at)
            else:
                bucket.points += amount
                bucket.reached_at = max(bucket.reached_at, at)
        return entry_id

    def earn(self, amount: int, *, source_type: str, source_id, reason: str, key: str, at: datetime, day: Day,
             awarded_by: int | None = None) -> int:
        """ledger.award and what its `points_awarded` listeners do: lifetime badges, the journey."""
        entry_id = self.pay(amount, kind=EntryKind.EARN, source_type=source_type, source_id=source_id,
                            reason=reason, key=key, at=at, day=day, awarded_by=awarded_by)
        self._grant_due(self.context.rules.lifetime_badges, self.lifetime, at, day)
        self.evaluate_stage(at)
        return entry_id

    # Badges ---------------------------------------------------------------------------------------------

    def _grant_due(self, candidates, reached: int, at: datetime, day: Day) -> None:
        for badge in candidates:
            if badge.key not in self.held and badge.threshold is not None and badge.threshold <= reached:
                self.grant(badge, at, day)

    def grant(self, badge: rules.BadgeRule, at: datetime, day: Day, granted_by: int | None = None,
              note: str = "") -> None:
        """badges.services.grant: the grant, its points through the ledger, then the journey."""
        self.held.add(badge.key)
        grant_id = self.context.ids.next("badge_grants")
        self.context.writer.add("badge_grants", {
            "id": grant_id, "person_id": self.person_id, "badge_id": badge.id, "generation": 1,
            "granted_by_id": granted_by, "note": note, "created_at": at, "expires_at": None,
            "seen_at": at + timedelta(hours=1)})
        if badge.points:
            self.earn(badge.points, source_type="badge", source_id=grant_id, reason=badge.name,
                      key=f"badge:{grant_id}", at=at, day=day)
        self.evaluate_stage(at)

    # Journey --------------------------------------------------------------------------------------------

    def evaluate_stage(self, at: datetime) -> None:
        stages = self.context.rules.stages
        while self.stage_index + 1 < len(stages):
            stage = stages[self.stage_index + 1]
            if not (self.lifetime >= stage.min_lifetime_points and stage.badge_keys <= self.held
                    and stage.mission_ids <= self.missions_done
                    and (not stage.requires_endorsement or stage.id in self.endorsed)):
                return
            self.context.writer.add("journey_stage_changes", {
                "id": self.context.ids.next("journey_stage_changes"), "person_id": self.person_id,
                "store_id": self.store_id, "from_stage_id": stages[self.stage_index].id, "to_stage_id": stage.id,
                "manager_id": self.context.store_manager[self.store_id], "created_at": at,
                "seen_at": at + timedelta(hours=1)})
            self.stage_index += 1
            self.stage_reached_at = at

    def mentor_and_endorse(self, at: datetime, day: Day) -> None:
        """The store manager gives the mentor badge and endorses them for the stage that asks for it."""
        leader = self.context.rules.leader
        manager = self.context.store_manager[self.store_id]
        for key in sorted(leader.badge_keys - self.held):
            badge = self.context.rules.badges.get(key)
            if badge is not None:
                self.grant(badge, at, day, granted_by=manager, note=rules.MENTOR_NOTE)
        self.endorsed.add(leader.id)
        self.context.writer.add("journey_endorsements", {
            "id": self.context.ids.next("journey_endorsements"), "person_id": self.person_id,
            "stage_id": leader.id, "endorsed_by_id": manager, "note": rules.ENDORSEMENT_NOTE, "created_at": at})
        self.evaluate_stage(at)

    # Missions and streaks ------------------------------------------------------------------------------

    def free_mission(self, day: Day) -> tuple[rules.MissionSpec, object] | None:
        """A mission not yet done in its period on `day` (daily ones first, in a random order)."""
        daily = [m for m in rules.MISSIONS if m.recurrence == Recurrence.DAILY]
        weekly = [m for m in rules.MISSIONS if m.recurrence == Recurrence.WEEKLY]
        self.rng.shuffle(daily)
        for mission in daily + weekly:
            start = day.local if mission.recurrence == Recurrence.DAILY else day.week_start
            if (mission.id, start) not in self.used_periods:
                return mission, start
        return None

    def complete_mission(self, mission: rules.MissionSpec, period_start, at: datetime, day: Day) -> None:
        """missions.completion.submit → _complete and the listeners of what it sends."""
        writer, ids = self.context.writer, self.context.ids
        self.used_periods.add((mission.id, period_start))
        assignment_id = ids.next("mission_assignments")
        due = period_start if mission.recurrence == Recurrence.DAILY else period_start + timedelta(days=6)
        writer.add("mission_assignments", {
            "id": assignment_id, "mission_id": mission.id, "person_id": self.person_id,
            "period_start": period_start, "due_date": due, "status": AssignmentStatus.DONE, "journey_id": None,
            "journey_position": None, "assigned_at": day.utc_midnight, "completed_at": at,
            "points_paid": mission.points})
        writer.add("mission_submissions", {
            "id": ids.next("mission_submissions"), "assignment_id": assignment_id, "person_id": self.person_id,
            "status": SubmissionStatus.ACCEPTED,
            "text_answer": rules.STORY if mission.evidence == EvidenceType.TEXT else None, "created_at": at})
        self.earn(mission.points, source_type="mission", source_id=assignment_id, reason=mission.title,
                  key=f"mission:{assignment_id}", at=at, day=day)
        # mission_completed: the badge event, then the journey's record of the mission.
        writer.add("badge_events", {"id": ids.next("badge_events"), "person_id": self.person_id,
                                    "event_type": "mission_completed",
                                    "source_key": f"mission_completed:assignment:{assignment_id}", "created_at": at})
        self.mission_events += 1
        self._grant_due(self.context.rules.mission_badges,
                        self.mission_events, at, day)
        if mission.id not in self.missions_done:
            self.missions_done.add(mission.id)
            writer.add("journey_mission_completions", {
                "id": ids.next("journey_mission_completions"), "person_id": self.person_id,
                "mission_id": mission.id, "completed_at": at})
            self.evaluate_stage(at)
        self.record_activity(day, at)

    def record_activity(self, day: Day, at: datetime) -> None:
        """streaks.services.record_activity: a new day moves the streak, bridging one missed day a week."""
        current, best, last, freeze_week = self.streak
        if last is not None and day.local <= last:
            return  # the day was already active (days only move forward in this replay)
        self.context.writer.add("streak_active_days", {
            "id": self.context.ids.next("streak_active_days"), "person_id": self.person_id, "day": day.local,
            "first_activity": "mission"})
        if last is None:
            current = 1
        else:
            result = bridge(last, day.local, set(), freeze_week)
            freeze_week = result.last_freeze_week
            current = current + 1 if result.unbroken else 1
        best = max(best, current)
        self.streak = [current, best, day.local, freeze_week]
        self._grant_due(self.context.rules.streak_badges, current, at, day)

    def assign_current_periods(self) -> None:
        """Today's and this week's occurrences not done yet stay open: what "today's missions" lists."""
        today = self.context.calendar.today
        for mission in rules.MISSIONS:
            daily = mission.recurrence == Recurrence.DAILY
            start = today.local if daily else today.week_start
            if (mission.id, start) in self.used_periods:
                continue
            self.context.writer.add("mission_assignments", {
                "id": self.context.ids.next("mission_assignments"), "mission_id": mission.id,
                "person_id": self.person_id, "period_start": start,
                "due_date": start if daily else start + timedelta(days=6), "status": AssignmentStatus.OPEN,
                "journey_id": None, "journey_position": None, "assigned_at": today.utc_midnight,
                "completed_at": None, "points_paid": None})

    # The derived rows -----------------------------------------------------------------------------------

    def write_derived(self) -> None:
        writer = self.context.writer
        district_id = self.context.district_of_store[self.store_id]
        if self.last_change is not None:
            writer.add("point_balances", {"person_id": self.person_id, "lifetime": self.lifetime,
                                          "balance": self.balance, "updated_at": self.last_change})
        for (period, start), bucket in self.buckets.items():
            # Everyone generated is active, and nobody hides from wide boards (no board_privacy rows).
            writer.add("board_scores", {"person_id": self.person_id, "period": period, "period_start": start,
                                        "store_id": self.store_id, "district_id": district_id,
                                        "points": bucket.points, "reached_at": bucket.reached_at,
                                        "active": True, "hidden_wide": False})
        if self.stage_index > 0:
            writer.add("journey_person_stages", {"person_id": self.person_id,
                                                 "stage_id": self.context.rules.stages[self.stage_index].id,
                                                 "reached_at": self.stage_reached_at})
        current, best, last, freeze_week = self.streak
        if last is not None:
            writer.add("streaks", {"person_id": self.person_id, "current": current, "best": best,
                                   "last_active_on": last, "last_freeze_week": freeze_week,
                                   "updated_at": self.last_change})


def live_year(context: Context, person_id: int, store_id: int, entries: int, rng: random.Random) -> Associate:
    """Replay `entries` base awards over the year (plus the badge points and corrections they lead to)."""
    associate = Associate(context, person_id, store_id, rng)
    calendar = context.calendar
    span = CLOSING_SECOND - OPENING_SECOND
    moments = sorted(calendar.clamp(rng.randrange(len(calendar.days)), OPENING_SECOND + rng.randrange(span))
                     for _ in range(entries))
    manager = context.store_manager[store_id]
    becomes_leader = context.rules.leader is not None and rng.random() < LEADER_SHARE
    # Reversals happen later than the award they correct: a heap keeps the replay in time order.
    corrections: list[tuple[datetime, int, int, int]] = []  # (at, original id, amount, original day index)
    for index, second in moments:
        day = calendar.days[index]
        at = day.at(second)
        while corrections and corrections[0][0] <= at:
            _apply_correction(associate, heapq.heappop(corrections), manager)
        draw = rng.random()
        slot = associate.free_mission(day) if POS_SHARE <= draw < POS_SHARE + MISSION_SHARE else None
        if slot is not None:
            associate.complete_mission(slot[0], slot[1], at, day)
        elif draw < POS_SHARE + MISSION_SHARE:
            entry_id = context.ids.next("pos_keys")
            associate.earn(rng.choice((2, 3, 5)), source_type="api", source_id="POS",
                           reason=rng.choice(rules.POS_REASONS), at=at, day=day,
                           key=f"pos:{context.store_codes[store_id]}:{entry_id}")
        else:
            amount = rng.choice((5, 10, 15, 20))
            entry_id = associate.earn(amount, source_type="manual", source_id=None,
                                      reason=rng.choice(rules.MANAGER_REASONS), at=at, day=day, awarded_by=manager,
                                      key=f"manual:{manager}:{rng.getrandbits(64):016x}")
            undo_at = at + timedelta(hours=2)
            if rng.random() < REVERSED_SHARE and undo_at < calendar.now:
                heapq.heappush(corrections, (undo_at, entry_id, amount, day.index))
        if becomes_leader and associate.lifetime >= context.rules.leader.min_lifetime_points \
                and context.rules.leader.id not in associate.endorsed:
            associate.mentor_and_endorse(at, day)
    while corrections:
        _apply_correction(associate, heapq.heappop(corrections), manager)
    associate.assign_current_periods()
    associate.write_derived()
    return associate


def _apply_correction(associate: Associate, correction, manager: int) -> None:
    """ledger.reverse of a manager award: it leaves lifetime and the board of the day it was earned."""
    at, original_id, amount, day_index = correction
    associate.pay(-amount, kind=EntryKind.REVERSAL, source_type="manual", source_id=None,
                  reason=rules.REVERSAL_REASON, key=f"reversal:{original_id}", at=at,
                  day=associate.context.calendar.days[day_index], awarded_by=manager, reverses=original_id)

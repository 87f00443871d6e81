"""Signals that let features react to each other without importing each other's internals.

In-transaction signals fire inside the writer's transaction (badge rules, stage-up): a receiver's
writes commit or roll back with the change that caused them. Side effects that leave the process
(sockets, push) are queued with `after_commit` instead."""

from blinker import Namespace

_signals = Namespace()

# sender: None; kwargs: entry (PointEntry), person (Person)
points_awarded = _signals.signal("points-awarded")
# sender: None; kwargs: entry (the new reversal PointEntry), original (the PointEntry it undoes)
points_reversed = _signals.signal("points-reversed")
# sender: None; kwargs: person, activity (str), on (date)
activity_recorded = _signals.signal("activity-recorded")
# sender: None; kwargs: person (a new Person, flushed) — onboarding journeys start from here
person_created = _signals.signal("person-created")
# sender: None; kwargs: people (new Persons, flushed) — a whole import at once, so receivers can work in bulk
people_created = _signals.signal("people-created")
# sender: None; kwargs: person, mission, assignment
mission_completed = _signals.signal("mission-completed")
# sender: None; kwargs: kudos (Feedback, flushed), giver (Person), receiver (Person) — "Team player" counts it
kudos_given = _signals.signal("kudos-given")
# sender: None; kwargs: person, badge, grant
badge_granted = _signals.signal("badge-granted")
# sender: None; kwargs: person, stage (new stage), previous (old stage or None)
stage_reached = _signals.signal("stage-reached")
# sender: None; kwargs: challenge (a closed Challenge), winners (list of Person or Store rows, in rank order)
challenge_closed = _signals.signal("challenge-closed")
# sender: None; kwargs: store_id (int), day (date), kpi_ids (list[int]) — after measurements are saved
kpi_measurements_saved = _signals.signal("kpi-measurements-saved")

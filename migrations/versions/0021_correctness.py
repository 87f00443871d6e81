"""Correctness fixes in the data (no schema change):
- "Quick learner", "Idea spark" and "Innovator" counted events nothing in Ascent records (training
  modules, adopted ideas), so nobody could earn them and the Ambassador stage (which needs "Idea spark")
  was out of reach: they become badges HR gives. Only rows still as seeded are changed (HR may have
  edited them).
- Kudos received in the app were never counted for "Team player" / "Crowd favourite": each kudos
  already given becomes one counted event, under the key the live listener uses (`kudos:<id>`), so none
  counts twice. The badges themselves follow at the person's next counted kudos.

Revision ID: 0021_correctness
Revises: 0020_kpi_valid_range
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_correctness"
down_revision = "0020_kpi_valid_range"
branch_labels = None
depends_on = None

# key: (event type, threshold) as seeded
NOW_MANUAL = {"quick_learner": ("training_completed", 3), "idea_spark": ("idea_adopted", 1),
              "innovator": ("idea_adopted", 5)}

badges = sa.table("badge_definitions", sa.column("key", sa.String), sa.column("criterion", sa.String),
                  sa.column("threshold", sa.Integer), sa.column("event_type", sa.String),
                  sa.column("granters", sa.JSON))


def upgrade():
    for key, (event_type, threshold) in NOW_MANUAL.items():
        op.execute(badges.update()
                   .where(badges.c.key == key, badges.c.criterion == "event_count",
                          badges.c.event_type == event_type, badges.c.threshold == threshold)
                   .values(criterion="manual", threshold=None, event_type=None, granters=["hr"]))
    # One counted "kudos_received" per kudos already given (the key is unique: a rerun adds nothing).
    op.execute(sa.text(
        "INSERT INTO badge_events (person_id, event_type, source_key, created_at) "
        "SELECT f.receiver_id, 'kudos_received', 'kudos:' || CAST(f.id AS VARCHAR(20)), f.created_at "
        "FROM feedback_items f WHERE f.kind = 'kudos' AND NOT EXISTS "
        "(SELECT 1 FROM badge_events e WHERE e.source_key = 'kudos:' || CAST(f.id AS VARCHAR(20)))"))


def downgrade():
    op.execute(sa.text("DELETE FROM badge_events WHERE event_type = 'kudos_received' AND source_key LIKE 'kudos:%'"))
    for key, (event_type, threshold) in NOW_MANUAL.items():
        op.execute(badges.update()
                   .where(badges.c.key == key, badges.c.criterion == "manual")
                   .values(criterion="event_count", threshold=threshold, event_type=event_type, granters=[]))

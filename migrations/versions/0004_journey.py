"""journey stages, badges and streaks

Revision ID: 0004_journey
Revises: 0002_points
Create Date: 2026-11-28 09:00:00

Written by hand. Seeds the four default stages and the built-in badge set; both are configuration
HR edits afterwards.
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004_journey"
down_revision = "0002_points"
branch_labels = None
depends_on = None

STAGES = [
    # key, name, description, position, min points, badges, endorsement, level points
    ("onboarding", "Onboarding", "Your first weeks: culture, the store's goals, first trainings.",
     1, 0, [], False, 50),
    ("engagement", "Engagement", "Onboarding done: earn points through missions, KPIs, feedback and training.",
     2, 150, [], False, 250),
    ("leader", "Leader", "Sustained performance, leadership badges and your manager's endorsement.",
     3, 1500, ["mentor"], True, 250),
    ("ambassador", "Ambassador", "Represent the company, mentor others and co-design changes.",
     4, 5000, ["mentor", "idea_spark"], True, 500),
]

# key, name, description, tier, criterion, threshold, event type, granters, monthly limit, expiry, points
BADGES = [
    ("first_steps", "First steps", "Earn your first 50 points.", "bronze", "lifetime_points", 50, None, [], None, None, 0),
    ("rising_star", "Rising star", "Reach 500 lifetime points.", "silver", "lifetime_points", 500, None, [], None, None, 20),
    ("high_flyer", "High flyer", "Reach 2,000 lifetime points.", "gold", "lifetime_points", 2000, None, [], None, None, 50),
    ("on_a_roll", "On a roll", "Be active 3 days in a row.", "bronze", "streak", 3, None, [], None, None, 5),
    ("week_warrior", "Week warrior", "Keep a 7-day streak.", "silver", "streak", 7, None, [], None, None, 15),
    ("unstoppable", "Unstoppable", "Keep a 30-day streak.", "gold", "streak", 30, None, [], None, None, 50),
    ("first_mission", "Mission one", "Complete your first mission.", "bronze", "event_count", 1, "mission_completed", [], None, None, 0),
    ("mission_master", "Mission master", "Complete 50 missions.", "gold", "event_count", 50, "mission_completed", [], None, None, 50),
    ("team_player", "Team player", "Receive 5 kudos from colleagues.", "bronze", "event_count", 5, "kudos_received", [], None, None, 5),
    ("crowd_favourite", "Crowd favourite", "Receive 25 kudos from colleagues.", "silver", "event_count", 25, "kudos_received", [], None, None, 20),
    ("quick_learner", "Quick learner", "Complete 3 training modules.", "bronze", "event_count", 3, "training_completed", [], None, None, 10),
    ("idea_spark", "Idea spark", "Have an idea adopted by the company.", "silver", "event_count", 1, "idea_adopted", [], None, None, 25),
    ("innovator", "Innovator", "Have 5 ideas adopted.", "gold", "event_count", 5, "idea_adopted", [], None, None, 75),
    ("mentor", "Mentor", "Guided a new hire through their first weeks.", "silver", "manual", None, None, ["managers", "hr"], 3, None, 30),
    ("helping_hand", "Helping hand", "Went out of their way to help a colleague.", "bronze", "manual", None, None, ["managers", "hr", "peers"], 2, 90, 10),
    ("customer_hero", "Customer hero", "Turned a customer's bad day into a good one.", "silver", "manual", None, None, ["managers", "hr", "peers"], 2, None, 15),
    ("store_champion", "Store champion", "The store's standout of the month.", "gold", "manual", None, None, ["managers", "hr"], 1, 31, 40),
    ("brand_ambassador", "Brand ambassador", "Represented the company at an event or in the press.", "gold", "manual", None, None, ["hr"], None, None, 50),
]


def upgrade():
    stages = op.create_table(
        "journey_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=280), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("min_lifetime_points", sa.Integer(), nullable=False),
        sa.Column("required_badge_keys", sa.JSON(), nullable=False),
        sa.Column("required_mission_ids", sa.JSON(), nullable=False),
        sa.Column("requires_endorsement", sa.Boolean(), nullable=False),
        sa.Column("level_points", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("min_lifetime_points >= 0", name=op.f("ck_journey_stages_min_points_not_negative")),
        sa.CheckConstraint("level_points > 0", name=op.f("ck_journey_stages_level_points_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_stages")),
        sa.UniqueConstraint("key", name=op.f("uq_journey_stages_key")),
        sa.UniqueConstraint("position", name=op.f("uq_journey_stages_position")),
    )
    op.create_table(
        "journey_person_stages",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("reached_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_journey_person_stages_person_id_people")),
        sa.ForeignKeyConstraint(["stage_id"], ["journey_stages.id"],
                                name=op.f("fk_journey_person_stages_stage_id_journey_stages")),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_journey_person_stages")),
    )
    op.create_index(op.f("ix_journey_person_stages_stage_id"), "journey_person_stages", ["stage_id"])
    op.create_table(
        "journey_stage_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("from_stage_id", sa.Integer(), nullable=True),
        sa.Column("to_stage_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_journey_stage_changes_person_id_people")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_journey_stage_changes_store_id_stores")),
        sa.ForeignKeyConstraint(["from_stage_id"], ["journey_stages.id"],
                                name=op.f("fk_journey_stage_changes_from_stage_id_journey_stages")),
        sa.ForeignKeyConstraint(["to_stage_id"], ["journey_stages.id"],
                                name=op.f("fk_journey_stage_changes_to_stage_id_journey_stages")),
        sa.ForeignKeyConstraint(["manager_id"], ["people.id"], name=op.f("fk_journey_stage_changes_manager_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_stage_changes")),
    )
    op.create_index("ix_journey_stage_changes_person_seen", "journey_stage_changes", ["person_id", "seen_at"])
    op.create_index("ix_journey_stage_changes_store_created", "journey_stage_changes", ["store_id", "created_at"])
    op.create_index(op.f("ix_journey_stage_changes_manager_id"), "journey_stage_changes", ["manager_id"])
    op.create_table(
        "journey_endorsements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("endorsed_by_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_journey_endorsements_person_id_people")),
        sa.ForeignKeyConstraint(["stage_id"], ["journey_stages.id"],
                                name=op.f("fk_journey_endorsements_stage_id_journey_stages")),
        sa.ForeignKeyConstraint(["endorsed_by_id"], ["people.id"],
                                name=op.f("fk_journey_endorsements_endorsed_by_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_endorsements")),
        sa.UniqueConstraint("person_id", "stage_id", name="uq_journey_endorsements_person_stage"),
    )
    op.create_index(op.f("ix_journey_endorsements_stage_id"), "journey_endorsements", ["stage_id"])
    op.create_index(op.f("ix_journey_endorsements_endorsed_by_id"), "journey_endorsements", ["endorsed_by_id"])
    op.create_table(
        "journey_mission_completions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_journey_mission_completions_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_mission_completions")),
        sa.UniqueConstraint("person_id", "mission_id", name="uq_journey_mission_completions_person_mission"),
    )

    badges = op.create_table(
        "badge_definitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("description", sa.String(length=280), nullable=False),
        sa.Column("image", sa.String(length=80), nullable=False),
        sa.Column("tier", sa.String(length=10), nullable=False),
        sa.Column("criterion", sa.String(length=20), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=True),
        sa.Column("mission_id", sa.Integer(), nullable=True),
        sa.Column("event_type", sa.String(length=40), nullable=True),
        sa.Column("granters", sa.JSON(), nullable=False),
        sa.Column("monthly_limit", sa.Integer(), nullable=True),
        sa.Column("expires_after_days", sa.Integer(), nullable=True),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("points >= 0", name=op.f("ck_badge_definitions_points_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_definitions")),
        sa.UniqueConstraint("key", name=op.f("uq_badge_definitions_key")),
    )
    op.create_index(op.f("ix_badge_definitions_criterion"), "badge_definitions", ["criterion"])
    op.create_index(op.f("ix_badge_definitions_mission_id"), "badge_definitions", ["mission_id"])
    op.create_table(
        "badge_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("badge_id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=280), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("seen_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_badge_grants_person_id_people")),
        sa.ForeignKeyConstraint(["badge_id"], ["badge_definitions.id"],
                                name=op.f("fk_badge_grants_badge_id_badge_definitions")),
        sa.ForeignKeyConstraint(["granted_by_id"], ["people.id"], name=op.f("fk_badge_grants_granted_by_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_grants")),
        sa.UniqueConstraint("person_id", "badge_id", "generation", name="uq_badge_grants_person_badge_gen"),
    )
    op.create_index(op.f("ix_badge_grants_badge_id"), "badge_grants", ["badge_id"])
    op.create_index("ix_badge_grants_person_created", "badge_grants", ["person_id", "created_at"])
    op.create_index("ix_badge_grants_granter_created", "badge_grants", ["granted_by_id", "created_at"])
    op.create_table(
        "badge_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column("source_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_badge_events_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_events")),
        sa.UniqueConstraint("source_key", name=op.f("uq_badge_events_source_key")),
    )
    op.create_index("ix_badge_events_person_type", "badge_events", ["person_id", "event_type"])

    op.create_table(
        "streaks",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("current", sa.Integer(), nullable=False),
        sa.Column("best", sa.Integer(), nullable=False),
        sa.Column("last_active_on", sa.Date(), nullable=True),
        sa.Column("last_freeze_week", sa.String(length=10), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_streaks_person_id_people")),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_streaks")),
    )
    op.create_table(
        "streak_active_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("first_activity", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_streak_active_days_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_streak_active_days")),
        sa.UniqueConstraint("person_id", "day", name="uq_streak_active_days_person_day"),
    )
    op.create_table(
        "streak_days_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_streak_days_off_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_streak_days_off")),
        sa.UniqueConstraint("person_id", "day", name="uq_streak_days_off_person_day"),
    )

    stamp = datetime.now(UTC).replace(tzinfo=None)  # naive UTC, like app.core.models.utcnow
    op.bulk_insert(stages, [
        {"key": key, "name": name, "description": description, "position": position,
         "min_lifetime_points": points, "required_badge_keys": badge_keys, "required_mission_ids": [],
         "requires_endorsement": endorsement, "level_points": level_points, "updated_at": stamp}
        for key, name, description, position, points, badge_keys, endorsement, level_points in STAGES
    ])
    op.bulk_insert(badges, [
        {"key": key, "name": name, "description": description, "image": f"{key}.svg", "tier": tier,
         "criterion": criterion, "threshold": threshold, "mission_id": None, "event_type": event_type,
         "granters": granters, "monthly_limit": monthly_limit, "expires_after_days": expiry,
         "points": points, "position": position, "active": True, "created_at": stamp}
        for position, (key, name, description, tier, criterion, threshold, event_type, granters,
                       monthly_limit, expiry, points) in enumerate(BADGES, start=1)
    ])


def downgrade():
    op.drop_table("streak_days_off")
    op.drop_table("streak_active_days")
    op.drop_table("streaks")
    op.drop_index("ix_badge_events_person_type", table_name="badge_events")
    op.drop_table("badge_events")
    op.drop_index("ix_badge_grants_granter_created", table_name="badge_grants")
    op.drop_index("ix_badge_grants_person_created", table_name="badge_grants")
    op.drop_index(op.f("ix_badge_grants_badge_id"), table_name="badge_grants")
    op.drop_table("badge_grants")
    op.drop_index(op.f("ix_badge_definitions_mission_id"), table_name="badge_definitions")
    op.drop_index(op.f("ix_badge_definitions_criterion"), table_name="badge_definitions")
    op.drop_table("badge_definitions")
    op.drop_table("journey_mission_completions")
    op.drop_index(op.f("ix_journey_endorsements_endorsed_by_id"), table_name="journey_endorsements")
    op.drop_index(op.f("ix_journey_endorsements_stage_id"), table_name="journey_endorsements")
    op.drop_table("journey_endorsements")
    op.drop_index(op.f("ix_journey_stage_changes_manager_id"), table_name="journey_stage_changes")
    op.drop_index("ix_journey_stage_changes_store_created", table_name="journey_stage_changes")
    op.drop_index("ix_journey_stage_changes_person_seen", table_name="journey_stage_changes")
    op.drop_table("journey_stage_changes")
    op.drop_index(op.f("ix_journey_person_stages_stage_id"), table_name="journey_person_stages")
    op.drop_table("journey_person_stages")
    op.drop_table("journey_stages")

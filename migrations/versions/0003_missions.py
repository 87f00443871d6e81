"""missions, assignments, evidence and onboarding journeys

Revision ID: 0003_missions
Revises: 0002_points
Create Date: 2026-11-28 09:00:00

Written by hand; constraint names follow app.core.models.NAMING_CONVENTION so autogenerate
sees no drift. missions.badge_id has no foreign key yet: the badges table arrives in a sibling
revision, and the key is added once the branches are merged.
"""
from alembic import op
import sqlalchemy as sa


revision = "0003_missions"
down_revision = "0002_points"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "missions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("evidence_type", sa.String(length=12), nullable=False),
        sa.Column("requires_approval", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("badge_id", sa.Integer(), nullable=True),
        sa.Column("quiz_pass_mark", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(length=12), nullable=False),
        sa.Column("audience_role", sa.String(length=20), nullable=True),
        sa.Column("new_hire_days", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("recurrence", sa.String(length=8), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"], name="fk_missions_created_by_id_people"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name="fk_missions_store_id_stores"),
        sa.PrimaryKeyConstraint("id", name="pk_missions"),
    )
    with op.batch_alter_table("missions", schema=None) as batch_op:
        batch_op.create_index("ix_missions_active", ["active"], unique=False)
        batch_op.create_index("ix_missions_store_id", ["store_id"], unique=False)

    op.create_table(
        "mission_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["mission_id"], ["missions.id"], name="fk_mission_steps_mission_id_missions"),
        sa.PrimaryKeyConstraint("id", name="pk_mission_steps"),
    )
    with op.batch_alter_table("mission_steps", schema=None) as batch_op:
        batch_op.create_index("ix_mission_steps_mission_id", ["mission_id"], unique=False)

    op.create_table(
        "mission_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("prompt", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["mission_id"], ["missions.id"],
                                name="fk_mission_questions_mission_id_missions"),
        sa.PrimaryKeyConstraint("id", name="pk_mission_questions"),
    )
    with op.batch_alter_table("mission_questions", schema=None) as batch_op:
        batch_op.create_index("ix_mission_questions_mission_id", ["mission_id"], unique=False)

    op.create_table(
        "mission_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["mission_questions.id"],
                                name="fk_mission_options_question_id_mission_questions"),
        sa.PrimaryKeyConstraint("id", name="pk_mission_options"),
    )
    with op.batch_alter_table("mission_options", schema=None) as batch_op:
        batch_op.create_index("ix_mission_options_question_id", ["question_id"], unique=False)

    op.create_table(
        "mission_targets",
        sa.Column("mission_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["mission_id"], ["missions.id"], name="fk_mission_targets_mission_id_missions"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name="fk_mission_targets_person_id_people"),
        sa.PrimaryKeyConstraint("mission_id", "person_id", name="pk_mission_targets"),
    )
    with op.batch_alter_table("mission_targets", schema=None) as batch_op:
        batch_op.create_index("ix_mission_targets_person_id", ["person_id"], unique=False)

    op.create_table(
        "onboarding_journeys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"],
                                name="fk_onboarding_journeys_created_by_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_onboarding_journeys"),
    )

    op.create_table(
        "onboarding_journey_missions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journey_id", sa.Integer(), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("due_after_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["journey_id"], ["onboarding_journeys.id"],
                                name="fk_onboarding_journey_missions_journey_id_onboarding_journeys"),
        sa.ForeignKeyConstraint(["mission_id"], ["missions.id"],
                                name="fk_onboarding_journey_missions_mission_id_missions"),
        sa.PrimaryKeyConstraint("id", name="pk_onboarding_journey_missions"),
        sa.UniqueConstraint("journey_id", "mission_id", name="uq_onboarding_journey_missions_journey_id"),
    )
    with op.batch_alter_table("onboarding_journey_missions", schema=None) as batch_op:
        batch_op.create_index("ix_onboarding_journey_missions_journey_id", ["journey_id"], unique=False)
        batch_op.create_index("ix_onboarding_journey_missions_mission_id", ["mission_id"], unique=False)

    op.create_table(
        "mission_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("journey_id", sa.Integer(), nullable=True),
        sa.Column("journey_position", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("points_paid", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["journey_id"], ["onboarding_journeys.id"],
                                name="fk_mission_assignments_journey_id_onboarding_journeys"),
        sa.ForeignKeyConstraint(["mission_id"], ["missions.id"],
                                name="fk_mission_assignments_mission_id_missions"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name="fk_mission_assignments_person_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_mission_assignments"),
        sa.UniqueConstraint("mission_id", "person_id", "period_start",
                            name="uq_mission_assignments_mission_id"),
    )
    with op.batch_alter_table("mission_assignments", schema=None) as batch_op:
        batch_op.create_index("ix_mission_assignments_journey_id", ["journey_id"], unique=False)
        batch_op.create_index("ix_mission_assignments_mission_id", ["mission_id"], unique=False)
        batch_op.create_index("ix_mission_assignments_person_status", ["person_id", "status"], unique=False)

    op.create_table(
        "mission_step_checks",
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["assignment_id"], ["mission_assignments.id"],
                                name="fk_mission_step_checks_assignment_id_mission_assignments"),
        sa.ForeignKeyConstraint(["step_id"], ["mission_steps.id"],
                                name="fk_mission_step_checks_step_id_mission_steps"),
        sa.PrimaryKeyConstraint("assignment_id", "step_id", name="pk_mission_step_checks"),
    )
    with op.batch_alter_table("mission_step_checks", schema=None) as batch_op:
        batch_op.create_index("ix_mission_step_checks_step_id", ["step_id"], unique=False)

    op.create_table(
        "mission_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("text_answer", sa.Text(), nullable=True),
        sa.Column("photo_path", sa.String(length=200), nullable=True),
        sa.Column("photo_type", sa.String(length=20), nullable=True),
        sa.Column("photo_bytes", sa.Integer(), nullable=True),
        sa.Column("quiz_answers", sa.JSON(), nullable=True),
        sa.Column("quiz_correct", sa.Integer(), nullable=True),
        sa.Column("quiz_total", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("review_comment", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["assignment_id"], ["mission_assignments.id"],
                                name="fk_mission_submissions_assignment_id_mission_assignments"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name="fk_mission_submissions_person_id_people"),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["people.id"],
                                name="fk_mission_submissions_reviewed_by_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_mission_submissions"),
    )
    with op.batch_alter_table("mission_submissions", schema=None) as batch_op:
        batch_op.create_index("ix_mission_submissions_assignment_id", ["assignment_id"], unique=False)
        batch_op.create_index("ix_mission_submissions_person_id", ["person_id"], unique=False)
        batch_op.create_index("ix_mission_submissions_status", ["status"], unique=False)


def downgrade():
    for table, indexes in (
        ("mission_submissions", ("ix_mission_submissions_status", "ix_mission_submissions_person_id",
                                 "ix_mission_submissions_assignment_id")),
        ("mission_step_checks", ("ix_mission_step_checks_step_id",)),
        ("mission_assignments", ("ix_mission_assignments_person_status", "ix_mission_assignments_mission_id",
                                 "ix_mission_assignments_journey_id")),
        ("onboarding_journey_missions", ("ix_onboarding_journey_missions_mission_id",
                                         "ix_onboarding_journey_missions_journey_id")),
        ("onboarding_journeys", ()),
        ("mission_targets", ("ix_mission_targets_person_id",)),
        ("mission_options", ("ix_mission_options_question_id",)),
        ("mission_questions", ("ix_mission_questions_mission_id",)),
        ("mission_steps", ("ix_mission_steps_mission_id",)),
        ("missions", ("ix_missions_store_id", "ix_missions_active")),
    ):
        if indexes:
            with op.batch_alter_table(table, schema=None) as batch_op:
                for index in indexes:
                    batch_op.drop_index(index)
        op.drop_table(table)

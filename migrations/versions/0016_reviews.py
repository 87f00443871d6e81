"""review cycles

Revision ID: 0016_reviews
Revises: 0008_kpis
Create Date: 2026-11-27 19:00:00

Constraint names follow app.core.models.NAMING_CONVENTION so autogenerate sees no drift.
"""
from alembic import op
import sqlalchemy as sa


revision = "0016_reviews"
down_revision = "0008_kpis"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "review_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("competencies", sa.JSON(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"],
                                name=op.f("fk_review_templates_created_by_id_people"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_templates")),
    )

    op.create_table(
        "review_cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("self_due", sa.Date(), nullable=True),
        sa.Column("manager_due", sa.Date(), nullable=True),
        sa.Column("calibration_due", sa.Date(), nullable=True),
        sa.Column("sign_off_due", sa.Date(), nullable=True),
        sa.Column("store_ids", sa.JSON(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("hired_before", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("launched_at", sa.DateTime(), nullable=True),
        sa.Column("phase_changed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"],
                                name=op.f("fk_review_cycles_created_by_id_people"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["template_id"], ["review_templates.id"],
                                name=op.f("fk_review_cycles_template_id_review_templates")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_cycles")),
    )
    with op.batch_alter_table("review_cycles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_cycles_phase"), ["phase"], unique=False)

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("self_ratings", sa.JSON(), nullable=False),
        sa.Column("self_answers", sa.JSON(), nullable=False),
        sa.Column("self_overall", sa.Integer(), nullable=True),
        sa.Column("self_submitted_at", sa.DateTime(), nullable=True),
        sa.Column("manager_ratings", sa.JSON(), nullable=False),
        sa.Column("manager_answers", sa.JSON(), nullable=False),
        sa.Column("overall_rating", sa.Integer(), nullable=True),
        sa.Column("manager_submitted_at", sa.DateTime(), nullable=True),
        sa.Column("calibrated_rating", sa.Integer(), nullable=True),
        sa.Column("calibrated_by_id", sa.Integer(), nullable=True),
        sa.Column("calibration_reason", sa.String(length=500), nullable=True),
        sa.Column("calibrated_at", sa.DateTime(), nullable=True),
        sa.Column("signed_off_at", sa.DateTime(), nullable=True),
        sa.Column("person_comment", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["calibrated_by_id"], ["people.id"], name=op.f("fk_reviews_calibrated_by_id_people")),
        sa.ForeignKeyConstraint(["cycle_id"], ["review_cycles.id"], name=op.f("fk_reviews_cycle_id_review_cycles"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["manager_id"], ["people.id"], name=op.f("fk_reviews_manager_id_people")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_reviews_person_id_people")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_reviews_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("cycle_id", "person_id", name="uq_reviews_cycle_id"),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviews_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reviews_manager_id"), ["manager_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reviews_store_id"), ["store_id"], unique=False)

    op.create_table(
        "review_peers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["decided_by_id"], ["people.id"], name=op.f("fk_review_peers_decided_by_id_people")),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], name=op.f("fk_review_peers_review_id_reviews"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reviewer_id"], ["people.id"], name=op.f("fk_review_peers_reviewer_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_peers")),
        sa.UniqueConstraint("review_id", "reviewer_id", name="uq_review_peers_review_id"),
    )
    with op.batch_alter_table("review_peers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_peers_reviewer_id"), ["reviewer_id"], unique=False)


def downgrade():
    with op.batch_alter_table("review_peers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_peers_reviewer_id"))
    op.drop_table("review_peers")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_store_id"))
        batch_op.drop_index(batch_op.f("ix_reviews_manager_id"))
        batch_op.drop_index(batch_op.f("ix_reviews_person_id"))
    op.drop_table("reviews")
    with op.batch_alter_table("review_cycles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_cycles_phase"))
    op.drop_table("review_cycles")
    op.drop_table("review_templates")

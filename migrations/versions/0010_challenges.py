"""challenges

Revision ID: 0010_challenges
Revises: 0008_kpis
Create Date: 2026-11-27 19:00:00

Constraint names follow app.core.models.NAMING_CONVENTION so autogenerate sees no drift.
"""
from alembic import op
import sqlalchemy as sa


revision = "0010_challenges"
down_revision = "0008_kpis"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("metric", sa.String(length=12), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=True),
        sa.Column("format", sa.String(length=12), nullable=False),
        sa.Column("target", sa.Double(), nullable=True),
        sa.Column("winners_count", sa.Integer(), nullable=False),
        sa.Column("reward_points", sa.Integer(), nullable=False),
        sa.Column("reward_badge_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(length=12), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("ending_nudged_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"], name=op.f("fk_challenges_created_by_id_people"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"], name=op.f("fk_challenges_district_id_districts")),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi_definitions.id"], name=op.f("fk_challenges_kpi_id_kpi_definitions")),
        sa.ForeignKeyConstraint(["reward_badge_id"], ["badge_definitions.id"],
                                name=op.f("fk_challenges_reward_badge_id_badge_definitions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenges")),
    )
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.create_index("ix_challenges_status_starts", ["status", "starts_at"], unique=False)
        batch_op.create_index("ix_challenges_status_ends", ["status", "ends_at"], unique=False)

    op.create_table(
        "challenge_stores",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"],
                                name=op.f("fk_challenge_stores_challenge_id_challenges"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_challenge_stores_store_id_stores"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("challenge_id", "store_id", name=op.f("pk_challenge_stores")),
    )
    with op.batch_alter_table("challenge_stores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_challenge_stores_store_id"), ["store_id"], unique=False)

    op.create_table(
        "challenge_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("reached_at", sa.DateTime(), nullable=True),
        sa.Column("winner", sa.Boolean(), nullable=False),
        sa.Column("paid", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"],
                                name=op.f("fk_challenge_results_challenge_id_challenges"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_challenge_results_person_id_people")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_challenge_results_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_results")),
    )
    with op.batch_alter_table("challenge_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_challenge_results_challenge_id"), ["challenge_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_challenge_results_person_id"), ["person_id"], unique=False)


def downgrade():
    with op.batch_alter_table("challenge_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenge_results_person_id"))
        batch_op.drop_index(batch_op.f("ix_challenge_results_challenge_id"))
    op.drop_table("challenge_results")
    with op.batch_alter_table("challenge_stores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenge_stores_store_id"))
    op.drop_table("challenge_stores")
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.drop_index("ix_challenges_status_ends")
        batch_op.drop_index("ix_challenges_status_starts")
    op.drop_table("challenges")

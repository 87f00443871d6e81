"""period scores and board privacy

Revision ID: 0009_leaderboards
Revises: 0008_kpis
Create Date: 2026-11-27 19:00:00

Constraint names follow app.core.models.NAMING_CONVENTION so autogenerate sees no drift.
"""
from alembic import op
import sqlalchemy as sa


revision = "0009_leaderboards"
down_revision = "0008_kpis"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "board_scores",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=5), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reached_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_board_scores_person_id_people")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_board_scores_store_id_stores")),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"],
                                name=op.f("fk_board_scores_district_id_districts")),
        sa.PrimaryKeyConstraint("person_id", "period", "period_start", name=op.f("pk_board_scores")),
    )
    with op.batch_alter_table("board_scores", schema=None) as batch_op:
        batch_op.create_index("ix_board_scores_store_board", ["store_id", "period", "period_start", "points"],
                              unique=False)
        batch_op.create_index("ix_board_scores_district_board",
                              ["district_id", "period", "period_start", "points"], unique=False)
        batch_op.create_index("ix_board_scores_company_board", ["period", "period_start", "points"], unique=False)

    op.create_table(
        "board_privacy",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("hidden_wide", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_board_privacy_person_id_people")),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_board_privacy")),
    )


def downgrade():
    op.drop_table("board_privacy")
    with op.batch_alter_table("board_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_board_scores_company_board")
        batch_op.drop_index("ix_board_scores_district_board")
        batch_op.drop_index("ix_board_scores_store_board")
    op.drop_table("board_scores")

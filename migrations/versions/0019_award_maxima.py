"""Award maxima: the company's per-mission and per-prize maxima (award_limits, one row, set by HR), and
point_entries.capped, so the daily cap sums one flag: manual, API and kudos awards as before, plus the
missions and challenge prizes a store or district manager set up.

Revision ID: 0019_award_maxima
Revises: 0018_board_covering_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_award_maxima"
down_revision = "0018_board_covering_indexes"
branch_labels = None
depends_on = None

# The sources that counted toward the daily cap before this revision.
DISCRETIONARY = ("manual", "api", "kudos")


def upgrade():
    op.create_table(
        "award_limits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mission_max", sa.Integer(), nullable=False),
        sa.Column("prize_max", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["people.id"], name=op.f("fk_award_limits_updated_by_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_limits")),
    )
    with op.batch_alter_table("point_entries") as batch_op:
        batch_op.add_column(sa.Column("capped", sa.Boolean(), nullable=False, server_default=sa.false()))
    entries = sa.table("point_entries", sa.column("capped", sa.Boolean()), sa.column("source_type", sa.String()),
                       sa.column("kind", sa.String()))
    op.execute(entries.update().where(entries.c.source_type.in_(DISCRETIONARY), entries.c.kind == "earn")
               .values(capped=True))


def downgrade():
    with op.batch_alter_table("point_entries") as batch_op:
        batch_op.drop_column("capped")
    op.drop_table("award_limits")

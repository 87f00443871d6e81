"""A chain's first day: districts and stores can be closed (never deleted, their history stays).

Revision ID: 0024_first_day
Revises: 0023_employee_number_ci
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_first_day"
down_revision = "0023_employee_number_ci"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("districts", "stores"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))


def downgrade():
    for table in ("stores", "districts"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("closed_at")

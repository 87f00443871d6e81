"""KPI valid range: an optional lowest and highest value per KPI, so a satisfaction score of 12 on a 1–5
scale (or a target copied with an uplift to 5.35) is refused instead of turning a store "on track".
The built-in library gets its ranges: percentages 0–100, satisfaction 1–5, counts, amounts and times ≥ 0.

Revision ID: 0020_kpi_valid_range
Revises: 0019_award_maxima
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_kpi_valid_range"
down_revision = "0019_award_maxima"
branch_labels = None
depends_on = None

# code: (min, max) of the built-in KPIs, as app/kpis/defaults.py has them today (a migration never
# imports app code).
BUILT_IN_RANGES = {
    "sales": (0.0, None),
    "transactions": (0.0, None),
    "footfall": (0.0, None),
    "units_sold": (0.0, None),
    "returns": (0.0, None),
    "conversion_rate": (0.0, 100.0),
    "average_transaction_value": (0.0, None),
    "units_per_transaction": (0.0, None),
    "returns_rate": (0.0, 100.0),
    "customer_satisfaction": (1.0, 5.0),
    "response_time": (0.0, None),
    "loyalty_churn": (0.0, 100.0),
}


def upgrade():
    with op.batch_alter_table("kpi_definitions") as batch_op:
        batch_op.add_column(sa.Column("min_value", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("max_value", sa.Double(), nullable=True))
    kpis = sa.table("kpi_definitions", sa.column("code", sa.String), sa.column("built_in", sa.Boolean),
                    sa.column("min_value", sa.Double), sa.column("max_value", sa.Double))
    for code, (low, high) in BUILT_IN_RANGES.items():
        op.execute(kpis.update().where(kpis.c.code == code, kpis.c.built_in.is_(True))
                   .values(min_value=low, max_value=high))


def downgrade():
    with op.batch_alter_table("kpi_definitions") as batch_op:
        batch_op.drop_column("max_value")
        batch_op.drop_column("min_value")

"""KPI ingestion and rewards: the record of targets a store hit (points are paid once per hit)

Revision ID: 0012_kpi_ingestion
Revises: 0008_kpis
Create Date: 2026-11-27 19:00:00

Constraint names follow app.core.models.NAMING_CONVENTION so autogenerate sees no drift.
"""
from alembic import op
import sqlalchemy as sa


revision = "0012_kpi_ingestion"
down_revision = "0008_kpis"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kpi_target_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("target", sa.Double(), nullable=False),
        sa.Column("people_paid", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi_definitions.id"],
                                name=op.f("fk_kpi_target_hits_kpi_id_kpi_definitions")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_kpi_target_hits_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_target_hits")),
        sa.UniqueConstraint("kpi_id", "store_id", "period_kind", "period_start",
                            name="uq_kpi_target_hits_kpi_store_period"),
    )
    with op.batch_alter_table("kpi_target_hits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kpi_target_hits_store_id"), ["store_id"], unique=False)


def downgrade():
    with op.batch_alter_table("kpi_target_hits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kpi_target_hits_store_id"))
    op.drop_table("kpi_target_hits")

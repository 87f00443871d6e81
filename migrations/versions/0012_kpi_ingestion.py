"""KPI ingestion and rewards

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
    pass


def downgrade():
    pass

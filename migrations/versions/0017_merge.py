"""Merge the live-boards, KPI, goals, feedback and reviews branches.

Revision ID: 0017_merge
Revises: 0009_leaderboards, 0010_challenges, 0011_leagues, 0012_kpi_ingestion, 0013_okrs, 0014_feedback, 0015_oneonones, 0016_reviews
"""

revision = "0017_merge"
down_revision = ("0009_leaderboards", "0010_challenges", "0011_leagues", "0012_kpi_ingestion", "0013_okrs", "0014_feedback", "0015_oneonones", "0016_reviews")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

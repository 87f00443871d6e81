"""Merge the journey-engine branches (missions, journey and badges, rewards and API, nudges) and link a
mission to the badge it promises.

Revision ID: 0007_merge
Revises: 0003_missions, 0004_journey, 0005_rewards_api, 0006_nudges
"""
from alembic import op

revision = "0007_merge"
down_revision = ("0003_missions", "0004_journey", "0005_rewards_api", "0006_nudges")
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("missions", schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f("fk_missions_badge_id_badge_definitions"),
                                    "badge_definitions", ["badge_id"], ["id"])


def downgrade():
    with op.batch_alter_table("missions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_missions_badge_id_badge_definitions"), type_="foreignkey")

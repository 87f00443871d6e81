"""Definition versions: one row per cached definition (badge rules, journey stages, running challenges, API
tokens), bumped in the transaction that changes them, so every process knows when its cache is out of date
(app/core/definitions.py). No rows to start with: a missing row is version 0.

Revision ID: 0026_definition_versions
Revises: 0025_people_search
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_definition_versions"
down_revision = "0025_people_search"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "definition_versions",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_definition_versions")),
    )


def downgrade():
    op.drop_table("definition_versions")

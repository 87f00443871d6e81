"""Password resets asked for by the person on the sign-in page and approved by HR or an administrator
(invites are only for people who have never set a password).

Revision ID: 0022_password_resets
Revises: 0021_correctness
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_password_resets"
down_revision = "0021_correctness"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "password_resets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("check_code", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["decided_by_id"], ["people.id"],
                                name=op.f("fk_password_resets_decided_by_id_people"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_password_resets_person_id_people"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_resets")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_resets_token_hash")),
    )
    with op.batch_alter_table("password_resets") as batch_op:
        batch_op.create_index(batch_op.f("ix_password_resets_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_password_resets_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("password_resets") as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_resets_status"))
        batch_op.drop_index(batch_op.f("ix_password_resets_person_id"))
    op.drop_table("password_resets")

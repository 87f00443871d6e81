"""1:1 check-ins

Revision ID: 0015_oneonones
Revises: 0008_kpis
Create Date: 2026-11-27 19:00:00

Constraint names follow app.core.models.NAMING_CONVENTION so autogenerate sees no drift.
"""
from alembic import op
import sqlalchemy as sa


revision = "0015_oneonones"
down_revision = "0008_kpis"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "one_on_ones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("pulse", sa.Integer(), nullable=True),
        sa.Column("pulse_at", sa.DateTime(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("pulse IS NULL OR (pulse >= 1 AND pulse <= 5)", name=op.f("ck_one_on_ones_pulse_range")),
        sa.ForeignKeyConstraint(["manager_id"], ["people.id"], name=op.f("fk_one_on_ones_manager_id_people")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_one_on_ones_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_on_ones")),
    )
    with op.batch_alter_table("one_on_ones", schema=None) as batch_op:
        batch_op.create_index("ix_one_on_ones_manager_person_scheduled", ["manager_id", "person_id", "scheduled_at"],
                              unique=False)
        batch_op.create_index("ix_one_on_ones_person_scheduled", ["person_id", "scheduled_at"], unique=False)
        batch_op.create_index("ix_one_on_ones_status_scheduled", ["status", "scheduled_at"], unique=False)

    op.create_table(
        "one_on_one_agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("one_on_one_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=280), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["people.id"], name=op.f("fk_one_on_one_agenda_items_author_id_people")),
        sa.ForeignKeyConstraint(["one_on_one_id"], ["one_on_ones.id"],
                                name=op.f("fk_one_on_one_agenda_items_one_on_one_id_one_on_ones"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_on_one_agenda_items")),
    )
    with op.batch_alter_table("one_on_one_agenda_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_one_on_one_agenda_items_one_on_one_id"), ["one_on_one_id"], unique=False)

    op.create_table(
        "one_on_one_private_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("one_on_one_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["people.id"], name=op.f("fk_one_on_one_private_notes_author_id_people")),
        sa.ForeignKeyConstraint(["one_on_one_id"], ["one_on_ones.id"],
                                name=op.f("fk_one_on_one_private_notes_one_on_one_id_one_on_ones"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_on_one_private_notes")),
        sa.UniqueConstraint("one_on_one_id", "author_id", name=op.f("uq_one_on_one_private_notes_one_on_one_id")),
    )
    with op.batch_alter_table("one_on_one_private_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_one_on_one_private_notes_author_id"), ["author_id"], unique=False)

    op.create_table(
        "one_on_one_action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("one_on_one_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=280), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"],
                                name=op.f("fk_one_on_one_action_items_created_by_id_people")),
        sa.ForeignKeyConstraint(["manager_id"], ["people.id"], name=op.f("fk_one_on_one_action_items_manager_id_people")),
        sa.ForeignKeyConstraint(["one_on_one_id"], ["one_on_ones.id"],
                                name=op.f("fk_one_on_one_action_items_one_on_one_id_one_on_ones"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["people.id"], name=op.f("fk_one_on_one_action_items_owner_id_people")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_one_on_one_action_items_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_on_one_action_items")),
    )
    with op.batch_alter_table("one_on_one_action_items", schema=None) as batch_op:
        batch_op.create_index("ix_one_on_one_action_items_pair_done", ["manager_id", "person_id", "done_at"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_one_on_one_action_items_one_on_one_id"), ["one_on_one_id"], unique=False)


def downgrade():
    op.drop_table("one_on_one_action_items")
    op.drop_table("one_on_one_private_notes")
    op.drop_table("one_on_one_agenda_items")
    op.drop_table("one_on_ones")

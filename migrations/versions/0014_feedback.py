"""feedback, kudos and the store feed

Revision ID: 0014_feedback
Revises: 0008_kpis
Create Date: 2026-11-27 19:00:00

Constraint names follow app.core.models.NAMING_CONVENTION so autogenerate sees no drift.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = "0014_feedback"
down_revision = "0008_kpis"
branch_labels = None
depends_on = None

# The built-in company values (app.feedback.models.DEFAULT_VALUES, spelled out: a migration never changes).
VALUES = (
    ("customer_first", "Customer first", "Every customer leaves happier than they came."),
    ("teamwork", "Teamwork", "We win as a store, not alone."),
    ("ownership", "Ownership", "See it, own it, fix it."),
    ("learning", "Learning", "Curious, and better every week."),
    ("integrity", "Integrity", "Honest with customers and with each other."),
)


def upgrade():
    values = op.create_table(
        "company_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=True),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_values")),
        sa.UniqueConstraint("key", name=op.f("uq_company_values_key")),
        sa.UniqueConstraint("name", name=op.f("uq_company_values_name")),
    )
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(values, [
        {"key": key, "name": name, "description": description, "position": position * 10, "active": True,
         "created_at": now}
        for position, (key, name, description) in enumerate(VALUES, start=1)
    ])

    op.create_table(
        "feedback_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("asked_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=280), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["asked_id"], ["people.id"], name=op.f("fk_feedback_requests_asked_id_people")),
        sa.ForeignKeyConstraint(["requester_id"], ["people.id"],
                                name=op.f("fk_feedback_requests_requester_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_requests")),
    )
    with op.batch_alter_table("feedback_requests", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_requests_asked_status", ["asked_id", "status"], unique=False)
        batch_op.create_index("ix_feedback_requests_requester_created", ["requester_id", "created_at"],
                              unique=False)

    op.create_table(
        "feedback_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("value_id", sa.Integer(), nullable=True),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("points >= 0", name=op.f("ck_feedback_items_points_not_negative")),
        sa.CheckConstraint("giver_id <> receiver_id", name=op.f("ck_feedback_items_not_to_self")),
        sa.ForeignKeyConstraint(["giver_id"], ["people.id"], name=op.f("fk_feedback_items_giver_id_people")),
        sa.ForeignKeyConstraint(["receiver_id"], ["people.id"], name=op.f("fk_feedback_items_receiver_id_people")),
        sa.ForeignKeyConstraint(["request_id"], ["feedback_requests.id"],
                                name=op.f("fk_feedback_items_request_id_feedback_requests")),
        sa.ForeignKeyConstraint(["value_id"], ["company_values.id"],
                                name=op.f("fk_feedback_items_value_id_company_values"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_items")),
        sa.UniqueConstraint("request_id", name=op.f("uq_feedback_items_request_id")),
    )
    with op.batch_alter_table("feedback_items", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_items_receiver_created", ["receiver_id", "created_at"], unique=False)
        batch_op.create_index("ix_feedback_items_giver_created", ["giver_id", "created_at"], unique=False)

    op.create_table(
        "upward_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(length=12), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("body", sa.String(length=1000), nullable=False),
        sa.Column("answer", sa.String(length=1000), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["answered_by_id"], ["people.id"],
                                name=op.f("fk_upward_messages_answered_by_id_people")),
        sa.ForeignKeyConstraint(["author_id"], ["people.id"], name=op.f("fk_upward_messages_author_id_people")),
        sa.ForeignKeyConstraint(["recipient_id"], ["people.id"],
                                name=op.f("fk_upward_messages_recipient_id_people")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_upward_messages_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upward_messages")),
    )
    with op.batch_alter_table("upward_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_upward_messages_store_id"), ["store_id"], unique=False)
        batch_op.create_index("ix_upward_messages_recipient_created", ["recipient_id", "created_at"], unique=False)
        batch_op.create_index("ix_upward_messages_author_created", ["author_id", "created_at"], unique=False)

    op.create_table(
        "feed_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("source_ref", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["people.id"], name=op.f("fk_feed_items_actor_id_people"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_feed_items_store_id_stores"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["subject_id"], ["people.id"], name=op.f("fk_feed_items_subject_id_people"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_items")),
        sa.UniqueConstraint("source_ref", name=op.f("uq_feed_items_source_ref")),
    )
    with op.batch_alter_table("feed_items", schema=None) as batch_op:
        batch_op.create_index("ix_feed_items_store_created", ["store_id", "created_at", "id"], unique=False)

    op.create_table(
        "feed_reactions",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["feed_items.id"], name=op.f("fk_feed_reactions_item_id_feed_items"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_feed_reactions_person_id_people"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", "person_id", "kind", name=op.f("pk_feed_reactions")),
    )
    with op.batch_alter_table("feed_reactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feed_reactions_person_id"), ["person_id"], unique=False)


def downgrade():
    with op.batch_alter_table("feed_reactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_reactions_person_id"))
    op.drop_table("feed_reactions")
    with op.batch_alter_table("feed_items", schema=None) as batch_op:
        batch_op.drop_index("ix_feed_items_store_created")
    op.drop_table("feed_items")
    with op.batch_alter_table("upward_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_upward_messages_author_created")
        batch_op.drop_index("ix_upward_messages_recipient_created")
        batch_op.drop_index(batch_op.f("ix_upward_messages_store_id"))
    op.drop_table("upward_messages")
    with op.batch_alter_table("feedback_items", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_items_giver_created")
        batch_op.drop_index("ix_feedback_items_receiver_created")
    op.drop_table("feedback_items")
    with op.batch_alter_table("feedback_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_requests_requester_created")
        batch_op.drop_index("ix_feedback_requests_asked_status")
    op.drop_table("feedback_requests")
    op.drop_table("company_values")

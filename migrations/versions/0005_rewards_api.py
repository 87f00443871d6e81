"""rewards store and integration API tokens

Revision ID: 0005_rewards_api
Revises: 0002_points
Create Date: 2026-11-28 10:00:00

Written by hand; constraint names follow app.core.models.NAMING_CONVENTION so autogenerate sees no drift.
"""
from alembic import op
import sqlalchemy as sa


revision = "0005_rewards_api"
down_revision = "0002_points"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rewards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("cost", sa.Integer(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=True),
        sa.Column("per_person_limit", sa.Integer(), nullable=True),
        sa.Column("all_stores", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("image_filename", sa.String(length=64), nullable=True),
        sa.Column("illustration", sa.String(length=32), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("cost > 0", name=op.f("ck_rewards_cost_positive")),
        sa.CheckConstraint("stock IS NULL OR stock >= 0", name=op.f("ck_rewards_stock_not_negative")),
        sa.CheckConstraint("per_person_limit IS NULL OR per_person_limit > 0",
                           name=op.f("ck_rewards_limit_positive")),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"], name=op.f("fk_rewards_created_by_id_people"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rewards")),
    )
    with op.batch_alter_table("rewards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rewards_active"), ["active"], unique=False)

    op.create_table(
        "reward_stores",
        sa.Column("reward_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["reward_id"], ["rewards.id"], name=op.f("fk_reward_stores_reward_id_rewards"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_reward_stores_store_id_stores"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("reward_id", "store_id", name=op.f("pk_reward_stores")),
    )
    with op.batch_alter_table("reward_stores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reward_stores_store_id"), ["store_id"], unique=False)

    op.create_table(
        "redemptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reward_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("cost", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("spend_entry_id", sa.Integer(), nullable=True),
        sa.Column("refund_entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("refusal_reason", sa.String(length=280), nullable=True),
        sa.Column("fulfilled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["decided_by_id"], ["people.id"], name=op.f("fk_redemptions_decided_by_id_people")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_redemptions_person_id_people")),
        sa.ForeignKeyConstraint(["refund_entry_id"], ["point_entries.id"],
                                name=op.f("fk_redemptions_refund_entry_id_point_entries")),
        sa.ForeignKeyConstraint(["reward_id"], ["rewards.id"], name=op.f("fk_redemptions_reward_id_rewards")),
        sa.ForeignKeyConstraint(["spend_entry_id"], ["point_entries.id"],
                                name=op.f("fk_redemptions_spend_entry_id_point_entries")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_redemptions_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redemptions")),
        sa.UniqueConstraint("refund_entry_id", name=op.f("uq_redemptions_refund_entry_id")),
        sa.UniqueConstraint("spend_entry_id", name=op.f("uq_redemptions_spend_entry_id")),
    )
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.create_index("ix_redemptions_person_reward", ["person_id", "reward_id"], unique=False)
        batch_op.create_index("ix_redemptions_store_status", ["store_id", "status"], unique=False)

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("all_stores", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"], name=op.f("fk_api_tokens_created_by_id_people"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )

    op.create_table(
        "api_token_stores",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_api_token_stores_store_id_stores"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["token_id"], ["api_tokens.id"],
                                name=op.f("fk_api_token_stores_token_id_api_tokens"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_id", "store_id", name=op.f("pk_api_token_stores")),
    )
    with op.batch_alter_table("api_token_stores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_stores_store_id"), ["store_id"], unique=False)

    op.create_table(
        "api_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["point_entries.id"], name=op.f("fk_api_awards_entry_id_point_entries")),
        sa.ForeignKeyConstraint(["token_id"], ["api_tokens.id"], name=op.f("fk_api_awards_token_id_api_tokens")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_awards")),
        sa.UniqueConstraint("token_id", "idempotency_key", name="uq_api_awards_token_key"),
    )


def downgrade():
    op.drop_table("api_awards")
    with op.batch_alter_table("api_token_stores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_stores_store_id"))
    op.drop_table("api_token_stores")
    op.drop_table("api_tokens")
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.drop_index("ix_redemptions_store_status")
        batch_op.drop_index("ix_redemptions_person_reward")
    op.drop_table("redemptions")
    with op.batch_alter_table("reward_stores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reward_stores_store_id"))
    op.drop_table("reward_stores")
    with op.batch_alter_table("rewards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rewards_active"))
    op.drop_table("rewards")

"""store leagues and TV screen tokens

Revision ID: 0011_leagues
Revises: 0008_kpis
Create Date: 2026-11-27 19:00:00

Constraint names follow app.core.models.NAMING_CONVENTION so autogenerate sees no drift.
"""
from alembic import op
import sqlalchemy as sa


revision = "0011_leagues"
down_revision = "0008_kpis"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "store_headcounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["set_by_id"], ["people.id"], name=op.f("fk_store_headcounts_set_by_id_people"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_store_headcounts_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store_headcounts")),
        sa.UniqueConstraint("store_id", "month", name="uq_store_headcounts_store_month"),
    )

    op.create_table(
        "leagues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=True),
        sa.Column("division_size", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"], name=op.f("fk_leagues_created_by_id_people"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"], name=op.f("fk_leagues_district_id_districts")),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi_definitions.id"], name=op.f("fk_leagues_kpi_id_kpi_definitions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leagues")),
    )
    with op.batch_alter_table("leagues", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leagues_district_id"), ["district_id"], unique=False)

    op.create_table(
        "league_seasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("league_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["league_id"], ["leagues.id"], name=op.f("fk_league_seasons_league_id_leagues"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_league_seasons")),
        sa.UniqueConstraint("league_id", "month", name="uq_league_seasons_league_month"),
    )

    op.create_table(
        "league_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("division", sa.Integer(), nullable=False),
        sa.Column("movement", sa.String(length=12), nullable=False),
        sa.Column("final_rank", sa.Integer(), nullable=True),
        sa.Column("final_score", sa.Double(), nullable=True),
        sa.Column("final_value", sa.Double(), nullable=True),
        sa.Column("final_base", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(["season_id"], ["league_seasons.id"],
                                name=op.f("fk_league_memberships_season_id_league_seasons"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_league_memberships_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_league_memberships")),
        sa.UniqueConstraint("season_id", "store_id", name="uq_league_memberships_season_store"),
    )
    with op.batch_alter_table("league_memberships", schema=None) as batch_op:
        batch_op.create_index("ix_league_memberships_store_season", ["store_id", "season_id"], unique=False)

    op.create_table(
        "screen_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"], name=op.f("fk_screen_tokens_created_by_id_people"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_screen_tokens_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screen_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_screen_tokens_token_hash")),
    )
    with op.batch_alter_table("screen_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screen_tokens_store_id"), ["store_id"], unique=False)


def downgrade():
    with op.batch_alter_table("screen_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screen_tokens_store_id"))
    op.drop_table("screen_tokens")
    with op.batch_alter_table("league_memberships", schema=None) as batch_op:
        batch_op.drop_index("ix_league_memberships_store_season")
    op.drop_table("league_memberships")
    op.drop_table("league_seasons")
    with op.batch_alter_table("leagues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leagues_district_id"))
    op.drop_table("leagues")
    op.drop_table("store_headcounts")

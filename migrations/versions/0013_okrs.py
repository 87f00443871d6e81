"""objectives and key results

Revision ID: 0013_okrs
Revises: 0008_kpis
Create Date: 2026-11-27 19:00:00

Constraint names follow app.core.models.NAMING_CONVENTION so autogenerate sees no drift.
"""
from alembic import op
import sqlalchemy as sa


revision = "0013_okrs"
down_revision = "0008_kpis"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "goal_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("key_results", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"], name=op.f("fk_goal_templates_created_by_id_people"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_templates")),
    )

    op.create_table(
        "objectives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"], name=op.f("fk_objectives_district_id_districts")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_objectives_store_id_stores")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_objectives_person_id_people")),
        sa.ForeignKeyConstraint(["parent_id"], ["objectives.id"], name=op.f("fk_objectives_parent_id_objectives"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["owner_id"], ["people.id"], name=op.f("fk_objectives_owner_id_people")),
        sa.ForeignKeyConstraint(["template_id"], ["goal_templates.id"],
                                name=op.f("fk_objectives_template_id_goal_templates"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"], name=op.f("fk_objectives_created_by_id_people"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objectives")),
    )
    with op.batch_alter_table("objectives", schema=None) as batch_op:
        batch_op.create_index("ix_objectives_period", ["period_start", "period_end"], unique=False)
        for column in ("district_id", "store_id", "person_id", "parent_id", "owner_id", "template_id"):
            batch_op.create_index(batch_op.f(f"ix_objectives_{column}"), [column], unique=False)

    op.create_table(
        "key_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("start_value", sa.Double(), nullable=False),
        sa.Column("target_value", sa.Double(), nullable=False),
        sa.Column("current_value", sa.Double(), nullable=True),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["objective_id"], ["objectives.id"], name=op.f("fk_key_results_objective_id_objectives"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi_definitions.id"], name=op.f("fk_key_results_kpi_id_kpi_definitions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_results")),
    )
    with op.batch_alter_table("key_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_key_results_objective_id"), ["objective_id"], unique=False)

    op.create_table(
        "okr_check_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_result_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("confidence", sa.String(length=12), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["key_result_id"], ["key_results.id"],
                                name=op.f("fk_okr_check_ins_key_result_id_key_results"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_okr_check_ins_person_id_people"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_okr_check_ins")),
    )
    with op.batch_alter_table("okr_check_ins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_okr_check_ins_key_result_id"), ["key_result_id"], unique=False)


def downgrade():
    with op.batch_alter_table("okr_check_ins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_okr_check_ins_key_result_id"))
    op.drop_table("okr_check_ins")
    with op.batch_alter_table("key_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_key_results_objective_id"))
    op.drop_table("key_results")
    with op.batch_alter_table("objectives", schema=None) as batch_op:
        for column in ("district_id", "store_id", "person_id", "parent_id", "owner_id", "template_id"):
            batch_op.drop_index(batch_op.f(f"ix_objectives_{column}"))
        batch_op.drop_index("ix_objectives_period")
    op.drop_table("objectives")
    op.drop_table("goal_templates")

"""Employee numbers unique whatever their case: "e-100" and "E-100" are the same badge, and signing in or
an import matching one must never find two people. Existing clashes are reported, not merged: the
migration stops and lists them, and someone who knows the people decides which number changes.

Revision ID: 0023_employee_number_ci
Revises: 0022_password_resets
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_employee_number_ci"
down_revision = "0022_password_resets"
branch_labels = None
depends_on = None

INDEX = "uq_people_employee_number_ci"


def upgrade():
    clashes = op.get_bind().execute(sa.text(
        "SELECT lower(employee_number) AS number, id, employee_number, full_name FROM people "
        "WHERE lower(employee_number) IN (SELECT lower(employee_number) FROM people "
        "GROUP BY lower(employee_number) HAVING COUNT(*) > 1) "
        "ORDER BY lower(employee_number), id")).all()
    if clashes:
        lines = "\n".join(f"  {row.employee_number!r} (person {row.id}, {row.full_name})" for row in clashes)
        raise RuntimeError(
            "Employee numbers that differ only in upper/lower case belong to different people. Give each "
            "person a number of their own (flask org or the People screen), then run the upgrade again:\n"
            + lines)
    op.create_index(INDEX, "people", [sa.text("lower(employee_number)")], unique=True)


def downgrade():
    op.drop_index(INDEX, table_name="people")

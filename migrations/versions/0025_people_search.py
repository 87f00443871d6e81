"""People found whatever the accents and case: "niccolo" finds "Niccolò" (app/org/search.py).

people.search_name holds the name folded by app.org.names.fold; existing rows are filled here in Python
(the same function the model uses, so SQLite and PostgreSQL agree and no unaccent extension is needed).
If fold ever changes, a later migration refolds every name the same way.

Revision ID: 0025_people_search
Revises: 0024_first_day
"""

import sqlalchemy as sa
from alembic import op

from app.org.names import SEARCH_NAME_LENGTH, search_name_for

revision = "0025_people_search"
down_revision = "0024_first_day"
branch_labels = None
depends_on = None

INDEX = "ix_people_search_name"
BATCH = 500


def upgrade():
    # Plain ALTER TABLE, not batch mode: rebuilding the table on SQLite would lose the expression index
    # on lower(employee_number) (0023), which SQLite's reflection can't read back.
    op.add_column("people", sa.Column("search_name", sa.String(SEARCH_NAME_LENGTH), nullable=False,
                                      server_default=""))
    connection = op.get_bind()
    people = sa.table("people", sa.column("id", sa.Integer), sa.column("full_name", sa.String),
                      sa.column("search_name", sa.String))
    rows = connection.execute(sa.select(people.c.id, people.c.full_name)).all()
    for start in range(0, len(rows), BATCH):
        connection.execute(
            sa.update(people).where(people.c.id == sa.bindparam("person_id"))
            .values(search_name=sa.bindparam("folded")),
            [{"person_id": row.id, "folded": search_name_for(row.full_name)} for row in rows[start:start + BATCH]])
    op.create_index(INDEX, "people", ["search_name"])


def downgrade():
    op.drop_index(INDEX, table_name="people")
    op.drop_column("people", "search_name")  # SQLite 3.35+ drops a column in place

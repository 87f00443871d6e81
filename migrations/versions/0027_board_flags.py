"""Board flags and the company board's points histogram (docs/benchmarks.md, Growth):

- board_scores keeps people.active and the wide-board privacy setting of its person (`active`,
  `hidden_wide`), and the board indexes hold them before the points, in the board's order (points high
  first, then who reached them first, then id): a rank is a range count over one index, with no join to
  people or board_privacy per person above. Replaces the indexes of 0018.
- board_points counts, per period, the company board's members at each score. A rank far down the
  company board is the sum of the rows above: a few hundred rows at any chain size, where the count
  read one index entry per person above (4.6 ms at 50,000 people, and growing with them).
  Database triggers on board_scores keep it, so every writer (the award's upsert, the person and
  privacy changes, the rebuild, a bulk load) keeps it exact in its own statement, with no statement
  more on the award path. On PostgreSQL the trigger takes the lower score's row first, so concurrent
  awards lock the histogram's rows in one order and cannot deadlock on them.

SQLite: a later migration that rebuilds board_scores in batch mode (batch_alter_table) drops its
triggers with the old table and must create them again (TRIGGERS_SQLITE below).

Revision ID: 0027_board_flags
Revises: 0026_definition_versions
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_board_flags"
down_revision = "0026_definition_versions"
branch_labels = None
depends_on = None

BOARDS = {
    "ix_board_scores_store_board": ["store_id", "period", "period_start"],
    "ix_board_scores_district_board": ["district_id", "period", "period_start"],
    "ix_board_scores_company_board": ["period", "period_start"],
}
FLAGS = {"ix_board_scores_store_board": ["active"]}  # store boards don't apply the privacy setting

# A score row counts in the histogram when it is on the company board: active, not hidden, points > 0.
COUNTS = "{row}.active AND NOT {row}.hidden_wide AND {row}.points > 0"
_ADD = """INSERT INTO board_points (period, period_start, points, members)
    SELECT new.period, new.period_start, new.points, 1 WHERE {counts}
    ON CONFLICT (period, period_start, points) DO UPDATE SET members = board_points.members + 1;"""
_REMOVE = """UPDATE board_points SET members = members - 1
    WHERE {counts} AND period = old.period AND period_start = old.period_start AND points = old.points;"""
TRIGGERS_SQLITE = [
    f"""CREATE TRIGGER board_points_insert AFTER INSERT ON board_scores BEGIN
    {_ADD.format(counts=COUNTS.format(row="new"))}
END""",
    f"""CREATE TRIGGER board_points_update AFTER UPDATE OF points, active, hidden_wide ON board_scores
WHEN old.points IS NOT new.points OR old.active IS NOT new.active OR old.hidden_wide IS NOT new.hidden_wide BEGIN
    {_REMOVE.format(counts=COUNTS.format(row="old"))}
    {_ADD.format(counts=COUNTS.format(row="new"))}
END""",
    f"""CREATE TRIGGER board_points_delete AFTER DELETE ON board_scores BEGIN
    {_REMOVE.format(counts=COUNTS.format(row="old"))}
END""",
]
TRIGGERS_POSTGRESQL = [
    """CREATE FUNCTION board_points_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was integer;  -- the score the row counted at before, NULL when it did not count
    now integer;  -- the score it counts at now
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.active AND NOT OLD.hidden_wide AND OLD.points > 0 THEN was := OLD.points; END IF;
    IF TG_OP <> 'DELETE' AND NEW.active AND NOT NEW.hidden_wide AND NEW.points > 0 THEN now := NEW.points; END IF;
    IF was IS NOT DISTINCT FROM now THEN
        RETURN NULL;
    END IF;
    -- The lower score's row first: concurrent writers lock the histogram's rows in one order.
    IF was IS NOT NULL AND (now IS NULL OR was < now) THEN
        UPDATE board_points SET members = members - 1
        WHERE period = OLD.period AND period_start = OLD.period_start AND points = was;
        was := NULL;
    END IF;
    IF now IS NOT NULL THEN
        INSERT INTO board_points (period, period_start, points, members)
        VALUES (NEW.period, NEW.period_start, now, 1)
        ON CONFLICT (period, period_start, points) DO UPDATE SET members = board_points.members + 1;
    END IF;
    IF was IS NOT NULL THEN
        UPDATE board_points SET members = members - 1
        WHERE period = OLD.period AND period_start = OLD.period_start AND points = was;
    END IF;
    RETURN NULL;
END
$$""",
    """CREATE TRIGGER board_points_follow AFTER INSERT OR DELETE OR UPDATE OF points, active, hidden_wide
ON board_scores FOR EACH ROW EXECUTE FUNCTION board_points_follow()""",
]


def upgrade():
    # Plain ALTER TABLE and CREATE INDEX (SQLite adds a column with a constant default in place): no table
    # rebuild for a table of a row per person and period.
    op.add_column("board_scores", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("board_scores", sa.Column("hidden_wide", sa.Boolean(), nullable=False,
                                            server_default=sa.false()))
    scores = sa.table("board_scores", sa.column("person_id", sa.Integer), sa.column("period", sa.String),
                      sa.column("period_start", sa.Date), sa.column("points", sa.Integer),
                      sa.column("active", sa.Boolean), sa.column("hidden_wide", sa.Boolean))
    people = sa.table("people", sa.column("id", sa.Integer), sa.column("active", sa.Boolean))
    privacy = sa.table("board_privacy", sa.column("person_id", sa.Integer), sa.column("hidden_wide", sa.Boolean))
    op.execute(sa.update(scores).where(scores.c.person_id.in_(
        sa.select(people.c.id).where(people.c.active.is_(False)))).values(active=False))
    op.execute(sa.update(scores).where(scores.c.person_id.in_(
        sa.select(privacy.c.person_id).where(privacy.c.hidden_wide.is_(True)))).values(hidden_wide=True))
    for name, scope in BOARDS.items():
        op.drop_index(name, table_name="board_scores")
        flags = FLAGS.get(name, ["active", "hidden_wide"])
        op.create_index(name, "board_scores", [*scope, *flags, sa.text("points DESC"), "reached_at", "person_id"])

    op.create_table(
        "board_points",
        sa.Column("period", sa.String(length=5), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("points", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("period", "period_start", "points", name=op.f("pk_board_points")),
    )
    points = sa.table("board_points", sa.column("period", sa.String), sa.column("period_start", sa.Date),
                      sa.column("points", sa.Integer), sa.column("members", sa.Integer))
    op.execute(points.insert().from_select(
        ["period", "period_start", "points", "members"],
        sa.select(scores.c.period, scores.c.period_start, scores.c.points, sa.func.count())
        .where(scores.c.active.is_(True), scores.c.hidden_wide.is_(False), scores.c.points > 0)
        .group_by(scores.c.period, scores.c.period_start, scores.c.points)))
    for statement in TRIGGERS_POSTGRESQL if op.get_bind().dialect.name == "postgresql" else TRIGGERS_SQLITE:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER board_points_follow ON board_scores")
        op.execute("DROP FUNCTION board_points_follow()")
    else:
        for name in ("board_points_insert", "board_points_update", "board_points_delete"):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("board_points")
    for name, scope in BOARDS.items():
        op.drop_index(name, table_name="board_scores")
        op.create_index(name, "board_scores", [*scope, "points", "person_id"])
    op.drop_column("board_scores", "hidden_wide")  # SQLite 3.35+ drops a column in place
    op.drop_column("board_scores", "active")

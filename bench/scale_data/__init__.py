"""Data at scale: an empty database, migrated to head, filled with a chain of `stores` stores in districts
of about ten, `people` people, a year of about `entries` ledger entries with everything the app derives
from them kept consistent (balances, board scores, journey stages, streaks, badges, mission
assignments and completions), and a year of daily KPI measurements with monthly targets.

    .venv/bin/python -m bench.scale_data --database-url sqlite:////tmp/scale.db
    .venv/bin/python -m bench.scale_data --database-url postgresql://postgres@127.0.0.1:5432/ascent_scale \\
        --stores 200 --people 10000 --entries 1000000

Sign-ins, all with the password `ascent-demo`: admin@scale.ascent, hr@scale.ascent, dm{d}@scale.ascent
(district d), sm{s}@scale.ascent (store s), staff{n}@scale.ascent (staff1 is in store 1).

`generate()` is what bench.page_load and bench.growth import."""

from __future__ import annotations

import random
import time

from bench.scale_data import database, history, kpis, org, rules
from bench.scale_data.calendar import Calendar

PASSWORD = "ascent-demo"  # the documented demo password, as app/demo uses


def _shares(total: int, count: int, rng: random.Random) -> list[int]:
    """`total` entries over `count` people, some far busier than others; sums to `total` exactly."""
    weights = [rng.lognormvariate(0, 0.5) for _ in range(count)]
    scale = total / sum(weights)
    shares = [int(weight * scale) for weight in weights]
    for index in rng.sample(range(count), total - sum(shares)):
        shares[index] += 1
    return shares


def _missions(writer, hr_id: int, first_day, now) -> None:
    for mission in rules.MISSIONS:
        writer.add("missions", {
            "id": mission.id, "title": mission.title, "description": "", "evidence_type": mission.evidence,
            "requires_approval": False, "points": mission.points, "badge_id": None, "quiz_pass_mark": 80,
            "store_id": None, "audience": "store", "audience_role": None, "new_hire_days": None,
            "start_date": first_day, "due_date": None, "recurrence": mission.recurrence, "active": True,
            "created_by_id": hr_id, "updated_at": now, "created_at": now})


def generate(database_url: str, *, stores: int = 200, people: int = 10_000, entries: int = 1_000_000, seed: int = 1,
             districts: int | None = None, kpi_days: int | None = None, quiet: bool = False) -> dict:
    """(Re)create the database at `database_url` and fill it. Returns counts and seconds per phase.
    `kpi_days` limits the KPI measurements to the last days (default: the whole year)."""
    from app.auth.passwords import hash_password
    from app.core.models import utcnow
    from app.extensions import db
    from app.leaderboards.scores import refill_points

    started = time.perf_counter()
    phases: list[dict] = []

    def phase(name: str, since: float, rows: int) -> float:
        now_ = time.perf_counter()
        phases.append({"phase": name, "seconds": round(now_ - since, 2), "rows": rows})
        if not quiet:
            print(f"  {name:<28} {now_ - since:7.2f} s  {rows:>10,} rows", flush=True)
        return now_

    url = database.recreate(database_url)
    database.migrate(url)
    mark = phase("empty database, migrations", started, 0)
    rng = random.Random(seed)
    now = utcnow().replace(microsecond=0)
    districts = districts or org.default_districts(stores)
    password_hash = hash_password(PASSWORD)  # once: every account shares it
    engine = database.load_engine(url)
    try:
        with engine.begin() as connection:
            database.skip_foreign_key_triggers(connection)
            writer = database.BulkWriter(connection, db.metadata)
            ids = history.Ids()
            calendar = Calendar(now, org.TIMEZONE)
            chain = org.build(writer, rng, stores=stores, districts=districts, people=people,
                              password_hash=password_hash, now=now)
            _missions(writer, hr_id=chain.hr_id, first_day=calendar.days[0].local, now=now)
            writer.flush_all()
            mark = phase("org and missions", mark, sum(writer.counts.values()))

            before = sum(writer.counts.values())
            context = history.Context(writer, ids, rules.read_rules(connection), calendar, chain.store_codes,
                                      chain.district_of_store, chain.store_manager)
            for (person_id, store_id), share in zip(chain.staff, _shares(entries, len(chain.staff), rng),
                                                    strict=True):
                history.live_year(context, person_id, store_id, share, random.Random(rng.getrandbits(64)))
            writer.flush_all()
            # The company board's histogram, from the scores just written (on PostgreSQL the load skipped
            # the triggers that keep it); on SQLite the triggers built it already, the same.
            for statement in refill_points():
                connection.execute(statement)
            mark = phase("ledger, boards, journey", mark, sum(writer.counts.values()) - before)

            before = sum(writer.counts.values())
            target_setters = {store: chain.district_manager[district]
                              for store, district in chain.district_of_store.items()}
            kpis.fill(writer, ids, connection, calendar, list(chain.store_codes), rng, target_setters, now,
                      kpi_days)
            writer.flush_all()
            mark = phase("KPI measurements, targets", mark, sum(writer.counts.values()) - before)
            writer.reset_sequences()
        with engine.connect() as connection:  # the planner needs statistics for the new tables
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA analysis_limit=1000")  # sampled: seconds, not minutes
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
        mark = phase("analyze", mark, 0)
    finally:
        engine.dispose()
    counts = dict(sorted(writer.counts.items()))
    result = {"database": engine.dialect.name, "stores": stores, "districts": districts, "people": people,
              "entries": counts.get("point_entries", 0), "board_scores": counts.get("board_scores", 0),
              "kpi_measurements": counts.get("kpi_measurements", 0), "rows": sum(counts.values()),
              "seconds": round(time.perf_counter() - started, 2), "phases": phases, "counts": counts,
              "history_days": len(calendar.days), "first_day": str(calendar.days[0].local),
              "generated_at": str(now)}
    return result

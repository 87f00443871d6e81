"""People import: how long HR's "Import" takes (and so holds the database's write lock) for a file of new
people, on the demo chain with its missions and active onboarding journey, so every new person is handed
their store's missions and the journey. The preview is timed too. Each size runs on a fresh database;
the figures are wall-clock seconds of `plan_import` and `import_people` + commit, in process.

    .venv/bin/python -m bench.people_import                      # SQLite, then PostgreSQL; 200, 1,000, 5,000
    .venv/bin/python -m bench.people_import --databases sqlite --sizes 200 1000

Writes bench/results/people_import.json and .md."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench.live_fanout import _fresh_postgres
from bench.report import write_results

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
COLUMNS = ["database", "people", "preview_s", "import_s", "ms_per_person", "assignments"]


def _export(people: int, store_codes: list[str]) -> bytes:
    """An Italian HR export: semicolons, Windows-1252, dd/mm/yyyy, surname and first name apart; one in ten
    hired this month (they onboard), the rest veterans."""
    lines = ["Matricola;Cognome;Nome;Ruolo;Negozio;Data assunzione"]
    for n in range(people):
        hired = "01/12/2026" if n % 10 == 0 else "15/03/2019"
        lines.append(f"IMP{n:05d};Rossì{n};Niccolò;Addetto/a alle vendite;{store_codes[n % len(store_codes)]};{hired}")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def run_one(database_url: str, people: int) -> dict:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.missions.demo import load_missions
    from app.missions.models import MissionAssignment
    from app.org.demo import load_org
    from app.org.importer import import_people, plan_import
    from app.org.models import Person, Store

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": None, "JOBS_IMMEDIATE": True,
                      "RATELIMIT_STORAGE_URI": "memory://", "IMPORT_MAX_ROWS": max(people, 5000)})
    with app.test_request_context():
        upgrade()
        load_org()
        load_missions()
        db.session.commit()
        hr = db.session.scalar(sa.select(Person).where(Person.email == "hr@demo.ascent"))
        codes = list(db.session.scalars(sa.select(Store.code).where(Store.closed_at.is_(None))))
        before = db.session.scalar(sa.select(sa.func.count(MissionAssignment.id)))
        raw = _export(people, codes)
        started = time.perf_counter()
        plan = plan_import(hr, raw, max_rows=max(people, 5000))
        preview = time.perf_counter() - started
        assert plan.ok, plan.problems[:3]
        started = time.perf_counter()
        done = import_people(hr, raw, max_rows=max(people, 5000), fingerprint=plan.fingerprint)
        db.session.commit()
        elapsed = time.perf_counter() - started
        assert done.ok and len(done.created) == people, done.problems[:3]
        after = db.session.scalar(sa.select(sa.func.count(MissionAssignment.id)))
        db.session.remove()
        db.engine.dispose()
    return {"people": people, "preview_s": round(preview, 2), "import_s": round(elapsed, 2),
            "ms_per_person": round(1000 * elapsed / people, 1), "assignments": after - before}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--sizes", nargs="+", type=int, default=[200, 1000, 5000])
    args = parser.parse_args()
    rows = []
    for database in args.databases:
        for size in args.sizes:
            with tempfile.TemporaryDirectory() as folder:
                url = (f"sqlite:///{Path(folder) / 'import.db'}" if database == "sqlite"
                       else _fresh_postgres(POSTGRES_URL))
                rows.append({"database": database, **run_one(url, size)})
                print(rows[-1], flush=True)
    write_results("people_import", rows, COLUMNS,
                  targets="an import of 1,000 people well inside a proxy's 60 s timeout (it holds SQLite's "
                          "write lock meanwhile)")


if __name__ == "__main__":
    main()

"""`python -m bench.scale_data --database-url URL [--stores 200] [--people 10000] [--entries 1000000] [--seed 1]`:
fill a fresh database and print the phases; writes bench/results/scale_data.json and .md."""

from __future__ import annotations

import argparse
import json

from bench.report import RESULTS, write_results
from bench.scale_data import generate

TARGET = "10,000 people and 1,000,000 ledger entries in under 5 minutes, on SQLite and on PostgreSQL"


def _other_databases(database: str) -> list[dict]:
    """The last run's rows for the other database: one run per database, one table for both."""
    try:
        earlier = json.loads((RESULTS / "scale_data.json").read_text())["rows"]
    except (OSError, ValueError, KeyError):
        return []
    return [row for row in earlier if row.get("database") != database]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True,
                        help="sqlite:////path/file.db (deleted first) or postgresql://…/name (dropped first)")
    parser.add_argument("--stores", type=int, default=200)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--districts", type=int, default=None, help="default: about one per ten stores")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"Generating {args.stores} stores, {args.people:,} people, {args.entries:,} base entries …", flush=True)
    result = generate(args.database_url, stores=args.stores, people=args.people, entries=args.entries,
                      seed=args.seed, districts=args.districts)
    size = {"database": result["database"], "people": f"{result['people']:,}", "stores": result["stores"]}
    rows = [{**size, "phase": p["phase"], "seconds": p["seconds"], "rows": f"{p['rows']:,}"} for p in result["phases"]]
    rows.append({**size, "phase": f"total ({result['entries']:,} ledger entries)", "seconds": result["seconds"],
                 "rows": f"{result['rows']:,}"})
    print()
    for table, count in result["counts"].items():
        print(f"  {table:<32} {count:>10,}")
    print()
    write_results("scale_data", _other_databases(result["database"]) + rows,
                  ["database", "people", "stores", "phase", "seconds", "rows"], targets=TARGET + ".")


if __name__ == "__main__":
    main()

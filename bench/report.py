"""Where benchmark figures go: a JSON result and a markdown table per benchmark in bench/results/, with the
machine they ran on. docs/benchmarks.md quotes the latest tables."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    with open("/proc/meminfo") as info:
        memory_kb = int(next(line.split()[1] for line in info if line.startswith("MemTotal")))
    return (f"{os.cpu_count()} vCPU {cpu}, {memory_kb / 1024 / 1024:.0f} GiB, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def markdown_table(rows: list[dict], columns: list[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
    for row in rows:
        lines.append("| " + " | ".join("" if row.get(column) is None else str(row.get(column))
                                       for column in columns) + " |")
    return "\n".join(lines)


def write_results(name: str, rows: list[dict], columns: list[str], *, targets: str = "") -> Path:
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    payload = {"benchmark": name, "ran_at": stamp, "machine": machine(), "targets": targets, "rows": rows}
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n")
    table = markdown_table(rows, columns)
    text = f"### {name}\n\n{stamp} on {payload['machine']}.\n\n{table}\n"
    if targets:
        text += f"\nTargets: {targets}\n"
    (RESULTS / f"{name}.md").write_text(text)
    print(table)
    return RESULTS / f"{name}.md"

"""Benchmark results: each figure beside its floor and their ratio, printed as a rich table and
written as Markdown and JSON."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.stats import ratio

RESULTS_MD = "benchmarks.md"
RESULTS_JSON = "benchmarks.json"


@dataclass
class Figure:
    """One measured figure beside the floor it is compared with.

    `ratio` is measured ÷ floor: above 1 is slower (times, memory), below 1 is less (throughput).
    `met` says whether `goal` was reached (None: no goal, or nothing to judge)."""

    name: str
    value: float | None
    unit: str
    floor: float | None = None
    floor_name: str = ""
    goal: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        return ratio(self.value, self.floor)

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


@dataclass
class BenchmarkResult:
    key: str
    title: str
    setup: str  # what was run, in a sentence
    figures: list[Figure] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)  # correctness verified along the way
    notes: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)  # raw numbers, for the JSON file

    def figure(self, name: str) -> Figure:
        return next(f for f in self.figures if f.name == name)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "setup": self.setup,
            "figures": [f.as_dict() for f in self.figures],
            "checks": self.checks,
            "notes": self.notes,
            "details": self.details,
        }


def machine() -> dict:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "load_average_at_start": [round(x, 2) for x in load] if load else None,
    }


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        text = f"{value:,}"
    elif abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def ratio_text(figure: Figure) -> str:
    return "–" if figure.ratio is None else f"{figure.ratio:.2f}×"


def goal_text(figure: Figure) -> str:
    if not figure.goal:
        return ""
    mark = {True: "✓ ", False: "✗ ", None: ""}[figure.met]
    return f"{mark}{figure.goal}"


def rows(results: list[BenchmarkResult]) -> list[list[str]]:
    table = []
    for result in results:
        for index, figure in enumerate(result.figures):
            floor = number(figure.floor, figure.unit)
            if figure.floor is not None and figure.floor_name:
                floor += f" ({figure.floor_name})"
            table.append(
                [
                    result.title if index == 0 else "",
                    figure.name,
                    number(figure.value, figure.unit),
                    floor,
                    ratio_text(figure),
                    goal_text(figure),
                ]
            )
    return table


HEADERS = ["Benchmark", "Figure", "Measured", "Floor", "Ratio", "Goal"]


def print_table(results: list[BenchmarkResult], console: Console, about: dict) -> None:
    table = Table(title=f"Benchmarks · {about['date']} · {about['cores']} cores", show_lines=False)
    for header in HEADERS:
        table.add_column(header, overflow="fold")
    for index, row in enumerate(rows(results)):
        if row[0] and index:
            table.add_section()
        table.add_row(*row)
    console.print(table)
    for result in results:
        for name, passed in result.checks.items():
            console.print(f"{'✓' if passed else '✗'} {result.title}: {name}")
        for note in result.notes:
            console.print(f"[dim]• {result.title}: {note}[/dim]")


def markdown(results: list[BenchmarkResult], about: dict) -> str:
    load = about.get("load_average_at_start")
    lines = [
        f"# Benchmarks, {about['date']}",
        "",
        f"{about['cores']} cores, Python {about['python']}, {about['platform']}"
        + (f", load average {load[0]} at start" if load else "")
        + ". Ratio = measured ÷ floor, both measured in this run.",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "| " + " | ".join("---" for _ in HEADERS) + " |",
    ]
    lines += [
        "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows(results)
    ]
    for result in results:
        lines += ["", f"**{result.title}.** {result.setup}"]
        lines += [f"- {'✓' if ok else '✗'} {name}" for name, ok in result.checks.items()]
        lines += [f"- {note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def write(results: list[BenchmarkResult], out: Path, about: dict) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    md_path, json_path = out / RESULTS_MD, out / RESULTS_JSON
    md_path.write_text(markdown(results, about), encoding="utf-8")
    payload = {"machine": about, "results": [r.as_dict() for r in results]}
    json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    return md_path, json_path

"""`uv run python -m benchmarks [--quick] [--database postgresql://…] [--out benchmark-results/]`

Runs the benchmarks, prints the table and writes it to OUT/benchmarks.md and OUT/benchmarks.json.
Exits 1 if a correctness check failed (a figure missing its goal is reported, not a failure).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from benchmarks.report import BenchmarkResult, machine, print_table, write

BENCHMARKS = ("votes", "summary", "fanout", "memory")
SIZES = ("full", "quick", "tiny")
DEFAULT_OUT = Path("benchmark-results")


def run_benchmarks(
    size: str = "full",
    only: tuple[str, ...] = BENCHMARKS,
    database_url: str | None = None,
    out: Path = DEFAULT_OUT,
    console: Console | None = None,
) -> list[BenchmarkResult]:
    """Run the chosen benchmarks at `size` ("full", "quick" or "tiny"), print the table and write
    it to `out`. `database_url` (PostgreSQL) adds it to the summary benchmark and is used instead
    of a fresh SQLite file by the others."""
    # Imported here: `python -m benchmarks.load` children must not pay for the bot's imports.
    from benchmarks import digest_fanout, memory, summary_size, vote_latency

    console = console or Console(width=None if sys.stdout.isatty() else 160)
    about = machine()
    results: list[BenchmarkResult] = []
    say: Callable[[str], None] = lambda text: console.print(f"[bold]→[/bold] {text}")  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="workshop-bench-") as scratch:
        workdir = Path(scratch)
        if "votes" in only or "memory" in only:
            config = getattr(vote_latency, size.upper())
            say(
                f"Vote click latency: {config.users} users for {config.duration_s:g} s against "
                "raw HTTP, the bare Bolt app, then the bot"
            )
            runs = vote_latency.run(config, workdir / "votes", database_url)
            if "votes" in only:
                results.append(vote_latency.result(runs))
            if "memory" in only:
                results.append(memory.result(runs))
        if "summary" in only:
            config = getattr(summary_size, size.upper())
            say(f"Summary at size: {config.size.describe()}")
            timings = summary_size.run(config, workdir / "summary", database_url)
            results.append(summary_size.result(config, timings))
        if "fanout" in only:
            config = getattr(digest_fanout, size.upper())
            say(
                f"Digest fan-out: {config.workshops:,} digests over {config.channels} channels, "
                "bare posts first"
            )
            runs = digest_fanout.run(config, workdir / "fanout", database_url)
            results.append(digest_fanout.result(runs))
    results.sort(key=lambda r: BENCHMARKS.index(r.key))
    print_table(results, console, about)
    md_path, json_path = write(results, out, about)
    console.print(f"Written to {md_path} and {json_path}")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmarks of the workshop bot, each beside a floor measured in the same run.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller and shorter (same as --size quick)"
    )
    parser.add_argument("--size", choices=SIZES, default="full", help="how big (default: full)")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="a PostgreSQL database to use besides SQLite; each benchmark works in a schema of "
        "its own (bench_*), dropped afterwards",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"where to write (default: {DEFAULT_OUT}/)"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=BENCHMARKS,
        help="run only this benchmark (repeatable; memory comes from the vote run)",
    )
    args = parser.parse_args(argv)
    size = "quick" if args.quick else args.size
    results = run_benchmarks(size, tuple(args.only or BENCHMARKS), args.database, args.out)
    failed = [name for r in results for name, ok in r.checks.items() if not ok]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

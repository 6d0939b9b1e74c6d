"""Benchmark 2: the summaries of a big workshop, beside one raw SQL aggregate over its ratings.

A workshop of 50 touchpoints × 200 raters (10,000 ratings), 40 stakeholders with ratings, 500
fixes and 5,000 votes is seeded in bulk. Then, each repeated and the median taken, each in a
session of its own as a request would use:

- the gap results (`flows.gaps.results.gap_results`: every figure of the round);
- the digest (`flows.digest.build_digest` and
  `bot.digests.blocks.digest.build_digest_blocks`, down to the JSON-ready dicts sent to Slack);
- the floor: one GROUP BY over the same ratings (count, sums and means per touchpoint), fetched
  on a plain connection.

On SQLite always, and on PostgreSQL too when a URL is given.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import event, text

import bot.app  # noqa: F401  (registers every feature's board figures)
from benchmarks.databases import BenchDatabase, fresh_postgres, fresh_sqlite
from benchmarks.report import BenchmarkResult, Figure
from benchmarks.seed import WorkshopSize, seed_big_workshop
from benchmarks.stats import median, time_repeats
from bot.digests.blocks.digest import build_digest_blocks
from bot.slack.blocks import MAX_MESSAGE_BLOCKS
from flows.digest import build_digest
from flows.gaps.results import gap_results
from flows.reports import register_reports
from flows.workshops import get_workshop
from storage.db import Database

TEAM_ID = "T0BENCHSUM"
CHANNEL_ID = "C0BENCHSUM"
GOAL_RATIO = 3.0

FLOOR_SQL = text(
    """
    SELECT touchpoint_id,
           count(*),
           avg(expectation),
           avg(experience),
           avg(experience - expectation),
           sum((experience - expectation) * (experience - expectation)),
           avg(importance)
    FROM gap_rating
    WHERE team_id = :team AND workshop_id = :workshop AND round = 1
    GROUP BY touchpoint_id
    """
)


@dataclass(frozen=True)
class SummaryConfig:
    size: WorkshopSize = field(default_factory=WorkshopSize)
    repeats: int = 9


FULL = SummaryConfig()
QUICK = SummaryConfig(repeats=5)
TINY = SummaryConfig(
    WorkshopSize(
        stages=2,
        touchpoints_per_stage=3,
        raters=8,
        stakeholders=4,
        stakeholder_raters=3,
        fixes=12,
        voters=8,
        votes_per_voter=3,
    ),
    repeats=2,
)


@dataclass
class BackendTimings:
    backend: str
    seed_s: float
    floor_s: list[float]
    gaps_s: list[float]
    digest_s: list[float]
    agrees_with_floor: bool
    digest_blocks: int
    gaps_statements: int  # SQL statements one run sends
    digest_statements: int

    def summary(self) -> dict:
        return {
            "seed_s": self.seed_s,
            "floor_median_ms": median(self.floor_s) * 1000,  # type: ignore[operator]
            "gaps_median_ms": median(self.gaps_s) * 1000,  # type: ignore[operator]
            "digest_median_ms": median(self.digest_s) * 1000,  # type: ignore[operator]
            "floor_ms": [t * 1000 for t in self.floor_s],
            "gaps_ms": [t * 1000 for t in self.gaps_s],
            "digest_ms": [t * 1000 for t in self.digest_s],
            "agrees_with_floor": self.agrees_with_floor,
            "digest_blocks": self.digest_blocks,
            "gaps_statements": self.gaps_statements,
            "digest_statements": self.digest_statements,
        }


def run(
    config: SummaryConfig, workdir: Path, database_url: str | None = None
) -> list[BackendTimings]:
    databases = [lambda: fresh_sqlite(workdir, "summary")]
    if database_url:
        databases.append(lambda: fresh_postgres(database_url, "summary"))
    timings = []
    for make in databases:
        database = make()
        try:
            timings.append(measure(database, config))
        finally:
            database.drop()
    return timings


def measure(database: BenchDatabase, config: SummaryConfig) -> BackendTimings:
    db = Database(database.url)
    try:
        started = time.perf_counter()
        with db.session() as session:
            workshop_id = seed_big_workshop(session, TEAM_ID, CHANNEL_ID, config.size).id
        with db.engine.begin() as connection:  # fresh planner statistics, as autovacuum would
            connection.exec_driver_sql("ANALYZE")
        seed_s = time.perf_counter() - started

        def floor() -> list:
            with db.engine.connect() as connection:
                return connection.execute(
                    FLOOR_SQL, {"team": TEAM_ID, "workshop": workshop_id}
                ).all()

        def in_session(work):  # type: ignore[no-untyped-def]
            def run_once() -> object:
                with db.session() as session:
                    return work(session, get_workshop(session, TEAM_ID, workshop_id))

            return run_once

        register_reports()  # every feature's digest sections, as the bot's digests have them

        def digest_dicts(session, workshop) -> list[dict]:  # type: ignore[no-untyped-def]
            digest = build_digest(session, workshop, since=None)
            return [block.to_dict() for block in build_digest_blocks(digest, None, True)]

        # Once each before timing (imports, caches, the database's own warm-up), counting the
        # SQL statements each sends.
        floor_rows = floor()
        with _counting_statements(db) as gaps_statements:
            results = in_session(gap_results)()
        with _counting_statements(db) as digest_statements:
            blocks = in_session(digest_dicts)()
        return BackendTimings(
            backend=database.label,
            seed_s=seed_s,
            floor_s=time_repeats(floor, config.repeats),
            gaps_s=_time_inside_session(db, workshop_id, gap_results, config.repeats),
            digest_s=_time_inside_session(db, workshop_id, digest_dicts, config.repeats),
            agrees_with_floor=_agrees(results, floor_rows),
            digest_blocks=len(blocks),  # type: ignore[arg-type]
            gaps_statements=len(gaps_statements),
            digest_statements=len(digest_statements),
        )
    finally:
        db.dispose()


@contextmanager
def _counting_statements(db: Database) -> Iterator[list[str]]:
    """The SQL statements sent while inside (transaction control left out)."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _time_inside_session(db: Database, workshop_id: int, work, repeats: int) -> list[float]:  # type: ignore[no-untyped-def]
    """Each repeat in a fresh session, timing only the work (not opening or committing)."""
    times = []
    for _ in range(repeats):
        with db.session() as session:
            workshop = get_workshop(session, TEAM_ID, workshop_id)
            started = time.perf_counter()
            work(session, workshop)
            times.append(time.perf_counter() - started)
    return times


def _agrees(results, floor_rows) -> bool:  # type: ignore[no-untyped-def]
    """The gap results say what the raw aggregate says: n and mean gap per touchpoint."""
    raw = {row[0]: (row[1], float(row[4])) for row in floor_rows}
    mine = {
        t.touchpoint_id: (t.stats.n, t.stats.exact_mean_gap)
        for t in results.touchpoints
        if t.stats.n
    }
    return raw.keys() == mine.keys() and all(
        raw[k][0] == mine[k][0] and abs(raw[k][1] - mine[k][1]) < 1e-9 for k in raw
    )


def result(config: SummaryConfig, timings: list[BackendTimings]) -> BenchmarkResult:
    figures, checks = [], {}
    for timing in timings:
        floor = median(timing.floor_s)
        floor_name = "one GROUP BY"
        for name, values in (
            ("gap results", timing.gaps_s),
            ("digest (build + Block Kit)", timing.digest_s),
        ):
            value = median(values)
            ratio = value / floor if value and floor else None
            figures.append(
                Figure(
                    f"{name}, {timing.backend}",
                    value * 1000 if value is not None else None,
                    "ms",
                    floor * 1000 if floor is not None else None,
                    floor_name,
                    goal=f"≤ {GOAL_RATIO:g}× floor",
                    met=None if ratio is None else ratio <= GOAL_RATIO,
                )
            )
        checks[f"gap results agree with the raw aggregate ({timing.backend})"] = (
            timing.agrees_with_floor
        )
        checks[f"digest within {MAX_MESSAGE_BLOCKS} blocks ({timing.backend})"] = (
            0 < timing.digest_blocks <= MAX_MESSAGE_BLOCKS
        )
    backends = " and ".join(t.backend for t in timings)
    notes = [
        f"{t.backend}: seeding took {t.seed_s:.1f} s (bulk inserts, then ANALYZE); the gap "
        f"results send {t.gaps_statements} SQL statements, the digest {t.digest_statements} "
        "(counts and lists of a few rows: its cost does not grow with the ratings)."
        for t in timings
    ]
    return BenchmarkResult(
        "summary",
        "Summary at size",
        f"{config.size.describe()}; median of {config.repeats} runs each, on {backends}.",
        figures,
        checks,
        notes,
        details={"size": config.size.__dict__, **{t.backend: t.summary() for t in timings}},
    )

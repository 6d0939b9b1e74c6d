"""KPI figures in words, the same on every surface: the KPI table, digests, the Home tab, files.

Plain text (no Slack markup): callers that put it in mrkdwn escape it, since KPI names, stages,
units and benchmark sources are people's text.
"""

from __future__ import annotations

from datetime import date

from flows.kpi_formulas import Direction
from flows.kpis import KpiRow, KpiTable


def period_date(day: date) -> str:
    """A period end is a calendar date, not a moment: "30 Jun 2025" for every reader."""
    return f"{day.day} {day:%b %Y}"


def scope_text(row: KpiRow) -> str:
    return f"stage {row.stage}" if row.stage else "whole journey"


def change_since(row: KpiRow) -> str | None:
    """ "+4 pts since 28 Mar 2025", or None for a KPI with one period recorded."""
    if row.previous is None or row.change is None:
        return None
    return f"{row.kpi.format_change(row.change)} since {period_date(row.previous.period_end)}"


def trend_text(row: KpiRow) -> str:
    """Which way the value moved, and whether that is better: "↑ better", "↓ better" (churn
    fell), "→ unchanged"; "first period recorded" without an earlier period."""
    if row.direction is None or row.change is None:
        return "first period recorded"
    if row.direction is Direction.unchanged:
        return "→ unchanged"
    return f"{'↑' if row.change > 0 else '↓'} {row.direction.value}"


def target_text(row: KpiRow, met_mark: str = "", missed_mark: str = "") -> str:
    """ "target +30: met, 2 pts ahead", "target +30: missed by 5 pts" or "no target set"."""
    if row.target is None or row.attainment is None:
        return "no target set"
    amount = row.kpi.format_amount(row.attainment.margin)
    if row.attainment.met:
        verdict = met_mark + "met" + (f", {amount} ahead" if row.attainment.margin else "")
    else:
        verdict = f"{missed_mark}missed by {amount}"
    return f"target {row.kpi.format(row.target)}: {verdict}"


def benchmark_text(row: KpiRow) -> str:
    """ "benchmark +35 (Retently 2024): 3 pts behind, index 91" or "no benchmark"."""
    if row.benchmark is None or row.index is None:
        return "no benchmark"
    text = f"benchmark {row.kpi.format(row.benchmark)}"
    if row.benchmark_source:
        text += f" ({row.benchmark_source})"
    if row.benchmark_margin:
        side = "ahead" if row.benchmark_margin > 0 else "behind"
        text += f": {row.kpi.format_amount(row.benchmark_margin)} {side}"
    else:
        text += ": on par"
    if row.index.value is None:
        return f"{text}, no index ({row.index.reason})"
    return f"{text}, index {row.index.value:.0f}"


def kpi_summary(table: KpiTable) -> str:
    """ "12 KPIs, 3 of 5 on target"."""
    tracked = f"{len(table.rows)} KPI{'s' * (len(table.rows) != 1)}"
    if table.with_target:
        tracked += f", {len(table.on_target)} of {len(table.with_target)} on target"
    return tracked

"""KPIs beyond their own table: the digest's KPI section, every recorded value for exports, and
the snapshot the Home tab shows (flows.kpis reads the figures, flows.kpi_text words them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from flows.digest import (
    SECTION_ITEM_LIMIT,
    DigestChart,
    DigestField,
    DigestItem,
    DigestSection,
    DigestSummary,
    Text,
    previous_memo,
    text,
)
from flows.exports import ExportTable
from flows.kpi_formulas import Direction
from flows.kpi_text import (
    benchmark_text,
    change_since,
    kpi_summary,
    period_date,
    scope_text,
    target_text,
    trend_text,
)
from flows.kpis import KpiRow, KpiTable, kpi_table, kpi_values
from flows.scope import count_of
from flows.workshops import CLOSED_LAST
from storage.models import KpiValue, Participant, Workshop, id_col, pk

KPIS_DIGEST_ORDER = 30
KPIS_SUMMARY_ORDER = 30  # the top message: after the action items
KPI_VALUES_EXPORT_ORDER = 90
SNAPSHOT_WORKSHOPS = 2  # the Home tab shows the KPIs of the user's two most recent workshops


def kpi_line(row: KpiRow) -> str:
    """ "NPS (whole journey): +32 (period ending 28 Apr 2025), ↑ better, +4 pts since 28 Mar
    2025 · target +30: met, 2 pts ahead · benchmark +35 (Retently 2024): 3 pts behind, index 91"."""
    since = change_since(row)
    return (
        f"{row.kpi.short_name} ({scope_text(row)}): {row.kpi.format(row.latest.value)} "
        f"(period ending {period_date(row.latest.period_end)}), {trend_text(row)}"
        + (f", {since}" if since else "")
        + f" · {target_text(row)} · {benchmark_text(row)}"
    )


def kpis_section(
    session: Session, workshop: Workshop, since: datetime | None
) -> DigestSection | None:
    """Each KPI's latest value against its target and benchmark, with its trend."""
    table = kpi_table(session, workshop.team_id, pk(workshop))
    if not table.rows:
        return None
    figures = [
        DigestField("Tracked", text(kpi_summary(table))),
        DigestField("Since their previous period", text(_directions(table.rows))),
    ]
    benchmarked = [row for row in table.rows if row.benchmark_margin is not None]
    if benchmarked:
        ahead = sum(1 for row in benchmarked if (row.benchmark_margin or 0) >= 0)
        figures.append(DigestField("At or above benchmark", text(f"{ahead} of {len(benchmarked)}")))
    if since is not None:
        figures.append(
            DigestField(
                "Values recorded since the previous digest",
                text(str(_recorded_since(session, workshop, since))),
            )
        )
    return DigestSection(
        key="kpis",
        title="KPIs",
        figures=tuple(figures),
        items=tuple(DigestItem(text(kpi_line(row))) for row in table.rows[:SECTION_ITEM_LIMIT]),
        total=len(table.rows),
        summary=kpi_digest_summary(table, previous_memo(session, workshop, since, "kpis")),
        memo={"on_target": len(table.on_target), "with_target": len(table.with_target)},
        chart=DigestChart(
            "kpi_trends",
            data=table,
            alt_text=(
                f"KPI trend chart: {kpi_summary(table)}; each KPI's last periods against its "
                "target and benchmark"
            ),
            title="KPI trends",
        ),
    )


def worst_miss(table: KpiTable) -> KpiRow | None:
    """The KPI furthest short of its target, relative to the target (|margin| / |target|, so a
    miss by 5 pts of an NPS target of +10 (50 %) is worse than 10 min of a 60 min response time
    (17 %)); a target of 0 counts the miss as it is. Ties: the table's order."""
    missed = [row for row in table.with_target if row.attainment and not row.attainment.met]
    if not missed:
        return None

    def shortfall(row: KpiRow) -> float:
        margin = abs(row.attainment.margin)  # type: ignore[union-attr]
        return margin / abs(row.target) if row.target else margin

    return max(missed, key=shortfall)  # max keeps the first of equals


def kpi_digest_summary(table: KpiTable, memo: object | None) -> DigestSummary:
    """ "KPIs: 5 of 8 on target" and the worst miss in words; the headline says when the count
    on target moved since the previous digest."""
    on, of = len(table.on_target), len(table.with_target)
    if of:
        title = f"KPIs: {on} of {of} on target"
        if len(table.rows) > of:
            title += f" ({len(table.rows)} tracked)"
    else:
        title = f"KPIs: {len(table.rows)} tracked, none with a target"
    worst = worst_miss(table)
    lines: tuple[Text, ...] = ()
    if worst is not None:
        lines = (
            text(
                f"Worst miss: {worst.kpi.short_name} ({scope_text(worst)}) "
                f"{worst.kpi.format(worst.latest.value)}, {target_text(worst)}"
            ),
        )
    seen = memo if isinstance(memo, dict) else {}
    headline = ""
    if of and seen.get("with_target") == of and isinstance(seen.get("on_target"), int):
        if on != seen["on_target"]:
            headline = f"KPIs on target went from {seen['on_target']} to {on} of {of}"
    elif of and memo is None:
        headline = f"{on} of {of} KPIs on target"
    return DigestSummary(order=KPIS_SUMMARY_ORDER, title=title, lines=lines, headline=headline)


def _directions(rows: list[KpiRow]) -> str:
    counts = {direction: 0 for direction in Direction}
    for row in rows:
        if row.direction is not None:
            counts[row.direction] += 1
    first = sum(1 for row in rows if row.direction is None)
    parts = [f"{counts[d]} {d.value}" for d in Direction]
    if first:
        parts.append(f"{first} with one period so far")
    return ", ".join(parts)


def _recorded_since(session: Session, workshop: Workshop, since: datetime) -> int:
    return count_of(session, KpiValue, workshop, col(KpiValue.recorded_at) > since)


def kpi_values_table(session: Session, workshop: Workshop) -> ExportTable | None:
    """Every recorded value, by KPI, stage and period. `recorded_by` is a Slack user id, or the
    label of the CSV import that brought the value in (e.g. "csv-import")."""
    records = kpi_values(session, workshop.team_id, pk(workshop))
    if not records:
        return None
    return ExportTable(
        name="kpi_values",
        title="KPI values",
        columns=(
            "kpi_key",
            "kpi",
            "unit",
            "higher_is_better",
            "stage",
            "period_end",
            "value",
            "target",
            "benchmark",
            "benchmark_source",
            "answer_count",
            "recorded_by",
            "recorded_at",
        ),
        rows=[
            (
                r.kpi_key,
                r.kpi_name,
                r.unit,
                r.higher_is_better,
                r.stage,
                r.period_end.isoformat(),
                r.value,
                r.target,
                r.benchmark,
                r.benchmark_source,
                r.answer_count,
                r.recorded_by,
                r.recorded_at,
            )
            for r in records
        ],
    )


def kpi_snapshots(
    session: Session, team_id: str, user_id: str, limit: int = SNAPSHOT_WORKSHOPS
) -> list[KpiTable]:
    """The KPI tables of the user's most recent workshops with KPI values: open workshops
    first, then the most recently recorded; each with its last two periods."""
    latest = func.max(KpiValue.recorded_at)
    workshop_ids = session.exec(
        select(id_col(Workshop.id))
        .join(KpiValue, col(KpiValue.workshop_id) == col(Workshop.id))
        .join(
            Participant,
            and_(
                col(Participant.workshop_id) == col(Workshop.id),
                col(Participant.team_id) == team_id,
                col(Participant.user_id) == user_id,
            ),
        )
        .where(Workshop.team_id == team_id, KpiValue.team_id == team_id)
        .group_by(col(Workshop.id), col(Workshop.phase))
        .order_by(CLOSED_LAST, latest.desc(), col(Workshop.id).desc())
        .limit(limit)
    ).all()
    return [kpi_table(session, team_id, workshop_id, periods=2) for workshop_id in workshop_ids]

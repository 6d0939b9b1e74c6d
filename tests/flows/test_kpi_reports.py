"""KPIs in digests, exports and the Home snapshot, from the fixture in tests/report_fixtures."""

import csv
import io
from datetime import timedelta

import pytest
from sqlmodel import select

from flows.digest import plain_text
from flows.exports import ExportFormat, build_export, export_files
from flows.kpi_reports import (
    kpi_digest_summary,
    kpi_snapshots,
    kpi_values_table,
    kpis_section,
    worst_miss,
)
from flows.kpis import kpi_table
from flows.workshops import join_workshop
from storage.models import KpiValue, Phase, utcnow
from tests.report_fixtures import make_workshop, record, record_kpis, set_phase

pytestmark = pytest.mark.usefixtures("reports")


def test_each_kpi_against_target_and_benchmark_with_its_trend(session):
    workshop = make_workshop(session)
    record_kpis(session, workshop)
    section = kpis_section(session, workshop, since=None)
    assert {f.label: plain_text(f.value) for f in section.figures} == {
        "Tracked": "3 KPIs, 1 of 2 on target",
        "Since their previous period": "2 better, 0 worse, 0 unchanged, 1 with one period so far",
        "At or above benchmark": "1 of 2",
    }
    assert [plain_text(i.text) for i in section.items] == [
        "NPS (whole journey): +28 (period ending 30 Apr 2025), ↑ better, +6 pts since "
        "31 Mar 2025 · target +30: missed by 2 pts · benchmark +35 (Retently 2024): 7 pts "
        "behind, index 80",
        "CES (whole journey): 3.2 (period ending 30 Apr 2025), first period recorded · "
        "no target set · no benchmark",
        # Churn fell: the arrow points down, and that is better.
        "Churn (whole journey): 4% (period ending 30 Apr 2025), ↓ better, −1.5 pp since "
        "31 Mar 2025 · target 4.5%: met, 0.5 pp ahead · benchmark 5% (Recurly): 1 pp ahead, "
        "index 125",
    ]
    assert section.chart.key == "kpi_trends" and len(section.chart.data.rows) == 3
    # The top message: on target out of those with a target, and the worst miss in words.
    assert section.summary.title == "KPIs: 1 of 2 on target (3 tracked)"
    assert [plain_text(line) for line in section.summary.lines] == [
        "Worst miss: NPS (whole journey) +28, target +30: missed by 2 pts"
    ]
    assert section.summary.headline == "1 of 2 KPIs on target"


def test_the_worst_miss_is_the_furthest_short_of_its_target_relative_to_it(session):
    workshop = make_workshop(session)
    record_kpis(session, workshop)  # NPS +28 against +30: 2 / 30 = 6.7 % short
    # Churn 6 % against a target of 4.5 % (lower is better): 1.5 / 4.5 = 33.3 % short, the
    # worst, although NPS misses by more points (2 against 1.5).
    record(session, workshop, kpi="churn", value="6", period_end="2025-05-31", target="4.5")
    table = kpi_table(session, workshop.team_id, workshop.id)
    assert worst_miss(table).kpi.key == "churn"
    summary = kpi_digest_summary(table, {"on_target": 1, "with_target": 2})
    assert summary.title == "KPIs: 0 of 2 on target (3 tracked)"
    assert summary.headline == "KPIs on target went from 1 to 0 of 2"
    assert plain_text(summary.lines[0]) == (
        "Worst miss: Churn (whole journey) 6%, target 4.5%: missed by 1.5 pp"
    )
    # Unchanged since the previous digest: the headline says nothing.
    assert kpi_digest_summary(table, {"on_target": 0, "with_target": 2}).headline == ""


def test_worse_and_unchanged_trends_say_so(session):
    workshop = make_workshop(session)
    record(session, workshop, kpi="csat", value="80", period_end="2025-03-31")
    record(session, workshop, kpi="csat", value="75", period_end="2025-04-30")
    record(session, workshop, kpi="first_response", value="30", period_end="2025-03-31")
    record(session, workshop, kpi="first_response", value="30", period_end="2025-04-30")
    lines = [plain_text(i.text) for i in kpis_section(session, workshop, None).items]
    assert lines[0].startswith(
        "CSAT (whole journey): 75% (period ending 30 Apr 2025), ↓ worse, −5 pp"
    )
    assert "→ unchanged, ±0 min since 31 Mar 2025" in lines[1]


def test_the_count_of_values_recorded_since_the_previous_digest(session):
    workshop = make_workshop(session)
    record_kpis(session, workshop)
    before = utcnow() - timedelta(minutes=1)
    section = kpis_section(session, workshop, since=before)
    assert plain_text(section.figures[-1].value) == "5"
    assert section.figures[-1].label == "Values recorded since the previous digest"
    later = kpis_section(session, workshop, since=utcnow() + timedelta(minutes=1))
    assert plain_text(later.figures[-1].value) == "0"


def test_without_values_there_is_no_section_and_no_table(session):
    workshop = make_workshop(session)
    assert kpis_section(session, workshop, since=None) is None
    assert kpi_values_table(session, workshop) is None


def test_every_value_is_exported_and_reads_back_equal(session):
    workshop = make_workshop(session)
    record_kpis(session, workshop)
    export = build_export(session, workshop.team_id, workshop.id)
    data = dict(export_files(export, [ExportFormat.csv]))[f"workshop-{workshop.id}-kpi_values.csv"]
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    stored = session.exec(
        select(KpiValue).where(KpiValue.workshop_id == workshop.id).order_by(KpiValue.id)
    ).all()
    assert len(rows) == len(stored) == 5
    exported = {(r["kpi_key"], r["period_end"]): r for r in rows}
    for value in stored:
        row = exported[(value.kpi_key, value.period_end.isoformat())]
        assert float(row["value"]) == value.value
        assert (float(row["target"]) if row["target"] else None) == value.target
        assert (float(row["benchmark"]) if row["benchmark"] else None) == value.benchmark
        assert (row["benchmark_source"] or None) == value.benchmark_source
        assert row["recorded_by"] == value.recorded_by
        assert row["recorded_at"].startswith(value.recorded_at.strftime("%Y-%m-%dT%H:%M:%S"))
    ces = exported[("ces", "2025-04-30")]
    assert (ces["kpi"], ces["unit"], ces["higher_is_better"], ces["stage"]) == (
        "Customer effort score",
        "",
        "false",
        "",
    )
    assert ces["recorded_by"] == "csv-import"  # an import's label, not a user


def test_the_snapshot_shows_the_users_open_workshops_first_then_the_latest(session):
    first = make_workshop(session, title="First")
    record(session, first, kpi="nps", value="10", period_end="2025-03-31")
    second = make_workshop(session, title="Second")
    record(session, second, kpi="nps", value="20", period_end="2025-03-31")
    third = make_workshop(session, title="Third")
    record(session, third, kpi="nps", value="30", period_end="2025-03-31")
    record(session, first, kpi="nps", value="12", period_end="2025-04-30")  # the latest record
    assert [t.title for t in kpi_snapshots(session, "T1", "U1")] == ["First", "Third"]
    set_phase(session, first, Phase.closed)
    assert [t.title for t in kpi_snapshots(session, "T1", "U1")] == ["Third", "Second"]
    [only] = kpi_snapshots(session, "T1", "U1", limit=1)
    assert [r.latest.value for r in only.rows] == [30.0]
    # Only the user's own workshops, and only in their workspace.
    assert kpi_snapshots(session, "T1", "U9") == []
    join_workshop(session, second, "U9")
    assert [t.title for t in kpi_snapshots(session, "T1", "U9")] == ["Second"]
    assert kpi_snapshots(session, "T2", "U1") == []

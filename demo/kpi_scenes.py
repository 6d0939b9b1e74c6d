"""The demo's KPI follow-through: four months of customer KPIs against targets and benchmarks.

Most of the history comes from a CSV file the demo writes and imports with the same function
`workshop-bot kpi import` uses; the latest month is recorded in Slack (a raw NPS paste, an
out-of-range CSAT refused inline and then corrected, a first response time), and `/workshop
kpis` posts the table and the trend chart. Both land in the output folder under kpis/.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from bot.kpis.blocks import period_date
from bot.slack import ids
from demo.local import CHANNEL_ID
from demo.script import DemoScript
from flows.kpi_import import import_kpi_csv

HEADER = "kpi,period_end,value,answers,target,benchmark,benchmark_source,stage"
NPS_BENCHMARK = ("30", "35", "Retently 2024, B2B SaaS")
# (kpi, target, benchmark, source, values of the three months before the latest)
HISTORY = (
    ("NPS", *NPS_BENCHMARK, ("18", "21", "24")),
    ("CSAT", "85", "80", "ACSI 2024", ("79", "81.5", "83")),
    ("CES", "3.5", "3.4", "Gartner 2024", ("4.1", "3.8", "3.6")),
    ("Retention rate", "90", "88", "Recurly 2024", ("86.5", "87.2", "88")),
    ("Churn rate", "10", "12", "Recurly 2024", ("13.5", "12.8", "12")),
    ("CLV", "1250", "1100", "Baremetrics 2024", ("1180", "1215", "1240")),
    ("First response time", "30", "45", "Zendesk CX Trends 2024", ("95", "72", "55")),
    ("Referral rate", "", "", "", ("3.5", "4", "4.2")),
)
# The latest month, computed from raw data in the file: customer counts and order factors.
LATEST_FROM_RAW = (
    ("CES", "2 3 4 3 5 2 3 4 3 2 4 3 5 3 2 4 3 3 2 4"),
    ("Retention rate", "1200 1150 90"),
    ("Churn rate", "1200 1150 90"),
    ("CLV", "62.5 1.6 13"),
)


def month_ends(count: int, today: date) -> list[date]:
    """The last days of the `count` months before this one, oldest first."""
    ends: list[date] = []
    day = today.replace(day=1) - timedelta(days=1)
    for _ in range(count):
        ends.insert(0, day)
        day = day.replace(day=1) - timedelta(days=1)
    return ends


def history_csv(periods: list[date]) -> str:
    rows = [HEADER]
    for kpi, target, benchmark, source, values in HISTORY:
        for period, value in zip(periods, values, strict=False):
            rows.append(f'{kpi},{period},{value},,{target},{benchmark},"{source}",')
    targets = {kpi: (target, benchmark, source) for kpi, target, benchmark, source, _ in HISTORY}
    for kpi, raw in LATEST_FROM_RAW:
        target, benchmark, source = targets[kpi]
        rows.append(f'{kpi},{periods[-1]},,"{raw}",{target},{benchmark},"{source}",')
    rows.append(f"Referral rate,{periods[-1]},4.8,,,,,")
    rows += [  # one stage of its own: satisfaction at Purchase
        f"CSAT,{periods[-2]},74,,80,,,Purchase",
        f"CSAT,{periods[-1]},,5 4 4 5 3 4 5 4 2 5 4 4 5 3 4 5,80,,,Purchase",
    ]
    return "\n".join(rows) + "\n"


def nps_answers() -> str:
    """60 answers: 30 promoters, 18 passives, 12 detractors, NPS +30, in survey order."""
    answers = [10] * 16 + [9] * 14 + [8] * 10 + [7] * 8 + [6] * 5 + [5] * 3 + [3] * 2 + [0] * 2
    shuffled = [answers[(i * 37) % len(answers)] for i in range(len(answers))]
    lines = [shuffled[i : i + 15] for i in range(0, len(shuffled), 15)]
    return "\n".join(", ".join(map(str, line)) for line in lines)


def import_history(script: DemoScript) -> list[date]:
    periods = month_ends(4, date.today())
    path = script.write("kpis/kpi-history.csv", history_csv(periods))
    args = f"kpi import {path.name} --workshop {script.workshop_id}"
    what = "with three months of history from the analytics team"
    with script.cli_import(args, what) as (session, workshop):
        result = import_kpi_csv(
            session, workshop.team_id, workshop.id, path.read_text(), "csv-import"
        )
    script.narrate(
        f"    cli: imported {result.imported} KPI values ({result.new} new) for "
        f"{', '.join(result.kpis)}"
    )
    return periods


def record_latest_month(script: DemoScript, latest: date) -> None:
    ana, ben, dev = script.facilitator, script.participants[0], script.participants[2]
    target, benchmark, source = NPS_BENCHMARK
    script.command(ana, "kpi")
    script.submit(
        ana,
        {
            ids.KPI_FIELD_KPI: "nps",
            ids.KPI_FIELD_RAW: nps_answers(),
            ids.KPI_FIELD_PERIOD_END: latest,
            ids.KPI_FIELD_TARGET: target,
            ids.KPI_FIELD_BENCHMARK: benchmark,
            ids.KPI_FIELD_BENCHMARK_SOURCE: source,
        },
        f"the KPI form: NPS for {period_date(latest)}, pasting 60 raw survey answers",
    )
    script.command(ben, "kpi")
    csat = {
        ids.KPI_FIELD_KPI: "csat",
        ids.KPI_FIELD_PERIOD_END: latest,
        ids.KPI_FIELD_TARGET: "85",
        ids.KPI_FIELD_BENCHMARK: "80",
        ids.KPI_FIELD_BENCHMARK_SOURCE: "ACSI 2024",
    }
    script.submit(ben, {**csat, ids.KPI_FIELD_VALUE: "104"}, "the KPI form: CSAT 104 (a typo)")
    script.submit(ben, {**csat, ids.KPI_FIELD_VALUE: "86.5"}, "the KPI form again: CSAT 86.5")
    script.command(dev, "kpi")
    script.submit(
        dev,
        {
            ids.KPI_FIELD_KPI: "first_response",
            ids.KPI_FIELD_VALUE: "41",
            ids.KPI_FIELD_PERIOD_END: latest,
            ids.KPI_FIELD_TARGET: "30",
            ids.KPI_FIELD_BENCHMARK: "45",
            ids.KPI_FIELD_BENCHMARK_SOURCE: "Zendesk CX Trends 2024",
        },
        "the KPI form: first response time 41 minutes",
    )


def post_kpi_table(script: DemoScript) -> None:
    chloe = script.participants[1]
    script.command(chloe, "kpis")
    standin = script.local.standin
    # Drawing the chart takes longer than the transcript's quiet spell: wait for the upload.
    standin.wait_for(lambda: standin.files(CHANNEL_ID), timeout=30)
    script.settle()
    table = next(
        message
        for message in reversed(standin.thread(CHANNEL_ID, script.board_ts or ""))
        if "KPIs ·" in json.dumps(message.get("blocks") or [], ensure_ascii=False)
    )
    script.write("kpis/kpi-table.md", f"# KPI table\n\n{table['text']}\n")
    script.write(
        "kpis/kpi-table.json",
        json.dumps({"blocks": table["blocks"]}, indent=2, ensure_ascii=False),
    )
    chart = standin.files(CHANNEL_ID)[-1]
    script.write("kpis/kpi-chart.png", standin.file_bytes(chart["id"]))
    for line in table["text"].splitlines()[1:]:
        script.narrate(f"      {line}")


def kpis_against_targets_and_benchmarks(script: DemoScript) -> None:
    script.section("KPIs against targets and benchmarks")
    periods = import_history(script)
    record_latest_month(script, periods[-1])
    post_kpi_table(script)

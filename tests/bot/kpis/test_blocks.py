import json
from datetime import date, datetime

from bot.kpis.blocks import (
    build_define_modal,
    build_kpi_table,
    build_record_modal,
    chart_alt_text,
    define_confirmation,
    kpi_row_text,
    kpi_table_text,
    last_month_end,
    period_date,
    record_confirmation,
)
from bot.slack import ids
from flows import kpis as kpi_flows
from flows.kpi_catalogue import BUILT_IN_BY_KEY, BUILT_IN_KPIS, custom_definition
from flows.kpis import (
    KpiChoices,
    KpiEntry,
    KpiTable,
    RecordResult,
    ReplacedValue,
    StageChoice,
    _row,
)
from storage.models import CustomKpi, KpiValue, Workshop

NPS, CHURN = BUILT_IN_BY_KEY["nps"], BUILT_IN_BY_KEY["churn"]
WORKSHOP = Workshop(id=7, team_id="T1", channel_id="C1", title="Onboarding", facilitator_id="U1")


def values(key, series, target=None, benchmark=None, source=None, answers=None):
    return [
        KpiValue(
            team_id="T1",
            workshop_id=7,
            kpi_key=key,
            period_end=date(2025, 3 + i, 28),
            value=value,
            target=target,
            benchmark=benchmark,
            benchmark_source=source,
            answer_count=answers,
            recorded_by="U1",
            recorded_at=datetime(2025, 7, 1, 9, 0),
        )
        for i, value in enumerate(series)
    ]


def table(rows):
    return KpiTable(7, "T1", "C1", "1.2", "Onboarding", 6, rows)


def element(view, block_id):
    return next(b for b in view.blocks if b.block_id == block_id).element


def test_field_names_of_flows_are_the_modal_block_ids():
    assert (ids.KPI_FIELD_KPI, ids.KPI_FIELD_STAGE, ids.KPI_FIELD_VALUE, ids.KPI_FIELD_RAW) == (
        kpi_flows.FIELD_KPI,
        kpi_flows.FIELD_STAGE,
        kpi_flows.FIELD_VALUE,
        kpi_flows.FIELD_RAW,
    )
    assert (
        ids.KPI_FIELD_PERIOD_END,
        ids.KPI_FIELD_TARGET,
        ids.KPI_FIELD_BENCHMARK,
        ids.KPI_FIELD_BENCHMARK_SOURCE,
    ) == (
        kpi_flows.FIELD_PERIOD_END,
        kpi_flows.FIELD_TARGET,
        kpi_flows.FIELD_BENCHMARK,
        kpi_flows.FIELD_BENCHMARK_SOURCE,
    )


def test_record_modal_lists_kpis_and_stages_and_defaults_to_last_month_end():
    choices = KpiChoices(WORKSHOP, list(BUILT_IN_KPIS), [StageChoice(3, "Awareness")])
    view = build_record_modal(choices, "C1", today=date(2025, 3, 15))
    assert view.callback_id == ids.KPI_RECORD_MODAL
    kpi_options = element(view, ids.KPI_FIELD_KPI).options
    assert [o.value for o in kpi_options][:3] == ["nps", "csat", "ces"]
    assert kpi_options[0].text == "NPS · Net Promoter Score"
    assert [o.value for o in element(view, ids.KPI_FIELD_STAGE).options] == ["3"]
    assert element(view, ids.KPI_FIELD_PERIOD_END).initial_date == "2025-02-28"
    assert element(view, ids.KPI_FIELD_RAW).multiline
    assert json.loads(view.private_metadata) == {"workshop_id": 7, "channel_id": "C1"}
    payload = view.to_dict()  # runs slack_sdk's limit checks
    assert len(payload["title"]["text"]) <= 24 and len(payload["blocks"]) <= 100


def test_record_modal_groups_custom_kpis_and_preselects_one():
    custom = [
        custom_definition(
            CustomKpi(
                id=n,
                team_id="T1",
                workshop_id=7,
                name=f"Custom KPI {n} " + "x" * 40,
                name_key="",
                unit="days",
                created_by="U1",
            )
        )
        for n in range(1, 51)
    ]
    choices = KpiChoices(WORKSHOP, [*BUILT_IN_KPIS, *custom], [])
    view = build_record_modal(choices, "C1", date(2025, 1, 10), kpi_key="custom:3")
    select = element(view, ids.KPI_FIELD_KPI)
    assert [len(group.options) for group in select.option_groups] == [8, 50]
    assert select.initial_option.value == "custom:3"
    assert all(len(o.text) <= 75 for g in select.option_groups for o in g.options)
    assert all(b.block_id != ids.KPI_FIELD_STAGE for b in view.blocks)  # no stages, no select
    view.to_dict()


def test_define_modal():
    view = build_define_modal(7, "Onboarding", "C1")
    assert view.callback_id == ids.KPI_DEFINE_MODAL
    assert element(view, ids.KPI_DEFINE_DIRECTION).initial_option.value == ids.KPI_HIGHER_IS_BETTER
    assert element(view, ids.KPI_DEFINE_NAME).max_length == 40
    view.to_dict()


def test_dates_of_periods():
    assert period_date(date(2025, 6, 30)) == "30 Jun 2025"
    assert last_month_end(date(2025, 3, 1)) == date(2025, 2, 28)
    assert last_month_end(date(2024, 1, 31)) == date(2023, 12, 31)


def test_a_row_reads_as_latest_change_target_and_benchmark():
    row = _row(NPS, None, values("nps", [28, 32], 30, 35, "Retently 2024", answers=57))
    assert kpi_row_text(row) == (
        "NPS (whole journey): +32 for the period ending 28 Apr 2025 from 57 answers; "
        "▲ +4 pts since 28 Mar 2025, better; target +30: met, 2 pts ahead; "
        "benchmark +35 (Retently 2024): 3 pts behind, index 91"
    )


def test_a_row_without_target_benchmark_or_history():
    row = _row(CHURN, "Purchase", values("churn", [4.0]))
    assert kpi_row_text(row) == (
        "Churn (stage Purchase): 4% for the period ending 28 Mar 2025; first period recorded; "
        "no target set; no benchmark"
    )


def test_a_meaningless_index_is_explained_not_shown():
    row = _row(NPS, None, values("nps", [-10, -10], 10, 30, "Bain"))
    text = kpi_row_text(row)
    assert "= ±0 pts since 28 Mar 2025, unchanged" in text
    assert "target +10: missed by 20 pts" in text
    assert "no index (the value is negative, so a ratio to it would mislead)" in text


def test_the_table_message_has_a_section_per_kpi_and_a_record_button():
    rows = [
        _row(NPS, None, values("nps", [28, 32], 30, 35, "Retently 2024")),
        _row(CHURN, None, values("churn", [5.5, 4.0], 4.5, 5, "Recurly")),
    ]
    blocks = [b.to_dict() for b in build_kpi_table(table(rows))]
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "KPIs · Onboarding", "emoji": True},
    }
    assert "2 KPIs, 2 of 2 on target" in blocks[1]["elements"][0]["text"]
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert sections[1] == (
        "*Churn* · whole journey · _↓ lower is better_\n"
        "*4%* for the period ending 28 Apr 2025 · ▼ −1.5 pp since 28 Mar 2025, better "
        ":large_green_circle:\n"
        "Target 4.5%: :white_check_mark: met, 0.5 pp ahead · "
        "Benchmark 5% (Recurly): 1 pp ahead, index 125"
    )
    assert blocks[-1]["elements"][0]["action_id"] == ids.KPI_OPEN_RECORD
    assert blocks[-1]["elements"][0]["value"] == "7"


def test_the_table_stays_within_50_blocks_for_any_number_of_kpis():
    rows = [_row(NPS, f"Stage {n}", values("nps", [n % 100])) for n in range(120)]
    blocks = build_kpi_table(table(rows))
    assert len(blocks) == 50
    assert blocks[-3].to_dict()["elements"][0]["text"] == "… and 75 more KPIs."
    assert kpi_table_text(table(rows)).count("\n") == 120  # the fallback text names them all
    assert chart_alt_text(table(rows)).startswith(
        "Trend chart of 120 KPIs. Latest: NPS (Stage 0) 0"
    )


def test_an_empty_table_says_so():
    blocks = [b.to_dict() for b in build_kpi_table(table([]))]
    assert "No KPI values recorded yet for workshop #7" in json.dumps(blocks)


def test_record_confirmation_tells_how_the_value_came_about_and_what_it_replaced():
    entry = KpiEntry(
        kpi=NPS,
        stage=StageChoice(3, "Purchase"),
        period_end=date(2025, 6, 30),
        value=20.0,
        answer_count=10,
        computed="10 answers: 5 promoters, 2 passives, 3 detractors",
    )
    replaced = ReplacedValue(28.0, "U2", datetime(2025, 7, 1, 9, 30))
    text = record_confirmation(RecordResult(WORKSHOP, entry, replaced))
    assert text.startswith(
        ":white_check_mark: Recorded *NPS +20* for stage Purchase, period ending 30 Jun 2025, "
        "computed from 10 answers: 5 promoters, 2 passives, 3 detractors. It replaces +28, "
        "recorded by <@U2> <!date^"
    )


def test_define_confirmation():
    custom = custom_definition(
        CustomKpi(
            id=4,
            team_id="T1",
            workshop_id=7,
            name="Days to value",
            name_key="",
            unit="days",
            higher_is_better=False,
            min_value=0,
            created_by="U1",
        )
    )
    assert define_confirmation(custom) == (
        ":white_check_mark: Defined the KPI *Days to value*: at least 0 days, lower is better. "
        "Record its values with `/workshop kpi`."
    )


def test_peoples_text_cannot_ping_or_link_in_mrkdwn():
    rows = [_row(NPS, "<!channel>", values("nps", [30], 30, 35, "Bain & Co <!here>"))]
    text = json.dumps([b.to_dict() for b in build_kpi_table(table(rows))], ensure_ascii=False)
    assert "<!channel>" not in text and "<!here>" not in text
    assert "stage &lt;!channel&gt;" in text and "Bain &amp; Co &lt;!here&gt;" in text
    assert "<!here>" not in kpi_table_text(table(rows))


def test_a_value_replaced_from_a_csv_import_names_the_import_not_a_user():
    entry = KpiEntry(kpi=NPS, stage=None, period_end=date(2025, 6, 30), value=20.0)
    replaced = ReplacedValue(28.0, "csv-import", datetime(2025, 7, 1, 9, 30))
    text = record_confirmation(RecordResult(WORKSHOP, entry, replaced))
    assert "recorded by the import “csv-import” <!date^" in text
    assert "<@csv-import>" not in text

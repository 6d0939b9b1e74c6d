"""KPI surfaces: the record and define modals, the KPI table message, and confirmations."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    Option,
    OptionGroup,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.slack import ids
from bot.slack.blocks import (
    Mrkdwn,
    cap_rows,
    context,
    escape,
    join_lines,
    md,
    mention,
    mrkdwn_section,
    slack_date,
    truncate,
)
from bot.slack.inputs import select_input, text_input
from bot.slack.modals import modal
from bot.slack.values import WorkshopMetadata
from flows.kpi_catalogue import MAX_KPI_NAME_LENGTH, MAX_UNIT_LENGTH, KpiDefinition
from flows.kpi_formulas import Direction
from flows.kpi_text import (
    benchmark_text,
    change_since,
    kpi_summary,
    period_date,
    scope_text,
    target_text,
)
from flows.kpis import MAX_SOURCE_LENGTH, KpiChoices, KpiRow, KpiTable, RecordResult

MAX_OPTION_TEXT = 75
SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]+")
VALUE_HINT = (
    "NPS −100 to 100 · CSAT, retention, churn and referral rate 0–100 % · CES 1–7 · "
    "CLV 0 or more · first response time in minutes, 0 or more."
)
RAW_HINT = (
    "NPS: 0–10 answers · CSAT: 1–5 answers · CES: 1–7 answers, separated by commas, spaces or "
    "new lines. Retention or churn: customers at the start, at the end, and new in the period "
    "(e.g. 1200, 1150, 90). CLV: average order value, purchases per period, expected periods "
    "(e.g. 62.5, 1.6, 12)."
)
DIRECTION_MARKS = {
    Direction.better: ":large_green_circle:",
    Direction.worse: ":red_circle:",
    Direction.unchanged: ":white_circle:",
}
TABLE_FOOTER = (
    "Record a value with `/workshop kpi` (or paste raw survey answers there) · define your own "
    "KPI with `/workshop kpi define` · recording a period again replaces its value."
)


def recorder(recorded_by: str) -> Mrkdwn:
    """A Slack user as a mention; a CSV import's label ("csv-import") as itself."""
    if SLACK_USER_ID.fullmatch(recorded_by):
        return mention(recorded_by)
    return md("the import “{}”", recorded_by)


def last_month_end(today: date) -> date:
    """The default period end: the last day of the previous month."""
    return today.replace(day=1) - timedelta(days=1)


# The record modal -------------------------------------------------------------------------------


def _kpi_option(kpi: KpiDefinition) -> Option:
    label = kpi.short_name if kpi.short_name == kpi.name else f"{kpi.short_name} · {kpi.name}"
    if kpi.is_custom and kpi.unit:
        label += f" ({kpi.unit})"
    return Option(value=kpi.key, text=truncate(label, MAX_OPTION_TEXT))


def _kpi_select(choices: KpiChoices, selected: str | None) -> StaticSelectElement:
    options = [_kpi_option(kpi) for kpi in choices.kpis]
    initial = next((o for o in options if o.value == selected), None)
    built_in = [o for kpi, o in zip(choices.kpis, options, strict=True) if not kpi.is_custom]
    custom = [o for kpi, o in zip(choices.kpis, options, strict=True) if kpi.is_custom]
    if not custom:
        return StaticSelectElement(
            action_id=ids.INPUT, placeholder="Choose a KPI", options=options, initial_option=initial
        )
    return StaticSelectElement(
        action_id=ids.INPUT,
        placeholder="Choose a KPI",
        option_groups=[
            OptionGroup(label="Built-in", options=built_in),
            OptionGroup(label="This workshop's own", options=custom),
        ],
        initial_option=initial,
    )


def _optional_text(
    block_id: str, label: str, placeholder: str, hint: str | None = None, **element: Any
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=True,
        hint=hint,
        element=PlainTextInputElement(action_id=ids.INPUT, placeholder=placeholder, **element),
    )


def build_record_modal(
    choices: KpiChoices, channel_id: str, today: date, kpi_key: str | None = None
) -> View:
    """`/workshop kpi`: one value for one period, typed in or computed from raw data."""
    workshop = choices.workshop
    blocks: list[Block] = [
        context(
            f"Workshop #{workshop.id} “{truncate(workshop.title, 100)}” · KPIs can be "
            "recorded in any phase. Recording a period again replaces its value."
        ),
        InputBlock(
            block_id=ids.KPI_FIELD_KPI,
            label="KPI",
            hint="Missing one? Define it with /workshop kpi define.",
            element=_kpi_select(choices, kpi_key),
        ),
    ]
    if choices.stages:
        blocks.append(
            select_input(
                ids.KPI_FIELD_STAGE,
                "Journey stage",
                optional=True,
                hint="Leave empty for the whole journey.",
                placeholder="Whole journey",
                options=[
                    Option(value=str(stage.id), text=truncate(stage.name, MAX_OPTION_TEXT))
                    for stage in choices.stages[:100]
                ],
            )
        )
    blocks += [
        _optional_text(ids.KPI_FIELD_VALUE, "Value", "e.g. 32, 87.5 or 42", VALUE_HINT),
        _optional_text(
            ids.KPI_FIELD_RAW,
            "…or compute it from raw data",
            "e.g. 9, 10, 7, 8, 6, 10",
            RAW_HINT,
            multiline=True,
            max_length=3000,
        ),
        InputBlock(
            block_id=ids.KPI_FIELD_PERIOD_END,
            label="Period ending on",
            element=DatePickerElement(
                action_id=ids.INPUT, initial_date=last_month_end(today).isoformat()
            ),
        ),
        _optional_text(ids.KPI_FIELD_TARGET, "Target", "e.g. 30"),
        _optional_text(ids.KPI_FIELD_BENCHMARK, "Industry benchmark", "e.g. 35"),
        _optional_text(
            ids.KPI_FIELD_BENCHMARK_SOURCE,
            "Where the benchmark comes from",
            "e.g. Retently 2024, B2B SaaS",
            "Needed with a benchmark, so everyone can judge it.",
            max_length=MAX_SOURCE_LENGTH,
        ),
    ]
    return modal(
        "Record a KPI value",
        blocks,
        callback_id=ids.KPI_RECORD_MODAL,
        submit="Record",
        close="Cancel",
        private_metadata=WorkshopMetadata(workshop_id=workshop.id, channel_id=channel_id).encode(),
    )


def record_confirmation(result: RecordResult) -> Mrkdwn:
    entry = result.entry
    where = f"stage {entry.stage.name}" if entry.stage else "the whole journey"
    text = md(
        ":white_check_mark: Recorded *{} {}* for {}, period ending {}",
        entry.kpi.short_name,
        entry.kpi.format(entry.value),
        where,
        period_date(entry.period_end),
    )
    if entry.computed:
        text += f", computed from {entry.computed}"
    text += "."
    if result.replaced is not None:
        text += md(
            " It replaces {}, recorded by {} {}.",
            entry.kpi.format(result.replaced.value),
            recorder(result.replaced.recorded_by),
            slack_date(result.replaced.recorded_at),
        )
    return text + " `/workshop kpis` shows every KPI with a chart."


# The define modal -------------------------------------------------------------------------------


def build_define_modal(workshop_id: int, title: str, channel_id: str) -> View:
    higher = Option(value=ids.KPI_HIGHER_IS_BETTER, text="Higher is better")
    lower = Option(value=ids.KPI_LOWER_IS_BETTER, text="Lower is better")
    return modal(
        "Define a KPI",
        [
            context(
                f"A KPI of its own for workshop #{workshop_id} “{truncate(title, 100)}”, "
                "beside NPS, CSAT, CES, retention, churn, CLV, referral rate and first response "
                "time."
            ),
            text_input(
                ids.KPI_DEFINE_NAME,
                "Name",
                placeholder="e.g. Onboarding completion",
                max_length=MAX_KPI_NAME_LENGTH,
            ),
            _optional_text(
                ids.KPI_DEFINE_UNIT,
                "Unit",
                "e.g. %, days, €",
                "A % KPI without a range runs from 0 to 100.",
                max_length=MAX_UNIT_LENGTH,
            ),
            InputBlock(
                block_id=ids.KPI_DEFINE_DIRECTION,
                label="Which way is better?",
                element=RadioButtonsElement(
                    action_id=ids.INPUT, options=[higher, lower], initial_option=higher
                ),
            ),
            _optional_text(ids.KPI_DEFINE_MIN, "Lowest possible value", "e.g. 0"),
            _optional_text(ids.KPI_DEFINE_MAX, "Highest possible value", "e.g. 100"),
        ],
        callback_id=ids.KPI_DEFINE_MODAL,
        submit="Define",
        close="Cancel",
        private_metadata=WorkshopMetadata(workshop_id=workshop_id, channel_id=channel_id).encode(),
    )


def define_confirmation(kpi: KpiDefinition) -> Mrkdwn:
    better = "higher is better" if kpi.higher_is_better else "lower is better"
    return escape(
        f":white_check_mark: Defined the KPI *{kpi.name}*: {kpi.range_text()}, "
        f"{better}. "
        "Record its values with `/workshop kpi`."
    )


# The KPI table ----------------------------------------------------------------------------------


TARGET_MARKS = (":white_check_mark: ", ":x: ")


def _change_text(row: KpiRow, markup: bool) -> str:
    since = change_since(row)
    if since is None or row.change is None or row.direction is None:
        return "first period recorded"
    arrow = "▲" if row.change > 0 else "▼" if row.change < 0 else "="
    if row.direction is Direction.unchanged:
        arrow = "="
    text = f"{arrow} {since}, {row.direction.value}"
    return f"{text} {DIRECTION_MARKS[row.direction]}" if markup else text


def kpi_row_text(row: KpiRow) -> str:
    """One KPI on one line of plain text (alt text, files, and mrkdwn, escaped there)."""
    answers = f" from {row.answer_count} answers" if row.answer_count else ""
    return (
        f"{row.kpi.short_name} ({scope_text(row)}): {row.kpi.format(row.latest.value)} for the "
        f"period ending {period_date(row.latest.period_end)}{answers}; {_change_text(row, False)}; "
        f"{target_text(row)}; {benchmark_text(row)}"
    )


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _row_section(row: KpiRow) -> Block:
    answers = f" · {row.answer_count} answers" if row.answer_count else ""
    # Names, stages, units and sources are people's text: the plain str is escaped as a whole
    # by mrkdwn_section, since the section's own markup uses no <, > or &.
    return mrkdwn_section(
        f"*{row.kpi.short_name}* · {scope_text(row)} · _{row.kpi.better_arrow} "
        f"{'higher' if row.kpi.higher_is_better else 'lower'} is better_\n"
        f"*{row.kpi.format(row.latest.value)}* for the period ending "
        f"{period_date(row.latest.period_end)}{answers} · {_change_text(row, True)}\n"
        f"{_first_upper(target_text(row, *TARGET_MARKS))} · {_first_upper(benchmark_text(row))}"
    )


def kpi_table_text(table: KpiTable) -> Mrkdwn:
    """The whole table as the message's fallback text."""
    if not table.rows:
        return md(
            "No KPI values recorded yet for workshop #{} “{}”.", table.workshop_id, table.title
        )
    lines = [f"KPIs of workshop #{table.workshop_id} “{table.title}”:"]
    lines += [f"• {kpi_row_text(row)}" for row in table.rows]
    return join_lines(lines)


def chart_alt_text(table: KpiTable) -> str:
    latest = "; ".join(
        f"{row.kpi.short_name}{' (' + row.stage + ')' if row.stage else ''} "
        f"{row.kpi.format(row.latest.value)}"
        for row in table.rows
    )
    return f"Trend chart of {kpi_summary(table)}. Latest: {latest}."


def build_kpi_table(table: KpiTable) -> list[Block]:
    """Each KPI's latest value, change, target and benchmark, within Slack's 50 blocks."""
    head: list[Block] = [
        HeaderBlock(text=truncate(f"KPIs · {table.title}", 150)),
        context(
            f"Workshop #{table.workshop_id} · {kpi_summary(table)} · the latest period of each, "
            "against the one before: :large_green_circle: better :red_circle: worse "
            ":white_circle: unchanged · index = value against benchmark, 100 on par, "
            "above 100 better"
        ),
    ]
    tail: list[Block] = [
        context(TABLE_FOOTER),
        ActionsBlock(
            block_id=ids.KPI_TABLE_ACTIONS,
            elements=[
                ButtonElement(
                    text="Record a value",
                    action_id=ids.KPI_OPEN_RECORD,
                    value=str(table.workshop_id),
                )
            ],
        ),
    ]
    if not table.rows:
        return [*head[:1], mrkdwn_section(kpi_table_text(table)), *tail]
    rows = [_row_section(row) for row in table.rows]
    return cap_rows(head, rows, tail, more="… and {hidden} more KPIs.")

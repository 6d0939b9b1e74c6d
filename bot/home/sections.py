"""What the features add to the Home tab (listed in bot/home/feature.py): the
touchpoints each person has left to rate, their open action items with status buttons, and a KPI
snapshot of their most recent workshops. The buttons are the features' own, so their own
listeners handle them."""

from __future__ import annotations

from slack_sdk.models.blocks import ButtonElement
from sqlmodel import Session

from bot.action_items.blocks import action_item_line, status_buttons
from bot.gaps.blocks import rate_button
from bot.home.blocks import HomeItem, HomeSection, listing_section
from bot.kpis.blocks import TARGET_MARKS
from bot.slack import ids
from bot.slack.blocks import join_lines, md, truncate
from flows.actions import ActionItemSummary, open_action_items_of
from flows.formatting import plural
from flows.gap_reports import RatingToDo, ratings_left
from flows.kpi_reports import kpi_snapshots
from flows.kpi_text import kpi_summary, target_text, trend_text
from flows.kpis import KpiRow, KpiTable

SNAPSHOT_LINES = 6  # KPIs per workshop; the rest are counted


def ratings_left_section(session: Session, team_id: str, user_id: str) -> HomeSection | None:
    to_do = ratings_left(session, team_id, user_id)
    return listing_section(
        "ratings_left", "Touchpoints to rate", to_do, _rating_item, total=len(to_do)
    )


def _rating_item(item: RatingToDo) -> HomeItem:
    return HomeItem(
        f"*#{item.workshop_id} {truncate(item.title, 120)}*: you have *{item.left} of "
        f"{item.touchpoints}* touchpoints left to rate in round {item.round}.",
        (rate_button(item.workshop_id),),
    )


def open_action_items_section(session: Session, team_id: str, user_id: str) -> HomeSection | None:
    items = open_action_items_of(session, team_id, user_id)
    overdue = sum(item.overdue for item in items)
    return listing_section(
        "open_action_items",
        "Your open action items" + (f" · {overdue} overdue" if overdue else ""),
        items,
        _action_item,
        total=len(items),
        footer="Soonest due first · `/workshop actions #N` in a channel lists a workshop's items.",
    )


def _action_item(item: ActionItemSummary) -> HomeItem:
    return HomeItem(
        md(
            "{}\n_Workshop #{} · {} › {}_",
            action_item_line(item),
            item.workshop_id,
            item.stage,
            item.touchpoint,
        ),
        tuple(status_buttons(item)),
    )


def kpi_snapshot_section(session: Session, team_id: str, user_id: str) -> HomeSection | None:
    return listing_section(
        "kpi_snapshot",
        "KPI snapshot",
        kpi_snapshots(session, team_id, user_id),
        _snapshot_item,
        footer="Each KPI's latest value against its target · `/workshop kpis #N` in a channel "
        "shows them all with their trends.",
    )


def _snapshot_item(table: KpiTable) -> HomeItem:
    lines = [
        f"*#{table.workshop_id} {truncate(table.title, 120)}* · {kpi_summary(table)}",
        *(md("• {}", snapshot_line(row)) for row in table.rows[:SNAPSHOT_LINES]),
    ]
    hidden = len(table.rows) - SNAPSHOT_LINES
    if hidden > 0:
        lines.append(f"… and {plural(hidden, 'more KPI')}")
    return HomeItem(
        join_lines(lines),
        (
            ButtonElement(
                text="Record a value",
                action_id=ids.KPI_OPEN_RECORD,
                value=str(table.workshop_id),
            ),
        ),
    )


def snapshot_line(row: KpiRow) -> str:
    """ "*NPS* +28 ↑ better · target +30: :x: missed by 2 pts" (the stage, if any, after the
    name); people's text escaped where it meets mrkdwn."""
    name = row.kpi.short_name + (f" · {row.stage}" if row.stage else "")
    trend = f" {trend_text(row)}" if row.direction is not None else ""
    return f"*{name}* {row.kpi.format(row.latest.value)}{trend} · {target_text(row, *TARGET_MARKS)}"

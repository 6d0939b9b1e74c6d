"""Posting a comparison where `/workshop compare` was run: the outcome in the channel, then in
its thread the side-by-side tables and leads, the chart and the CSV. The tables are the text
fallback: they go out even when a file cannot."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.blocks import Block

from bot.compare.blocks import (
    build_comparison,
    build_comparison_detail,
    build_suggestions,
    comparison_text,
    detail_text,
    suggestions_text,
)
from bot.compare.chart import comparison_alt_text, render_comparison_chart
from flows.benchmarking import Comparison, compare_workshops, comparison_table, require_rated
from flows.exports import csv_bytes
from storage.db import Database

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Posted:
    tell: str  # what to tell whoever asked
    suggestions: list[Block]  # similar names to confirm, for them alone; empty: none


def comparison_for(db: Database, team_id: str, numbers: Sequence[int]) -> Comparison:
    """The comparison of workspace `team_id`'s workshops `numbers`; refuses (FlowError) unknown
    numbers, another workspace's (exactly as unknown ones), fewer than two, or no ratings."""
    with db.read_session() as session:
        comparison = compare_workshops(session, team_id, numbers)
    require_rated(comparison)
    return comparison


def post_comparison(client: WebClient, channel_id: str, comparison: Comparison) -> Posted:
    top = client.chat_postMessage(
        channel=channel_id, text=comparison_text(comparison), blocks=build_comparison(comparison)
    )
    thread_ts = top["ts"]
    client.chat_postMessage(
        channel=channel_id,
        thread_ts=thread_ts,
        text=detail_text(comparison),
        blocks=build_comparison_detail(comparison),
    )
    names = "-".join(str(w.id) for w in comparison.workshops)
    failed = []
    chart = render_comparison_chart(comparison)
    uploads: list[dict[str, Any]] = [
        {
            "content": csv_bytes(comparison_table(comparison)),
            "filename": f"workshops-{names}-comparison.csv",
            "title": f"Workshops {names} compared (CSV)",
        }
    ]
    if chart is not None:
        uploads.insert(
            0,
            {
                "content": chart,
                "filename": f"workshops-{names}-comparison.png",
                "title": "Gap per stage, side by side",
                "alt_txt": comparison_alt_text(comparison),
            },
        )
    for upload in uploads:
        try:
            client.files_upload_v2(channel=channel_id, thread_ts=thread_ts, **upload)
        except SlackClientError as error:
            detail = error.response.get("error") if isinstance(error, SlackApiError) else str(error)
            logger.warning("comparison file %s not uploaded: %s", upload["filename"], detail)
            failed.append(f"{upload['title']} ({detail})")
    tell = "Posted the comparison here, with the detail in its thread."
    if failed:
        tell += " These files could not be uploaded: " + "; ".join(failed) + "."
    if comparison.suggestions:
        return Posted(f"{tell} {suggestions_text(comparison)}", build_suggestions(comparison))
    return Posted(tell, [])

"""Posting the results per channel in the board's thread, after the gap results: the heat map,
then the table. Nothing is posted for a workshop whose touchpoints carry no channel."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlmodel import Session

from bot.channels.blocks import build_channel_results, channel_results_text
from bot.channels.chart import heatmap_alt_text, render_channel_heatmap
from bot.workshop.board import post_in_thread
from flows.channels import ChannelResults, channel_results
from storage.models import Workshop

logger = logging.getLogger(__name__)


def read_channel_results(session: Session, workshop: Workshop) -> ChannelResults | None:
    return channel_results(session, workshop)


def post_channel_results(
    client: WebClient, workshop: Workshop, results: ChannelResults | None
) -> None:
    """The heat map and the table, when the workshop uses channels and they have ratings."""
    if results is None or not results.has_ratings:
        return
    try:
        client.files_upload_v2(
            channel=workshop.channel_id,
            thread_ts=workshop.board_ts,
            content=render_channel_heatmap(results),
            filename=f"channels-{workshop.id}-r{results.round}.png",
            title=f"Gap by channel and stage, round {results.round}",
            alt_txt=heatmap_alt_text(results),
        )
    except SlackClientError as error:
        detail = error.response.get("error") if isinstance(error, SlackApiError) else str(error)
        logger.warning(
            "channel heat map of workshop %s (team %s) not uploaded: %s",
            workshop.id,
            workshop.team_id,
            detail,
        )
    post_in_thread(
        client, workshop, channel_results_text(results), blocks=build_channel_results(results)
    )

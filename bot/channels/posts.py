"""Posting the results per channel in the board's thread, after the gap results: the heat map,
then the table. Nothing is posted for a workshop whose touchpoints carry no channel."""

from __future__ import annotations

from slack_sdk import WebClient
from sqlmodel import Session

from bot.channels.blocks import build_channel_results, channel_results_text
from bot.channels.chart import heatmap_alt_text, render_channel_heatmap
from bot.workshop.board import post_in_thread, upload_in_thread
from flows.channels import ChannelResults, channel_results
from storage.models import Workshop


def read_channel_results(session: Session, workshop: Workshop) -> ChannelResults | None:
    return channel_results(session, workshop)


def post_channel_results(
    client: WebClient, workshop: Workshop, results: ChannelResults | None
) -> None:
    """The heat map and the table, when the workshop uses channels and they have ratings."""
    if results is None or not results.has_ratings:
        return
    upload_in_thread(
        client,
        workshop,
        render_channel_heatmap(results),
        f"channels-{workshop.id}-r{results.round}.png",
        f"Gap by channel and stage, round {results.round}",
        heatmap_alt_text(results),
    )
    post_in_thread(
        client, workshop, channel_results_text(results), blocks=build_channel_results(results)
    )

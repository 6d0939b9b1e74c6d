"""Posting the emotion curve in the board's thread, after the gap results: the chart, then the
moments that matter. Nothing is posted while the curve is off and nobody gave a feeling."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.emotions.blocks import build_emotion_results, emotion_results_text
from bot.emotions.chart import curve_alt_text, render_emotion_curve
from bot.emotions.lines import draws_lines, lines_alt_text, render_emotion_lines
from bot.workshop.board import post_in_thread
from flows.emotions import EmotionCurve, EmotionLines
from storage.models import Workshop

logger = logging.getLogger(__name__)


def post_emotion_curve(
    client: WebClient,
    workshop: Workshop,
    curve: EmotionCurve | None,
    lines: EmotionLines | None = None,
) -> None:
    """`lines` (per persona or per round) replace the one-line chart when there are several."""
    if curve is None or not curve.has_feelings:
        return
    several = lines if draws_lines(lines) else None
    try:
        client.files_upload_v2(
            channel=workshop.channel_id,
            thread_ts=workshop.board_ts,
            content=render_emotion_lines(several) if several else render_emotion_curve(curve),
            filename=f"emotion-curve-{workshop.id}-r{curve.round}.png",
            title=f"Emotion curve, round {curve.round}",
            alt_txt=lines_alt_text(several) if several else curve_alt_text(curve),
        )
    except SlackClientError as error:
        detail = error.response.get("error") if isinstance(error, SlackApiError) else str(error)
        logger.warning(
            "emotion curve of workshop %s (team %s) not uploaded: %s",
            workshop.id,
            workshop.team_id,
            detail,
        )
    post_in_thread(
        client, workshop, emotion_results_text(curve), blocks=build_emotion_results(curve, lines)
    )

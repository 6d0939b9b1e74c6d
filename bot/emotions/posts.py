"""Posting the emotion curve in the board's thread, after the gap results: the chart, then the
moments that matter. Nothing is posted while the curve is off and nobody gave a feeling."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.emotions.blocks import build_emotion_results, emotion_results_text
from bot.emotions.chart import curve_alt_text, render_emotion_curve
from bot.emotions.lines import draws_lines, lines_alt_text, render_emotion_lines
from bot.workshop.board import post_in_thread, upload_in_thread
from flows.emotions import EmotionCurve, EmotionLines
from storage.models import Workshop


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
    upload_in_thread(
        client,
        workshop,
        render_emotion_lines(several) if several else render_emotion_curve(curve),
        f"emotion-curve-{workshop.id}-r{curve.round}.png",
        f"Emotion curve, round {curve.round}",
        lines_alt_text(several) if several else curve_alt_text(curve),
    )
    post_in_thread(
        client, workshop, emotion_results_text(curve), blocks=build_emotion_results(curve, lines)
    )

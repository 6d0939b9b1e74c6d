"""The emotion curve in Block Kit: the rating form's optional feeling question, the curve's
results (its lowest points named), and the switch's confirmations (definitions in
flows/emotions.py)."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, HeaderBlock, InputBlock, Option

from bot.slack.blocks import (
    MAX_MESSAGE_BLOCKS,
    Mrkdwn,
    cap_blocks,
    context,
    join_lines,
    md,
    mrkdwn_section,
    truncate,
)
from bot.slack.inputs import select_input
from flows.emotions import FEELINGS, MOMENTS, EmotionCurve, EmotionLines
from flows.gaps.ratings import field_key
from flows.gaps.statistics import signed

FACES = {2: "😀", 1: "🙂", 0: "😐", -1: "🙁", -2: "😣"}


def feeling_label(value: int) -> str:
    """ "+2 😀 very positive": the number and the words carry the meaning, the face helps."""
    number = "0" if value == 0 else f"{value:+d}".replace("-", "−")
    return f"{number} {FACES[value]} {FEELINGS[value]}"


# Option values are words: a menu value that reads as a negative number is refused as forged
# (bot/slack/middleware.py), and words say what they mean in logs too.
OPTION_VALUES = {
    -2: "very_negative",
    -1: "negative",
    0: "neutral",
    1: "positive",
    2: "very_positive",
}
FEELING_OF_OPTION = {word: str(value) for value, word in OPTION_VALUES.items()}


def feeling_from_option(value: str | None) -> str | None:
    """The feeling ("-2"…"2") a picked option stands for; an unknown value is passed on as it
    came, for the form to refuse it on its field."""
    return None if value is None else FEELING_OF_OPTION.get(value, value)


def _option(value: int) -> Option:
    return Option(value=OPTION_VALUES[value], text=feeling_label(value))


def emotion_input(touchpoint_id: int, initial: int | None) -> InputBlock:
    """ "How does the customer feel here?", −2…+2, optional: in the rating form while the
    workshop's emotion curve is on."""
    return select_input(
        field_key("emotion", touchpoint_id),
        "How does the customer feel here?",
        optional=True,
        placeholder="−2 very negative … +2 very positive",
        options=[_option(value) for value in (2, 1, 0, -1, -2)],
        initial_option=None if initial is None else _option(initial),
    )


def emotions_switched_text(title: str, on: bool, changed: bool) -> Mrkdwn:
    if on:
        head = "The emotion curve is on" if changed else "The emotion curve was already on"
        return md(
            "{} for *{}*: the rating form now asks how the customer feels at each touchpoint "
            "(−2…+2, optional), and the gap results add the curve.",
            head,
            truncate(title, 150),
        )
    head = "The emotion curve is off" if changed else "The emotion curve was already off"
    return md(
        "{} for *{}*: the rating form no longer asks about feelings (those given are kept).",
        head,
        truncate(title, 150),
    )


def _feeling(value: float | None) -> str:
    return "–" if value is None else signed(value)


def _moments(curve: EmotionCurve) -> Mrkdwn:
    if not curve.lowest:
        return md(":slightly_smiling_face: The curve never dips below neutral: no low point.")
    lines = [md(":small_red_triangle_down: *Moments that matter* (the lowest points of the curve)")]
    for point in curve.lowest:
        lines.append(
            md(
                "• *{}* ({}): feels *{}* on −2…+2 ({} {})",
                point.name,
                point.stage_name,
                _feeling(point.mean),
                point.n,
                "answer" if point.n == 1 else "answers",
            )
        )
    return join_lines(lines)


def _stages(curve: EmotionCurve) -> Mrkdwn:
    parts = [md("{} {}", stage.name, _feeling(stage.mean)) for stage in curve.stages]
    return md("*Per stage*: {}", Mrkdwn(" · ").join(parts))


EMOTION_LEGEND = (
    "Feeling: how the customer feels at the touchpoint, −2 very negative … +2 very positive "
    "(journey-mapping practice, e.g. Smaply). A touchpoint's or stage's figure is the mean of the "
    f"feelings given there; the moments that matter are the up to {MOMENTS} lowest below 0 (ours)."
)


def change_words(lines: EmotionLines) -> str | None:
    """ "+0.4 since round 1 (over the 3 touchpoints with feelings in both)", or None."""
    change = lines.change
    if change is None or change.words() is None:
        return None
    touchpoints = "touchpoint" if change.compared == 1 else "touchpoints"
    return f"{change.words()} (over the {change.compared} {touchpoints} with feelings in both)"


def _lines(lines: EmotionLines) -> Mrkdwn | None:
    """The mean feeling per persona (its latest round) or per round, and the change."""
    if lines.by_persona:
        parts = [
            md(
                "{} {}{}",
                p.name,
                _feeling(p.curve.mean),
                "" if p.curve.round == lines.current.round else f" (round {p.curve.round})",
            )
            for p in lines.personas
        ]
        shown = md("*Per persona*: {}", Mrkdwn(" · ").join(parts))
    elif len(lines.rounds) > 1:
        parts = [md("round {} {}", c.round, _feeling(c.mean)) for c in lines.rounds]
        shown = md("*Per round*: {}", Mrkdwn(" · ").join(parts))
    else:
        return None
    change = change_words(lines)
    return shown if change is None else md("{}\n*Change*: {}", shown, change)


def build_emotion_results(curve: EmotionCurve, lines: EmotionLines | None = None) -> list[Block]:
    """The curve's results, posted in the board's thread after the gap results; with `lines`,
    the mean feeling per persona or per round too."""
    if not curve.has_feelings:
        return [mrkdwn_section(emotion_results_text(curve))]
    blocks: list[Block] = [
        HeaderBlock(text=f"Emotion curve · round {curve.round}"),
        mrkdwn_section(_moments(curve)),
        mrkdwn_section(_stages(curve)),
    ]
    by_line = _lines(lines) if lines is not None else None
    if by_line is not None:
        blocks.append(mrkdwn_section(by_line))
    blocks += [context(EMOTION_LEGEND)]
    return cap_blocks(blocks, MAX_MESSAGE_BLOCKS)


def emotion_results_text(curve: EmotionCurve) -> Mrkdwn:
    if not curve.has_feelings:
        return md("Nobody has said how the customer feels yet in round {}.", curve.round)
    if not curve.lowest:
        return md("Emotion curve, round {}: no low point.", curve.round)
    lowest = curve.lowest[0]
    return md(
        "Emotion curve, round {}: lowest at {} ({}).",
        curve.round,
        lowest.name,
        _feeling(lowest.mean),
    )
